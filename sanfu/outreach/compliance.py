"""应访尽访: for every link and cadence period, visits due, done, and whether the period is
overdue. Defined once here; figures, pages, the command and the sweep all read it.

The rules, in order:
- A window of report (a month, a quarter…) holds the cadence periods whose first day lies in
  it, so each period belongs to one window and consecutive windows add up.
- A period is due only when it has begun (first day on or before today) and the link covers it
  whole (started on or before its first day, not ended before its last).
- Done is the link's visits dated in the period (local date), not outside the link's term,
  counted up to the cadence: five visits in a week due one count one.
- A period is overdue when its last day has passed and fewer visits were done than due; open
  while it runs; done once enough visits are in.

`compliance_scan` computes this from the visits. Over whole months (a month, a quarter, a year)
`compliance_for` reads the same sums from the monthly tallies (tallies.py) and counts only the
running period from visits; a test holds the two equal on random data.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, QuerySet, Sum
from django.db.models.base import ModelState
from django.db.models.functions import TruncDate
from django.utils import timezone

from sanfu.outreach.models import Link, LinkMonth, LinkYear, Period, Visit
from sanfu.outreach.periods import Span, period_of, periods_starting_in

CHUNK = 2000

# Which links a query reads: a list of ids, or a subquery of them (`links.values("pk")`).
LinkIds = list[int] | QuerySet[Link, Any]


class State:
    DONE = "done"
    OPEN = "open"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class PeriodRow:
    span: Span
    due: int
    done: int
    state: str


@dataclass
class LinkCompliance:
    """One link's periods in a window, and their sums (computed once, read many times)."""

    link: Link
    periods: list[PeriodRow] = field(default_factory=list)
    due: int = 0
    done: int = 0
    # Visits missing from periods that have passed.
    overdue: int = 0
    # Every visit dated in the window, outside-term ones included (they happened).
    visits: int = 0
    # The problems found on them (found, turned into cases, of which solved, solved on the
    # spot), when read with the sums from the monthly tallies; None: figures.py counts them.
    problems: tuple[int, int, int, int] | None = None

    @property
    def is_overdue(self) -> bool:
        return self.overdue > 0

    def add(self, row: PeriodRow, *, keep: bool) -> None:
        if keep:
            self.periods.append(row)
        self.due += row.due
        self.done += row.done
        if row.state == State.OVERDUE:
            self.overdue += row.due - row.done


def covers(link: Link, span: Span) -> bool:
    if link.starts_on > span.first:
        return False
    return link.ends_on is None or link.ends_on >= span.last


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(last, time.max, tzinfo=zone)
    return start, end


@dataclass
class VisitCounts:
    """One link's visits per local day: those that count, and all of them."""

    counted: dict[date, int] = field(default_factory=dict)
    recorded: dict[date, int] = field(default_factory=dict)


def visits_per_day(
    link_ids: Iterable[int] | QuerySet[Link, Any],
    first: date | None,
    last: date | None,
) -> dict[int, VisitCounts]:
    """The links' visits per local day from `first` to `last` (None: no bound), grouped by the
    database. `link_ids` is a list of ids or a subquery of them (`links.values("pk")`)."""
    ids = link_ids if isinstance(link_ids, QuerySet) else list(link_ids)
    visits = Visit.objects.filter(link_id__in=ids)
    if first is not None:
        visits = visits.filter(visited_at__gte=day_bounds(first, first)[0])
    if last is not None:
        visits = visits.filter(visited_at__lte=day_bounds(last, last)[1])
    rows = (
        visits.annotate(day=TruncDate("visited_at", tzinfo=ZoneInfo(settings.TIME_ZONE)))
        .values_list("link_id", "day", "outside_term")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[int, VisitCounts] = defaultdict(VisitCounts)
    for link_id, day, outside, number in rows:
        found = counts[link_id]
        found.recorded[day] = found.recorded.get(day, 0) + number
        if not outside:
            found.counted[day] = found.counted.get(day, 0) + number
    return counts


def _periods_in(period: str, window: Span, today: date) -> list[Span]:
    return [span for span in periods_starting_in(period, window) if span.first <= today]


def scan_last(window: Span) -> date:
    """The last day of any cadence period that begins in `window`: visits up to it count.
    (A week that begins on the last Monday of a quarter ends in the next one.)"""
    last = window.last
    for period in Period.values:
        for span in periods_starting_in(period, window):
            last = max(last, span.last)
    return last


def _state(done: int, due: int, span: Span, today: date) -> str:
    if done >= due:
        return State.DONE
    if span.last < today:
        return State.OVERDUE
    return State.OPEN


def compliance_scan(
    links: Iterable[Link], window: Span, *, today: date | None = None, detail: bool = False
) -> list[LinkCompliance]:
    """Each link's sums over its periods in `window`, as of `today`, counted from the visits
    themselves; with `detail`, each period's row too. This is the definition: the tallies
    (tallies.py) must give the same sums."""
    today = today or timezone.localdate()
    chosen = links_read(links)
    last = scan_last(window)
    counts: dict[int, VisitCounts] = {}
    for chunk in range(0, len(chosen), CHUNK):
        part = chosen[chunk : chunk + CHUNK]
        counts.update(visits_per_day((link.pk for link in part), window.first, last))
    spans = {period: _periods_in(period, window, today) for period in Period.values}
    result: list[LinkCompliance] = []
    empty = VisitCounts()
    for link in chosen:
        found = counts.get(link.pk, empty)
        # Visits per period, keyed by the period's first day.
        per_period: dict[date, int] = defaultdict(int)
        for day, number in found.counted.items():
            per_period[period_of(link.cadence_period, day).first] += number
        row = LinkCompliance(
            link=link,
            visits=sum(
                n for day, n in found.recorded.items() if window.first <= day <= window.last
            ),
        )
        for span in spans[link.cadence_period]:
            if not covers(link, span):
                continue
            done = min(per_period.get(span.first, 0), link.cadence_count)
            state = _state(done, link.cadence_count, span, today)
            row.add(PeriodRow(span, link.cadence_count, done, state), keep=detail)
        result.append(row)
    return result


def _loaded_names(links: QuerySet[Link, Any]) -> list[str]:
    """The attribute names a queryset of links loads: its concrete fields (those `only()` kept
    or `defer()` left), then its annotations."""
    names, deferring = links.query.deferred_loading
    chosen = []
    for model_field in Link._meta.concrete_fields:
        named = model_field.name in names or model_field.attname in names
        if model_field.primary_key or named != deferring:
            chosen.append(model_field.attname)
    return [*chosen, *links.query.annotations]


def links_read(links: Iterable[Link]) -> list[Link]:
    """`list(links)`, but a queryset's rows are read as plain values and set on bare instances:
    Django's model constructor costs some 50 µs a row, half a second for a county's 12k links,
    and compliance reads five fields of each. The instances behave as `only()`'s do (a field
    not read loads on first use; related rows load with `prefetch_related_objects`)."""
    if not isinstance(links, QuerySet):
        return list(links)
    names = _loaded_names(links)
    result: list[Link] = []
    for values in links.values_list(*names):
        link = Link.__new__(Link)
        link.__dict__.update(zip(names, values, strict=True))
        state = ModelState()
        state.db = links.db
        state.adding = False
        link._state = state
        result.append(link)
    return result


def whole_months(window: Span) -> bool:
    return window.first.day == 1 and period_of("monthly", window.last).last == window.last


def compliance_for(
    links: Iterable[Link], window: Span, *, today: date | None = None, detail: bool = False
) -> list[LinkCompliance]:
    """Each link's sums over its periods in `window`, as of `today`; with `detail`, each
    period's row too (a county-year of daily patrols is millions of them: lists need sums).

    A window of whole months is read from the monthly tallies; a week or a day, or a request
    for each period's row, from the visits (there are few). Given a queryset of links, the
    database reads the tallies and visits of the links it selects (a subquery), instead of
    receiving a thousand ids back in each query."""
    if detail or not whole_months(window):
        return compliance_scan(links, window, today=today, detail=detail)
    source = links if isinstance(links, QuerySet) else None
    return compliance_from_tallies(
        links, window, today=today or timezone.localdate(), source=source
    )


def link_id_groups(
    links: list[Link], source: QuerySet[Link] | None, period: str | None = None
) -> Iterator[LinkIds]:
    """What `link_id__in=` takes to select `links` (those of one cadence `period`, if given):
    the source queryset's ids as one subquery, or else the links' ids in chunks."""
    if source is not None:
        chosen = source if period is None else source.filter(cadence_period=period)
        # Ordering and the annotations the caller added mean nothing inside IN (...).
        yield chosen.order_by().values("pk")
        return
    ids = [link.pk for link in links if period is None or link.cadence_period == period]
    for chunk in range(0, len(ids), CHUNK):
        yield ids[chunk : chunk + CHUNK]


# Per link, summed over a window's months: visits recorded, done, and the problems' four counts.
TallySums = tuple[int, int, int, int, int, int]
NO_TALLIES: TallySums = (0, 0, 0, 0, 0, 0)


def _years_and_months(window: Span) -> tuple[list[int], list[tuple[date, date]]]:
    """A window of whole months as the calendar years it holds whole and the runs of months
    left before and after them (the first days of their first and last months)."""
    years = [
        year
        for year in range(window.first.year, window.last.year + 1)
        if date(year, 1, 1) >= window.first and date(year, 12, 31) <= window.last
    ]
    if not years:
        return [], [(window.first, window.last)]
    runs = []
    if window.first < date(years[0], 1, 1):
        runs.append((window.first, date(years[0] - 1, 12, 1)))
    if window.last > date(years[-1], 12, 31):
        runs.append((date(years[-1] + 1, 1, 1), window.last))
    return years, runs


def tallies_for(link_ids: Iterable[LinkIds], window: Span) -> dict[int, TallySums]:
    """Per link: (visits recorded, done, problems found, turned into cases, of which solved,
    solved on the spot) summed over the tallies of the window's months: the years it holds
    whole from the links' years, the other months from their months."""
    years, runs = _years_and_months(window)
    sums: dict[int, TallySums] = {}
    for ids in link_ids:
        parts: list[QuerySet[Any, Any]] = []
        if years:
            parts.append(LinkYear.objects.filter(link_id__in=ids, year__in=years))
        parts += [
            LinkMonth.objects.filter(link_id__in=ids, month__gte=first, month__lte=last)
            for first, last in runs
        ]
        for part in parts:
            rows = (
                part.values_list("link_id")
                .annotate(
                    Sum("visits_recorded"),
                    Sum("done"),
                    Sum("problems_found"),
                    Sum("problems_to_cases"),
                    Sum("cases_solved"),
                    Sum("solved_on_the_spot"),
                )
                .order_by()
            )
            for link_id, *found in plain_rows(rows):
                kept = sums.get(link_id)
                if kept is None:
                    sums[link_id] = tuple(found)
                else:
                    sums[link_id] = tuple(a + b for a, b in zip(kept, found, strict=True))
    return sums


def plain_rows(rows: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """A `values_list` queryset's rows as the database driver gives them, without Django's
    converters: a county's twelve thousand rows of six sums pass each sum through one (some
    40 ms); integers and dates need none."""
    try:
        sql, params = rows.query.get_compiler(rows.db).as_sql()
    except EmptyResultSet:
        return []
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _live_periods(
    links: list[Link], window: Span, today: date, source: QuerySet[Link] | None
) -> dict[int, list[tuple[Span, int]]]:
    """Per link: its covered periods that begin in the window on or after the first day of the
    period holding today (that period, and any a visit a little in the future opened), each
    with its counted visits. The tallies hold them too; the definition counts only the first,
    and not yet as overdue."""
    firsts = {period: period_of(period, today).first for period in Period.values}
    result: dict[int, list[tuple[Span, int]]] = {}
    last = scan_last(window)
    for period, first in firsts.items():
        # Each cadence from its own period's first day: today alone for the daily patrols.
        live = [link for link in links if link.cadence_period == period]
        if not live or first > window.last:
            continue
        counts: dict[int, VisitCounts] = {}
        for ids in link_id_groups(live, source, period):
            counts.update(visits_per_day(ids, max(first, window.first), last))
        for link in live:
            found = counts.get(link.pk)
            if found is None:
                continue
            per_period: dict[Span, int] = defaultdict(int)
            for day, number in found.counted.items():
                span = period_of(period, day)
                if span.first >= first and span.first in window:
                    per_period[span] += number
            result[link.pk] = [
                (span, number) for span, number in per_period.items() if covers(link, span)
            ]
    return result


def compliance_from_tallies(
    links: Iterable[Link], window: Span, *, today: date, source: QuerySet[Link] | None = None
) -> list[LinkCompliance]:
    """`compliance_scan` over a window of whole months, from the tallies: the periods that
    ended before today come from the tallies alone; the running one is counted from visits.
    `source`, the queryset `links` came from, lets the database select the links itself."""
    chosen = links_read(links)
    sums = tallies_for(link_id_groups(chosen, source), window)
    live = _live_periods(chosen, window, today, source)
    spans = {period: _periods_in(period, window, today) for period in Period.values}
    firsts = {period: [span.first for span in found] for period, found in spans.items()}
    lasts = {period: [span.last for span in found] for period, found in spans.items()}
    currents = {period: period_of(period, today) for period in Period.values}
    # A county's links share a few terms: each term's count of periods is worked out once.
    terms: dict[tuple[str, date, date | None], tuple[int, int]] = {}
    result: list[LinkCompliance] = []
    for link in chosen:
        recorded, done, *problems = sums.get(link.pk, NO_TALLIES)
        period = link.cadence_period
        term = (period, link.starts_on, link.ends_on)
        found = terms.get(term)
        if found is None:
            # The covered periods are a run of the sorted list: those beginning on or after
            # the link's start and ending on or before its end.
            low = bisect_left(firsts[period], link.starts_on)
            high = len(lasts[period])
            if link.ends_on is not None:
                high = bisect_right(lasts[period], link.ends_on)
            # The period holding today is due but not overdue, whatever its visits.
            current = currents[period]
            running = 1 if current.first in window and covers(link, current) else 0
            found = terms[term] = (max(0, high - low), running)
        covered, running = found
        current = currents[period]
        row = LinkCompliance(
            link=link,
            visits=recorded,
            due=covered * link.cadence_count,
            problems=(problems[0], problems[1], problems[2], problems[3]),
        )
        current_done = 0
        for span, number in live.get(link.pk, []):
            capped = min(number, link.cadence_count)
            done -= capped
            if span == current:
                current_done = capped
        # `done` now holds the periods that ended before today.
        row.done = done + current_done
        row.overdue = (covered - running) * link.cadence_count - done
        result.append(row)
    return result


def links_in_window(links: Iterable[Link], window: Span) -> list[Link]:
    """Links whose term meets the window."""
    return [
        link
        for link in links
        if link.starts_on <= window.last and (link.ends_on is None or link.ends_on >= window.first)
    ]

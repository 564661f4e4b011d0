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
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from sanfu.outreach.models import Link, Period, Visit
from sanfu.outreach.periods import Span, period_of, periods_starting_in


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


def visits_per_day(link_ids: Iterable[int], first: date, last: date) -> dict[int, VisitCounts]:
    """The links' visits per local day, grouped by the database."""
    start, end = day_bounds(first, last)
    rows = (
        Visit.objects.filter(link_id__in=list(link_ids), visited_at__gte=start, visited_at__lte=end)
        .annotate(day=TruncDate("visited_at", tzinfo=ZoneInfo(settings.TIME_ZONE)))
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


def compliance_for(
    links: Iterable[Link], window: Span, *, today: date | None = None, detail: bool = False
) -> list[LinkCompliance]:
    """Each link's sums over its periods in `window`, as of `today`; with `detail`, each
    period's row too (a county-year of daily patrols is millions of them: lists need sums)."""
    today = today or timezone.localdate()
    chosen = list(links)
    # A period that starts in the window may end after it (a week over a month's end).
    last = period_of("quarterly", window.last).last
    counts: dict[int, VisitCounts] = {}
    for chunk in range(0, len(chosen), 2000):
        part = chosen[chunk : chunk + 2000]
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
            if done >= link.cadence_count:
                state = State.DONE
            elif span.last < today:
                state = State.OVERDUE
            else:
                state = State.OPEN
            row.add(PeriodRow(span, link.cadence_count, done, state), keep=detail)
        result.append(row)
    return result


def links_in_window(links: Iterable[Link], window: Span) -> list[Link]:
    """Links whose term meets the window."""
    return [
        link
        for link in links
        if link.starts_on <= window.last and (link.ends_on is None or link.ends_on >= window.first)
    ]

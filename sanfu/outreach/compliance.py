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

from sanfu.outreach.models import Link, Visit
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
    link: Link
    periods: list[PeriodRow] = field(default_factory=list)

    @property
    def due(self) -> int:
        return sum(row.due for row in self.periods)

    @property
    def done(self) -> int:
        return sum(row.done for row in self.periods)

    @property
    def overdue(self) -> int:
        """Visits missing from periods that have passed."""
        return sum(row.due - row.done for row in self.periods if row.state == State.OVERDUE)

    @property
    def is_overdue(self) -> bool:
        return self.overdue > 0


def covers(link: Link, span: Span) -> bool:
    if link.starts_on > span.first:
        return False
    return link.ends_on is None or link.ends_on >= span.last


def due_periods(link: Link, window: Span, today: date) -> list[Span]:
    return [
        span
        for span in periods_starting_in(link.cadence_period, window)
        if span.first <= today and covers(link, span)
    ]


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(last, time.max, tzinfo=zone)
    return start, end


def visits_per_day(link_ids: Iterable[int], first: date, last: date) -> dict[int, dict[date, int]]:
    """Counted visits of these links per local day, from the database's own grouping."""
    start, end = day_bounds(first, last)
    rows = (
        Visit.objects.filter(
            link_id__in=list(link_ids),
            outside_term=False,
            visited_at__gte=start,
            visited_at__lte=end,
        )
        .annotate(day=TruncDate("visited_at", tzinfo=ZoneInfo(settings.TIME_ZONE)))
        .values("link_id", "day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[int, dict[date, int]] = defaultdict(dict)
    for row in rows:
        counts[row["link_id"]][row["day"]] = row["n"]
    return counts


def compliance_for(
    links: Iterable[Link], window: Span, *, today: date | None = None
) -> list[LinkCompliance]:
    """Each link's periods in `window`, with due, done and state, as of `today`."""
    today = today or timezone.localdate()
    chosen = list(links)
    # A period that starts in the window may end after it (a week over a month's end).
    last = period_of("quarterly", window.last).last
    counts: dict[int, dict[date, int]] = {}
    for chunk in range(0, len(chosen), 2000):
        part = chosen[chunk : chunk + 2000]
        counts.update(visits_per_day((link.pk for link in part), window.first, last))
    result: list[LinkCompliance] = []
    for link in chosen:
        days = counts.get(link.pk, {})
        row = LinkCompliance(link=link)
        for span in due_periods(link, window, today):
            if span.first == span.last:
                visits = days.get(span.first, 0)
            else:
                visits = sum(n for day, n in days.items() if day in span)
            done = min(visits, link.cadence_count)
            if done >= link.cadence_count:
                state = State.DONE
            elif span.last < today:
                state = State.OVERDUE
            else:
                state = State.OPEN
            row.periods.append(PeriodRow(span, link.cadence_count, done, state))
        result.append(row)
    return result


def links_in_window(links: Iterable[Link], window: Span) -> list[Link]:
    """Links whose term meets the window."""
    return [
        link
        for link in links
        if link.starts_on <= window.last and (link.ends_on is None or link.ends_on >= window.first)
    ]

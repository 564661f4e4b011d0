"""Per-link, per-month tallies of visits (`LinkMonth`), so a county-year of compliance reads
some ten thousand small rows instead of millions of visits; and per-link, per-year sums of
those months (`LinkYear`), written with them, so a calendar year reads one row per link.

A row holds, for one link and one calendar month (local dates):

- `visits_recorded`: the link's visits dated in the month, outside-term ones included;
- `visits_counted`: of those, the ones that count (not outside the link's term);
- `done`: over the link's cadence periods that *begin* in the month and that the link covers
  whole, the counted visits of each period up to the cadence (compliance.py's "done"; a week
  that begins on 30 March belongs to March, even for its visits in April);
- the problems found on the link's visits in the month (by the local date they were found),
  as figures.py defines them: found, turned into cases, of which solved (the case as it stands
  now), solved on the spot.

Who keeps them:
- `tally_visit_added(visit)`, called by the visit service in the visit's transaction, under a
  lock on the link row, so two visits of one link at once cannot both take the last place
  under the cadence; `tally_problem_added(problem)` likewise for each problem of the visit;
- `tally_case_changed(case)`, which the case loop announces with every event of a case's
  timeline (cases/announce.py): a problem's case answered as solved, reopened, closed. It
  counts the month's solved cases again under a lock on the month's row;
- `tally_rebuild(link_ids=…)` for a link whose term changed (the link services call it) and,
  with no argument, for everything: `sanfu outreach tally`, run once after upgrading and
  whenever visits were written around the services (bulk seeding). It is safe to run twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count, F
from django.db.models.functions import TruncDate
from django.utils import timezone

from sanfu.cases.models import Case, Channel
from sanfu.outreach.compliance import VisitCounts, covers, day_bounds, visits_per_day
from sanfu.outreach.figures import SOLVED, case_is_solved
from sanfu.outreach.models import (
    Link,
    LinkMonth,
    LinkYear,
    ProblemOutcome,
    Visit,
    VisitProblem,
)
from sanfu.outreach.periods import period_of

CHUNK = 2000


def month_of(day: date) -> date:
    return day.replace(day=1)


def tally_visit_added(visit: Visit) -> None:
    """Count a visit just stored into its link's tallies (inside the visit's transaction)."""
    link = Link.objects.select_for_update().get(pk=visit.link_id)
    day = timezone.localdate(visit.visited_at)
    counted = 0 if visit.outside_term else 1
    done = 0
    if counted:
        span = period_of(link.cadence_period, day)
        if covers(link, span):
            start, end = day_bounds(span.first, span.last)
            # This visit included: it was stored before the tally, in the same transaction.
            in_period = Visit.objects.filter(
                link_id=link.pk, visited_at__gte=start, visited_at__lte=end, outside_term=False
            ).count()
            done = 1 if in_period <= link.cadence_count else 0
            if done and month_of(span.first) != month_of(day):
                _add(link.pk, month_of(span.first), recorded=0, counted=0, done=1)
                done = 0
    _add(link.pk, month_of(day), recorded=1, counted=counted, done=done)


def _add(link_id: int, month: date, *, recorded: int, counted: int, done: int) -> None:
    _add_counts(
        link_id, month, {"visits_recorded": recorded, "visits_counted": counted, "done": done}
    )


def _add_counts(link_id: int, month: date, counts: dict[str, int]) -> None:
    """Add to the month's row and to its year's (the sum of the year's months)."""
    row, created = LinkMonth.objects.get_or_create(link_id=link_id, month=month, defaults=counts)
    added = {name: F(name) + number for name, number in counts.items()}
    if not created:
        LinkMonth.objects.filter(pk=row.pk).update(**added)
    year, created = LinkYear.objects.get_or_create(
        link_id=link_id, year=month.year, defaults=counts
    )
    if not created:
        LinkYear.objects.filter(pk=year.pk).update(**added)


# Visit problems' cases come from these channels only: a case of any other asks nothing more.
_PROBLEM_CHANNELS = (Channel.VISIT, Channel.PATROL)


def tally_problem_added(problem: VisitProblem) -> None:
    """Count a problem just stored (inside the visit's transaction, after its visit)."""
    case = problem.case if problem.case_id is not None else None
    to_case = problem.outcome == ProblemOutcome.CASE
    counts = {
        "problems_found": 1,
        "problems_to_cases": 1 if to_case else 0,
        "cases_solved": 1 if case is not None and case_is_solved(case) else 0,
        "solved_on_the_spot": 1 if problem.outcome == ProblemOutcome.ON_THE_SPOT else 0,
    }
    _add_counts(problem.link_id, month_of(timezone.localdate(problem.found_at)), counts)


def tally_case_changed(case: Case) -> None:
    """A case changed (the loop announces each event of its timeline): if a visit's problem
    became it, count its month's solved cases again, this case as it stands in memory (its
    row may be saved after the event), the others as their rows stand."""
    if case.channel not in _PROBLEM_CHANNELS:
        return
    found = VisitProblem.objects.filter(case_id=case.pk).values_list("link_id", "found_at")
    if not found:
        return
    link_id, found_at = found[0]
    month = month_of(timezone.localdate(found_at))
    # The lock makes two cases of one month solved at once count each other: the second
    # counts after the first committed.
    row = LinkMonth.objects.select_for_update().filter(link_id=link_id, month=month).first()
    if row is None:  # pragma: no cover - the problem's visit made the row
        return
    start, end = day_bounds(month, period_of("monthly", month).last)
    others = (
        VisitProblem.objects.filter(link_id=link_id, found_at__gte=start, found_at__lte=end)
        .filter(SOLVED)
        .exclude(case_id=case.pk)
        .count()
    )
    solved = others + (1 if case_is_solved(case) else 0)
    if solved != row.cases_solved:
        LinkMonth.objects.filter(pk=row.pk).update(cases_solved=solved)
        # The year's row exists with its month's (both are written together); the month's
        # lock keeps the difference right.
        LinkYear.objects.filter(link_id=link_id, year=month.year).update(
            cases_solved=F("cases_solved") + (solved - row.cases_solved)
        )


@dataclass
class _Row:
    recorded: int = 0
    counted: int = 0
    done: int = 0
    found: int = 0
    to_cases: int = 0
    solved: int = 0
    on_the_spot: int = 0


def _problem_tallies(link_ids: list[int], rows: dict[tuple[int, date], _Row]) -> None:
    """Add the problems of `link_ids`, per local month, to `rows`."""
    found = (
        VisitProblem.objects.filter(link_id__in=link_ids)
        .annotate(day=TruncDate("found_at", tzinfo=timezone.get_default_timezone()))
        .values_list("link_id", "day", "outcome")
        .annotate(n=Count("pk"), solved=Count("pk", filter=SOLVED))
        .order_by()
    )
    for link_id, day, outcome, number, solved in found:
        row = rows[link_id, month_of(day)]
        row.found += number
        row.solved += solved
        if outcome == ProblemOutcome.CASE:
            row.to_cases += number
        elif outcome == ProblemOutcome.ON_THE_SPOT:
            row.on_the_spot += number


def tallies_from_visits(links: Iterable[Link]) -> dict[tuple[int, date], _Row]:
    """The tallies of `links` computed from their visits (the definition the kept rows must
    equal)."""
    chosen = list(links)
    rows: dict[tuple[int, date], _Row] = defaultdict(_Row)
    for chunk in range(0, len(chosen), CHUNK):
        part = chosen[chunk : chunk + CHUNK]
        rows.update(
            tallies_from_counts(part, visits_per_day((link.pk for link in part), None, None))
        )
        _problem_tallies([link.pk for link in part], rows)
    return rows


def tallies_from_counts(
    links: Iterable[Link], counts: dict[int, VisitCounts]
) -> dict[tuple[int, date], _Row]:
    """The tallies of `links` from their visits per local day: the demo seed, which wrote the
    visits itself, passes what it wrote instead of reading a million rows back."""
    rows: dict[tuple[int, date], _Row] = defaultdict(_Row)
    for link in links:
        found = counts.get(link.pk)
        if found is None:
            continue
        per_period: dict[date, int] = defaultdict(int)
        for day, number in found.recorded.items():
            rows[link.pk, month_of(day)].recorded += number
        for day, number in found.counted.items():
            rows[link.pk, month_of(day)].counted += number
            per_period[period_of(link.cadence_period, day).first] += number
        for first, number in per_period.items():
            if covers(link, period_of(link.cadence_period, first)):
                rows[link.pk, month_of(first)].done += min(number, link.cadence_count)
    return rows


TALLY_COUNTS = (
    "visits_recorded",
    "visits_counted",
    "done",
    "problems_found",
    "problems_to_cases",
    "cases_solved",
    "solved_on_the_spot",
)


def _years_of(months: Iterable[LinkMonth]) -> list[LinkYear]:
    """The year rows summing `months`."""
    years: dict[tuple[int, int], LinkYear] = {}
    for month in months:
        year = years.get((month.link_id, month.month.year))
        if year is None:
            year = years[month.link_id, month.month.year] = LinkYear(
                link_id=month.link_id, year=month.month.year
            )
        for name in TALLY_COUNTS:
            setattr(year, name, getattr(year, name) + getattr(month, name))
    return list(years.values())


@transaction.atomic
def tally_rebuild(
    *, link_ids: Iterable[int] | None = None, counts: dict[int, VisitCounts] | None = None
) -> int:
    """Rewrite the tallies of the given links (default: every link) from their visits; returns
    the number of rows written. Locks the links' rows, so no visit is counted meanwhile.

    `counts`: the links' visits per local day when the caller knows them (it wrote them all,
    in this transaction); by default they are read from the visits."""
    links = Link.objects.order_by("pk")
    if link_ids is not None:
        links = links.filter(pk__in=list(link_ids))
    chosen = list(links.select_for_update())
    ids = [link.pk for link in chosen]
    written = 0
    for chunk in range(0, len(chosen), CHUNK):
        part = chosen[chunk : chunk + CHUNK]
        LinkMonth.objects.filter(link_id__in=ids[chunk : chunk + CHUNK]).delete()
        if counts is None:
            rows = tallies_from_visits(part)
        else:
            rows = tallies_from_counts(part, counts)
            _problem_tallies([link.pk for link in part], rows)
        fresh = [
            LinkMonth(
                link_id=link_id,
                month=month,
                visits_recorded=row.recorded,
                visits_counted=row.counted,
                done=row.done,
                problems_found=row.found,
                problems_to_cases=row.to_cases,
                cases_solved=row.solved,
                solved_on_the_spot=row.on_the_spot,
            )
            for (link_id, month), row in sorted(rows.items())
        ]
        LinkMonth.objects.bulk_create(fresh, batch_size=CHUNK)
        LinkYear.objects.filter(link_id__in=ids[chunk : chunk + CHUNK]).delete()
        LinkYear.objects.bulk_create(_years_of(fresh), batch_size=CHUNK)
        written += len(fresh)
    return written

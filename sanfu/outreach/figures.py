"""The outreach figures, each defined once, here.

For a set of links (a unit's subtree, a cadre, a town, a target kind) and a window of report:

- links: links whose term meets the window.
- visits due / visits done: summed over the links' cadence periods in the window, as
  `compliance.py` defines them (done counted up to the cadence).
- done rate: visits done / visits due, an exact fraction rounded once for display; None when
  nothing was due, never 0 or 100 by default.
- overdue links: links with at least one passed period short of visits.
- visits: visits recorded with a date in the window (outside-term visits included: they
  happened).
- problems found: problems found on those visits; turned into cases; of which solved (the case
  answered as solved, on the spot or later — as the case stands now); solved on the spot (on
  the visit, without a case).

Parts are counts, so they add up across cadres, units and towns; rates are computed from parts.

Over whole months the problems' counts come with the compliance rows, from the monthly tallies
(tallies.py keeps them as problems are found and their cases change); over a week or a day
they are counted here from the problems themselves. A test holds the two equal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from fractions import Fraction

from django.db.models import Count, Q, QuerySet

from sanfu.cases.models import Case, CaseState, ReplyKind
from sanfu.outreach.compliance import LinkCompliance, day_bounds, link_id_groups
from sanfu.outreach.models import Link, ProblemOutcome, VisitProblem
from sanfu.outreach.periods import Span

SOLVED_STATES = (CaseState.REPLIED, CaseState.CLOSED)
SOLVED_KINDS = (ReplyKind.SOLVED, ReplyKind.ON_THE_SPOT)
# A visit problem whose case is solved as it stands now; and the same of a case in hand.
SOLVED = Q(case__state__in=SOLVED_STATES, case__reply_kind__in=SOLVED_KINDS)


def case_is_solved(case: Case) -> bool:
    return case.state in SOLVED_STATES and case.reply_kind in SOLVED_KINDS


@dataclass
class Figures:
    links: int = 0
    visits_due: int = 0
    visits_done: int = 0
    overdue_links: int = 0
    visits: int = 0
    problems_found: int = 0
    problems_to_cases: int = 0
    cases_solved: int = 0
    solved_on_the_spot: int = 0

    @property
    def done_rate(self) -> Fraction | None:
        if not self.visits_due:
            return None
        return Fraction(self.visits_done, self.visits_due)

    @property
    def done_percent(self) -> float | None:
        rate = self.done_rate
        return None if rate is None else round(float(rate) * 100, 1)

    def as_dict(self) -> dict[str, object]:
        return {
            "links": self.links,
            "visits_due": self.visits_due,
            "visits_done": self.visits_done,
            "done_rate": self.done_percent,
            "overdue_links": self.overdue_links,
            "visits": self.visits,
            "problems_found": self.problems_found,
            "problems_to_cases": self.problems_to_cases,
            "cases_solved": self.cases_solved,
            "solved_on_the_spot": self.solved_on_the_spot,
        }


def _visit_parts(
    links: list[Link], window: Span, source: QuerySet[Link] | None
) -> dict[int, dict[str, int]]:
    start, end = day_bounds(window.first, window.last)
    parts: dict[int, dict[str, int]] = {}
    for ids in link_id_groups(links, source):
        rows = (
            # The problem's own copies of its visit's link and time (indexed together): the
            # visits, millions of rows, are not read.
            VisitProblem.objects.filter(link_id__in=ids, found_at__gte=start, found_at__lte=end)
            .values("link_id")
            .annotate(
                found=Count("pk"),
                cases=Count("pk", filter=Q(outcome=ProblemOutcome.CASE)),
                solved=Count("pk", filter=SOLVED),
                spot=Count("pk", filter=Q(outcome=ProblemOutcome.ON_THE_SPOT)),
            )
            .order_by()
        )
        for row in rows:
            parts[row["link_id"]] = row
    return parts


def figures_by(
    rows: Iterable[LinkCompliance],
    window: Span,
    key: Callable[[Link], str],
    *,
    source: QuerySet[Link] | None = None,
) -> dict[str, Figures]:
    """Figures per group (`key` of each link), from the compliance rows of one window;
    `source`, the queryset the rows' links came from, lets the database select them itself."""
    return figures_by_each(rows, window, [key], source=source)[0]


def figures_by_each(
    rows: Iterable[LinkCompliance],
    window: Span,
    keys: Sequence[Callable[[Link], str]],
    *,
    source: QuerySet[Link] | None = None,
) -> list[dict[str, Figures]]:
    """`figures_by` for each of several groupings (by person, by town…), asking the database
    for the problems once."""
    chosen = list(rows)
    problems: dict[int, dict[str, int]] = {}
    # Rows read from the monthly tallies carry their problems; others are counted here.
    if any(row.problems is None for row in chosen):
        problems = _visit_parts([row.link for row in chosen], window, source)
    result: list[dict[str, Figures]] = []
    for key in keys:
        groups: dict[str, Figures] = {}
        for row in chosen:
            name = key(row.link)
            figures = groups.get(name)
            if figures is None:
                # Not setdefault(…, Figures()): that builds a Figures for each of 12k rows.
                figures = groups[name] = Figures()
            _add_row(figures, row, problems.get(row.link.pk) if problems else None)
        result.append(groups)
    return result


def _add_row(figures: Figures, row: LinkCompliance, part: dict[str, int] | None) -> None:
    figures.links += 1
    figures.visits_due += row.due
    figures.visits_done += row.done
    figures.overdue_links += 1 if row.is_overdue else 0
    figures.visits += row.visits
    if row.problems is not None:
        found, cases, solved, spot = row.problems
        figures.problems_found += found
        figures.problems_to_cases += cases
        figures.cases_solved += solved
        figures.solved_on_the_spot += spot
    elif part:
        figures.problems_found += part["found"]
        figures.problems_to_cases += part["cases"]
        figures.cases_solved += part["solved"]
        figures.solved_on_the_spot += part["spot"]


def figures_total(
    rows: Iterable[LinkCompliance], window: Span, *, source: QuerySet[Link] | None = None
) -> Figures:
    return figures_by(rows, window, lambda link: "", source=source).get("", Figures())


def figures_sum(groups: Iterable[Figures]) -> Figures:
    """The figures of several groups together: every part is a count, so they add up (a page
    showing groups and their total asks the database once)."""
    chosen = list(groups)
    return Figures(
        **{name: sum(getattr(figures, name) for figures in chosen) for name in _FIELD_NAMES}
    )


_FIELD_NAMES = [field.name for field in fields(Figures)]

"""The project figures, one definition each. A figure counts dated facts in its period:

- led: projects accepted (领衔, assigned) in the period;
- finished: projects finished in the period; on time: those finished by their planned end;
- overdue (as of now): open projects past their planned end;
- milestone on-time rate: milestones reached in the period, the share reached by their date;
- quantities: achieved against goals of the targets of projects accepted in the period;
- co-building: co-building projects accepted in the period, and people served by deliveries
  recorded in the period.
Rates are exact fractions, rounded once for display.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from sanfu.directory.models import Unit
from sanfu.directory.querysets import AnyUser, scope_paths
from sanfu.projects.models import (
    OPEN_STATES,
    Commitment,
    Kind,
    Milestone,
    Project,
    ProjectPlace,
    State,
    Target,
)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # exclusive

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        zone = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end, time.min, tzinfo=zone),
        )


def last_twelve_months(today: date | None = None) -> Period:
    """This month and the eleven before it, up to and including today."""
    today = today or timezone.localdate()
    year, month = today.year, today.month - 11
    if month <= 0:
        year, month = year - 1, month + 12
    return Period(start=date(year, month, 1), end=today + timedelta(days=1))


def rate(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


@dataclass(frozen=True)
class Row:
    label: str
    led: int
    finished: int
    on_time: int
    overdue: int
    achieved: int
    goal: int

    @property
    def on_time_rate(self) -> Fraction | None:
        return rate(self.on_time, self.finished)

    @property
    def achieved_rate(self) -> Fraction | None:
        return rate(self.achieved, self.goal)


Cell = dict[str, int]
_COUNTS = ("led", "finished", "on_time", "overdue", "achieved", "goal")


def _cells(projects: QuerySet[Project], period: Period) -> dict[tuple[str, int], Cell]:
    """Every count per (kind, owning unit), in two grouped queries for all the tables."""
    start, end = period.bounds
    today = timezone.localdate()
    in_period = Q(finished_at__gte=start, finished_at__lt=end)
    counts = (
        projects.values("kind", "owning_unit_id")
        .annotate(
            led=Count("pk", filter=Q(accepted_at__gte=start, accepted_at__lt=end)),
            finished=Count("pk", filter=in_period),
            on_time=Count("pk", filter=in_period & Q(finished_on_time=True)),
            overdue=Count("pk", filter=Q(state__in=OPEN_STATES, ends_on__lt=today)),
        )
        .order_by()
    )
    cells: dict[tuple[str, int], Cell] = {}
    for row in counts:
        cell = {name: row[name] for name in _COUNTS[:4]}
        cells[(row["kind"], row["owning_unit_id"])] = {**cell, "achieved": 0, "goal": 0}
    quantities = (
        Target.objects.filter(
            project__in=projects, project__accepted_at__gte=start, project__accepted_at__lt=end
        )
        .values("project__kind", "project__owning_unit_id")
        .annotate(achieved=Sum("achieved"), goal=Sum("goal"))
        .order_by()
    )
    for amount in quantities:
        found = cells.get((amount["project__kind"], amount["project__owning_unit_id"]))
        if found is not None:
            found["achieved"], found["goal"] = amount["achieved"] or 0, amount["goal"] or 0
    return cells


def _fold(cells: dict[tuple[str, int], Cell], axis: int, labels: dict[Any, str]) -> list[Row]:
    totals: dict[Any, Cell] = {}
    for key, cell in cells.items():
        total = totals.setdefault(key[axis], dict.fromkeys(_COUNTS, 0))
        for name in _COUNTS:
            total[name] += cell[name]
    return [
        Row(label=labels.get(key, str(key)), **total)
        for key, total in sorted(totals.items(), key=lambda item: str(item[0]))
    ]


def by_kind(cells: dict[tuple[str, int], Cell]) -> list[Row]:
    return _fold(cells, 0, {value: str(label) for value, label in Kind.choices})


def by_unit(cells: dict[tuple[str, int], Cell]) -> list[Row]:
    ids = {key[1] for key in cells}
    names = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name"))
    return _fold(cells, 1, names)


@dataclass(frozen=True)
class Milestones:
    reached: int
    on_time: int
    overdue_open: int

    @property
    def on_time_rate(self) -> Fraction | None:
        return rate(self.on_time, self.reached)


def milestones(projects: QuerySet[Project], period: Period) -> Milestones:
    start, end = period.bounds
    rows = Milestone.objects.filter(project__in=projects).aggregate(
        reached=Count("pk", filter=Q(done_at__gte=start, done_at__lt=end)),
        on_time=Count("pk", filter=Q(done_at__gte=start, done_at__lt=end, done_on_time=True)),
        overdue_open=Count(
            "pk",
            filter=Q(
                done_at__isnull=True,
                due_on__lt=timezone.localdate(),
                project__state__in=[State.ACCEPTED, State.IN_PROGRESS],
            ),
        ),
    )
    return Milestones(**rows)


@dataclass(frozen=True)
class CoBuilding:
    projects: int
    commitments: int
    delivered: int
    people_served: int
    satisfied: int
    basically: int
    unsatisfied: int


def cobuilding_of(commitments: Iterable[Commitment] | QuerySet[Commitment]) -> CoBuilding:
    """The co-building totals over these commitments (a community's page, a period)."""
    rows = list(commitments)
    return CoBuilding(
        projects=len({row.project_id for row in rows}),
        commitments=len(rows),
        delivered=sum(1 for row in rows if row.delivered_at),
        people_served=sum(row.people_served for row in rows),
        satisfied=sum(1 for row in rows if row.rating == "satisfied"),
        basically=sum(1 for row in rows if row.rating == "basically"),
        unsatisfied=sum(1 for row in rows if row.rating == "unsatisfied"),
    )


def cobuilding(projects: QuerySet[Project], period: Period) -> CoBuilding:
    start, end = period.bounds
    co = projects.filter(kind=Kind.CO_BUILDING)
    commitments = Commitment.objects.filter(project__in=co)
    delivered = commitments.filter(delivered_at__gte=start, delivered_at__lt=end)
    ratings = dict(
        delivered.exclude(rating="").values_list("rating").annotate(n=Count("pk")).order_by()
    )
    return CoBuilding(
        projects=co.filter(accepted_at__gte=start, accepted_at__lt=end).count(),
        commitments=commitments.filter(signed_at__gte=start, signed_at__lt=end).count(),
        delivered=delivered.count(),
        people_served=delivered.aggregate(n=Sum("people_served"))["n"] or 0,
        satisfied=ratings.get("satisfied", 0),
        basically=ratings.get("basically", 0),
        unsatisfied=ratings.get("unsatisfied", 0),
    )


# A unit is ranked on its on-time rate only with this many projects finished in the period:
# one late project of two says little about a unit.
MIN_FINISHED = 5


@dataclass(frozen=True)
class Ranked:
    rank: int | None
    row: Row


def ranking(rows: list[Row], *, minimum: int = MIN_FINISHED) -> list[Ranked]:
    """Units by on-time rate (then by projects finished), tied rates sharing a rank; units
    with fewer than `minimum` finished projects listed after, unranked."""
    ranked = sorted(
        (row for row in rows if row.finished >= minimum),
        key=lambda row: (-(row.on_time_rate or 0), -row.finished, row.label),
    )
    result: list[Ranked] = []
    for index, row in enumerate(ranked):
        previous = result[-1] if result else None
        same = previous is not None and previous.row.on_time_rate == row.on_time_rate
        result.append(Ranked(rank=previous.rank if same and previous else index + 1, row=row))
    rest = sorted((row for row in rows if row.finished < minimum), key=lambda row: row.label)
    return result + [Ranked(rank=None, row=row) for row in rest]


@dataclass(frozen=True)
class Figures:
    period: Period
    kinds: list[Row]
    units: list[Row]
    milestones: Milestones
    cobuilding: CoBuilding

    @property
    def ranking(self) -> list[Ranked]:
        return ranking(self.units)

    @property
    def total(self) -> Row:
        return Row(
            label="",
            led=sum(row.led for row in self.kinds),
            finished=sum(row.finished for row in self.kinds),
            on_time=sum(row.on_time for row in self.kinds),
            overdue=sum(row.overdue for row in self.kinds),
            achieved=sum(row.achieved for row in self.kinds),
            goal=sum(row.goal for row in self.kinds),
        )


def in_scope(user: AnyUser) -> QuerySet[Project]:
    """The projects a unit's figures count: owned by or placed in the user's units' subtrees.

    Narrower than `visible_to` on purpose — a project someone is a member of elsewhere is not
    their unit's — and written as two semi-joins on indexed ids, which PostgreSQL runs as
    hashed subplans over 50,000 projects instead of an OR of correlated EXISTS per row."""
    paths = scope_paths(user)
    if paths is None:
        return Project.objects.all()
    if not paths:
        return Project.objects.none()
    under = Q()
    for path in paths:
        under |= Q(path__descendant=path)
    units = Unit.objects.filter(under).values("pk")
    placed = ProjectPlace.objects.filter(unit__in=units).values("project_id")
    return Project.objects.filter(Q(owning_unit__in=units) | Q(pk__in=placed))


def figures_for(*, user: AnyUser, period: Period | None = None) -> Figures:
    period = period or last_twelve_months()
    projects = in_scope(user)
    cells = _cells(projects, period)
    return Figures(
        period=period,
        kinds=by_kind(cells),
        units=by_unit(cells),
        milestones=milestones(projects, period),
        cobuilding=cobuilding(projects, period),
    )

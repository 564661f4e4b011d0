"""The figures of serving the grassroots, each defined once, here.

Meetings, for a scope (a unit's subtree) and a period of days [start, end]:
- meetings held: meetings dated in the period, on or before today (a scheduled one is not held);
- problems collected: problems recorded at those meetings;
- solved on the spot: of those, the ones solved at the meeting;
- turned into cases: of those, the ones that became a case in the loop;
- answered: of the cases, those the handling unit has answered (replied, whatever followed) or
  declined, as of now — a backlog figure, the others are flows of the period;
- on-the-spot rate: solved on the spot / problems collected (None when nothing was collected).

Burdens on villages, per county and kind, from the approved demands in force on a day:
- demands: how many; village-hours a year: times a year × hours each × villages asked;
- reduction: (in force today − in force at the end of the baseline year) / baseline, for both
  (negative is fewer; Deqing reported −53.8%). None when the baseline had none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q
from django.db.models.functions import ExtractMonth

from sanfu.directory.models import VILLAGE_KINDS, Unit
from sanfu.grassroots.models import (
    TIMES_PER_YEAR,
    BurdenBaseline,
    BurdenDemand,
    BurdenKind,
    Meeting,
    Outcome,
    Problem,
)


@dataclass
class MeetingFigures:
    meetings: int = 0
    problems: int = 0
    on_the_spot: int = 0
    cases: int = 0
    answered: int = 0

    @property
    def on_the_spot_rate(self) -> float | None:
        return self.on_the_spot / self.problems if self.problems else None

    def add(self, other: MeetingFigures) -> None:
        self.meetings += other.meetings
        self.problems += other.problems
        self.on_the_spot += other.on_the_spot
        self.cases += other.cases
        self.answered += other.answered


@dataclass
class MeetingFiguresRow:
    unit: Unit
    figures: MeetingFigures


Key = tuple[int, ...]


def _grouped(
    scope: Unit, start: date, end: date, today: date, *, by: tuple[str, ...]
) -> dict[Key, MeetingFigures]:
    """Figures per key, `by` naming its parts ("village", "month" of the meeting's date):
    two grouped queries, one over the meetings and one over their problems."""
    last = min(end, today)
    meetings = Meeting.objects.filter(
        village__path__descendant=scope.path, held_on__gte=start, held_on__lte=last
    )
    meeting_keys = {"village": F("village_id"), "month": ExtractMonth("held_on")}
    problem_keys = {"village": F("meeting__village_id"), "month": ExtractMonth("meeting__held_on")}
    names = [f"key_{part}" for part in by]
    result: dict[Key, MeetingFigures] = defaultdict(MeetingFigures)
    held = meetings.annotate(**{n: meeting_keys[p] for n, p in zip(names, by, strict=True)})
    for row in held.values(*names).annotate(n=Count("pk")):
        result[tuple(row[n] for n in names)].meetings = row["n"]
    problems = (
        Problem.objects.filter(meeting__in=meetings)
        .annotate(**{n: problem_keys[p] for n, p in zip(names, by, strict=True)})
        .values(*names)
        .annotate(
            n=Count("pk"),
            spot=Count("pk", filter=Q(outcome=Outcome.ON_THE_SPOT)),
            cases=Count("pk", filter=Q(outcome=Outcome.CASE)),
            answered=Count(
                "pk",
                filter=Q(outcome=Outcome.CASE)
                & (Q(case__replied_at__isnull=False) | Q(case__state="rejected")),
            ),
        )
    )
    for row in problems:
        figures = result[tuple(row[n] for n in names)]
        figures.problems, figures.on_the_spot = row["n"], row["spot"]
        figures.cases, figures.answered = row["cases"], row["answered"]
    return result


def _per_village(scope: Unit, start: date, end: date, today: date) -> dict[int, MeetingFigures]:
    return {key[0]: f for key, f in _grouped(scope, start, end, today, by=("village",)).items()}


def _total(figures: Iterable[MeetingFigures]) -> MeetingFigures:
    total = MeetingFigures()
    for one in figures:
        total.add(one)
    return total


def meeting_figures(*, scope: Unit, start: date, end: date, today: date) -> MeetingFigures:
    return _total(_per_village(scope, start, end, today).values())


def _rows(
    scope: Unit, per_village: dict[int, MeetingFigures], level: str
) -> list[MeetingFiguresRow]:
    villages = Unit.objects.subtree(scope.path).filter(kind__in=VILLAGE_KINDS)
    if level == "village":
        return [
            MeetingFiguresRow(unit=v, figures=per_village.get(v.pk, MeetingFigures()))
            for v in villages.order_by("path")
        ]
    towns: dict[int, MeetingFigures] = defaultdict(MeetingFigures)
    for village_id, parent_id in villages.values_list("pk", "parent_id"):
        if village_id in per_village and parent_id is not None:
            towns[parent_id].add(per_village[village_id])
    town_units = Unit.objects.filter(pk__in=villages.values("parent_id")).order_by("path")
    return [
        MeetingFiguresRow(unit=t, figures=towns.get(t.pk, MeetingFigures())) for t in town_units
    ]


def meeting_figures_by(
    *, scope: Unit, start: date, end: date, today: date, level: str
) -> list[MeetingFiguresRow]:
    """Rows per village (level "village") or per town (level "town") under `scope`."""
    return _rows(scope, _per_village(scope, start, end, today), level)


def _months(cells: dict[int, MeetingFigures]) -> list[tuple[int, MeetingFigures]]:
    return [(month, cells.get(month, MeetingFigures())) for month in range(1, 13)]


def meeting_figures_by_month(
    *, scope: Unit, year: int, today: date
) -> list[tuple[int, MeetingFigures]]:
    start, end = date(year, 1, 1), date(year, 12, 31)
    grouped = _grouped(scope, start, end, today, by=("month",))
    return _months({key[0]: f for key, f in grouped.items()})


@dataclass
class MeetingFiguresYear:
    total: MeetingFigures
    rows: list[MeetingFiguresRow]
    months: list[tuple[int, MeetingFigures]]


def meeting_figures_year(*, scope: Unit, year: int, today: date, level: str) -> MeetingFiguresYear:
    """A year's total, rows (as `meeting_figures_by`) and months from one pass grouped by
    village and month, instead of a pass for each."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    cells = _grouped(scope, start, end, today, by=("village", "month"))
    per_village: dict[int, MeetingFigures] = defaultdict(MeetingFigures)
    per_month: dict[int, MeetingFigures] = defaultdict(MeetingFigures)
    for (village_id, month), figures in cells.items():
        per_village[village_id].add(figures)
        per_month[month].add(figures)
    return MeetingFiguresYear(
        total=_total(per_village.values()),
        rows=_rows(scope, per_village, level),
        months=_months(per_month),
    )


# --- burdens -----------------------------------------------------------------------------------


@dataclass
class BurdenLoad:
    demands: int = 0
    village_hours: Decimal = Decimal("0")


@dataclass
class BurdenKindRow:
    kind: str
    label: str
    baseline: BurdenLoad
    current: BurdenLoad

    @property
    def count_change(self) -> float | None:
        return _change(self.baseline.demands, self.current.demands)

    @property
    def hours_change(self) -> float | None:
        return _change(self.baseline.village_hours, self.current.village_hours)


@dataclass
class BurdenFigures:
    baseline_year: int | None
    on: date
    kinds: list[BurdenKindRow] = field(default_factory=list)
    total: BurdenKindRow | None = None
    departments: list[tuple[str, BurdenLoad]] = field(default_factory=list)


def _change(before: Decimal | int, after: Decimal | int) -> float | None:
    if not before:
        return None
    return float((Decimal(after) - Decimal(before)) / Decimal(before))


def _loads(demands: Iterable[BurdenDemand], villages_in_county: int) -> dict[str, BurdenLoad]:
    loads: dict[str, BurdenLoad] = defaultdict(BurdenLoad)
    for demand in demands:
        villages = villages_in_county if demand.all_villages else demand.n_villages  # type: ignore[attr-defined]
        load = loads[demand.kind]
        load.demands += 1
        load.village_hours += TIMES_PER_YEAR[demand.frequency] * demand.hours_each * villages
    return loads


def _in_force(county: Unit, on: date) -> list[BurdenDemand]:
    return list(
        BurdenDemand.objects.filter(county=county)
        .in_force_on(on)
        .select_related("department")
        .annotate(n_villages=Count("villages"))
    )


def burden_figures(*, county: Unit, on: date) -> BurdenFigures:
    baseline = BurdenBaseline.objects.filter(county=county).first()
    villages = Unit.objects.subtree(county.path).filter(kind__in=VILLAGE_KINDS, is_active=True)
    n_villages = villages.count()
    current_demands = _in_force(county, on)
    current = _loads(current_demands, n_villages)
    before = _loads(_in_force(county, date(baseline.year, 12, 31)), n_villages) if baseline else {}
    figures = BurdenFigures(baseline_year=baseline.year if baseline else None, on=on)
    total = BurdenKindRow(kind="", label="", baseline=BurdenLoad(), current=BurdenLoad())
    for kind in BurdenKind:
        row = BurdenKindRow(
            kind=kind.value,
            label=str(kind.label),
            baseline=before.get(kind.value, BurdenLoad()),
            current=current.get(kind.value, BurdenLoad()),
        )
        figures.kinds.append(row)
        for mine, theirs in ((total.baseline, row.baseline), (total.current, row.current)):
            mine.demands += theirs.demands
            mine.village_hours += theirs.village_hours
    figures.total = total
    by_department: dict[str, list[BurdenDemand]] = defaultdict(list)
    for demand in current_demands:
        by_department[demand.department.name].append(demand)
    for name, demands in sorted(by_department.items()):
        load = BurdenLoad()
        for one in _loads(demands, n_villages).values():
            load.demands += one.demands
            load.village_hours += one.village_hours
        figures.departments.append((name, load))
    return figures

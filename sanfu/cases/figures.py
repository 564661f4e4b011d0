"""The figures of the case loop, each defined once, here.

For a scope (a unit's subtree — cases placed there or led by a unit there — optionally one
category with its subcategories) and a period [start, end):

- received: cases received in the period.
- handled: cases replied to in the period (merged duplicates excluded: their master counts).
- open: cases received in the period and not yet replied to.
- overdue: of those handled, the ones replied after the deadline; plus open cases whose reply
  deadline has passed.
- response rate: of cases signed for in the period, the share signed for within the sign-for
  time limit.
- resolution rate: of handled cases, the share solved (on the spot or later) rather than
  explained as impossible.
- satisfaction rate: of cases rated in the period, (满意 + 基本满意) / rated.
- on-time rate: of handled cases, the share replied by the deadline.
- on-the-spot rate: of handled cases, the share solved on the spot.
- average handling time: of handled cases, working days from receipt to reply.
- reopen rate: of handled cases, the share that was reopened at least once.

Rates are None when there is nothing to divide by, never 0 or 100 by default.

Every figure is built from additive *parts* (counts and one sum), each belonging to the
*family* of the date that puts a case in a period (received_at, replied_at, rated_at,
signed_at). Parts add up across groups, units and days, which is what lets the dashboard read
them from daily aggregates (`sanfu.insight`) and still equal `case_figures` exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Q, QuerySet, Sum

from sanfu.cases.models import OPEN_STATES, Case, CaseState, Category, Clock, Rating, ReplyKind
from sanfu.directory.models import Unit, UnitKind


@dataclass(frozen=True)
class Figures:
    received: int
    handled: int
    open: int
    overdue: int
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    on_time_rate: float | None
    on_the_spot_rate: float | None
    average_handling_days: Decimal | None
    reopen_rate: float | None


# What a case needs, besides its date in the period, to count in its family at all.
FAMILY_BASE: dict[str, Q] = {
    "received_at": Q(),
    "replied_at": ~Q(state=CaseState.MERGED),
    "rated_at": ~Q(rating=""),
    "signed_at": Q(),
}
# Each count: its family and what it requires on top of the family's base.
COUNTS: dict[str, tuple[str, Q]] = {
    "received": ("received_at", Q()),
    "open": ("received_at", Q(state__in=OPEN_STATES)),
    "open_overdue": ("received_at", Q(state__in=OPEN_STATES, reply_clock=Clock.OVERDUE)),
    "handled": ("replied_at", Q()),
    "late": ("replied_at", Q(replied_on_time=False)),
    "solved": ("replied_at", Q(reply_kind__in=[ReplyKind.SOLVED, ReplyKind.ON_THE_SPOT])),
    "on_the_spot": ("replied_at", Q(reply_kind=ReplyKind.ON_THE_SPOT)),
    "reopened": ("replied_at", Q(reopen_count__gt=0)),
    # Average handling time as a sum and a count, so groups add up before dividing.
    "days_n": ("replied_at", Q(handling_working_days__isnull=False)),
    "rated": ("rated_at", Q()),
    "satisfied": ("rated_at", Q(rating__in=[Rating.SATISFIED, Rating.BASICALLY])),
    "signed": ("signed_at", Q()),
    "signed_on_time": ("signed_at", Q(signed_on_time=True)),
}
SUMS: dict[str, tuple[str, str]] = {"days_sum": ("replied_at", "handling_working_days")}
PART_NAMES: tuple[str, ...] = (*COUNTS, *SUMS)
FAMILIES: dict[str, tuple[str, ...]] = {
    family: tuple(name for name in PART_NAMES if {**COUNTS, **SUMS}[name][0] == family)
    for family in FAMILY_BASE
}
# Wide enough for a province's sum of working days, which a 7-digit column would overflow.
DAYS_SUM_FIELD: DecimalField[Decimal, Decimal] = DecimalField(max_digits=20, decimal_places=2)

Parts = dict[str, Any]


def in_family_period(family: str, start: datetime, end: datetime) -> Q:
    return Q(**{f"{family}__gte": start, f"{family}__lt": end}) & FAMILY_BASE[family]


def conditions(start: datetime, end: datetime) -> dict[str, Q]:
    """The cases behind each count in the period (what a drill-down lists)."""
    return {
        name: in_family_period(family, start, end) & extra
        for name, (family, extra) in COUNTS.items()
    }


def in_period(start: datetime, end: datetime) -> Q:
    """Cases that count for anything in the period (the rows the aggregates read)."""
    terms = [in_family_period(family, start, end) for family in FAMILY_BASE]
    condition = terms[0]
    for term in terms[1:]:
        condition |= term
    return condition


def aggregates(start: datetime, end: datetime) -> dict[str, Any]:
    """One aggregate expression per part, for cases in the period."""
    expressions: dict[str, Any] = {}
    for name, condition in conditions(start, end).items():
        expressions[name] = Count("pk", filter=condition)
    for name, (family, field) in SUMS.items():
        period = in_family_period(family, start, end)
        expressions[name] = Sum(field, filter=period, output_field=DAYS_SUM_FIELD)
    return expressions


def family_aggregates(family: str) -> dict[str, Any]:
    """The parts of one family, for rows already limited to that family's dates."""
    base = FAMILY_BASE[family]
    expressions: dict[str, Any] = {}
    for name in FAMILIES[family]:
        if name in SUMS:
            expressions[name] = Sum(SUMS[name][1], filter=base, output_field=DAYS_SUM_FIELD)
        else:
            expressions[name] = Count("pk", filter=base & COUNTS[name][1])
    return expressions


def empty() -> Parts:
    return {name: (Decimal(0) if name in SUMS else 0) for name in PART_NAMES}


def add(total: Parts, row: Mapping[str, Any], names: Iterable[str] = PART_NAMES) -> None:
    for name in names:
        total[name] = total[name] + (row[name] or 0)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def to_figures(parts: Mapping[str, Any]) -> Figures:
    handled = parts["handled"]
    average = None
    if parts["days_n"]:
        average = (Decimal(parts["days_sum"]) / parts["days_n"]).quantize(Decimal("0.01"))
    return Figures(
        received=parts["received"],
        handled=handled,
        open=parts["open"],
        overdue=parts["late"] + parts["open_overdue"],
        response_rate=_rate(parts["signed_on_time"], parts["signed"]),
        resolution_rate=_rate(parts["solved"], handled),
        satisfaction_rate=_rate(parts["satisfied"], parts["rated"]),
        on_time_rate=_rate(handled - parts["late"], handled),
        on_the_spot_rate=_rate(parts["on_the_spot"], handled),
        average_handling_days=average,
        reopen_rate=_rate(parts["reopened"], handled),
    )


def category_condition(category: Category, prefix: str = "") -> Q:
    """The category with its subcategories (the catalogue has three levels), as a list of
    ids read from the small catalogue first: one indexed IN on the cases instead of two joins
    the database cannot use an index for."""
    ids = list(
        Category.objects.filter(
            Q(pk=category.pk) | Q(parent=category.pk) | Q(parent__parent=category.pk)
        ).values_list("pk", flat=True)
    )
    return Q(**{f"{prefix}category_id__in": ids})


def scoped_cases(*, unit: Unit, category: Category | None = None) -> QuerySet[Case]:
    if unit.kind == UnitKind.COUNTY:
        # Every case lies in its county: the same cases, by an indexed column, no path joins.
        cases = Case.objects.filter(county=unit)
    else:
        cases = Case.objects.in_scope_of(unit.path)
    if category is not None:
        cases = cases.filter(category_condition(category))
    return cases


def case_parts(
    *, unit: Unit, start: datetime, end: datetime, category: Category | None = None
) -> Parts:
    cases = scoped_cases(unit=unit, category=category)
    row = cases.filter(in_period(start, end)).aggregate(**aggregates(start, end))
    parts = empty()
    add(parts, row)
    return parts


def case_figures(
    *, unit: Unit, start: datetime, end: datetime, category: Category | None = None
) -> Figures:
    return to_figures(case_parts(unit=unit, start=start, end=end, category=category))

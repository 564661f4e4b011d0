"""The figures of the case loop, each defined once, here, with its reason.

A figure of a period is a count of dated facts: a case received, accepted, assigned to a unit,
signed for, answered, rated, reopened — each counted on the day it happened, in the row that
recorded it (the case's receipt and acceptance, an assignment, an answer `CaseReply`, a rating
`CaseRating`, a reopen event). A later action adds facts and never moves an old one, so a
closed month reads the same forever. What stands open *now* (the backlog) is not a period's
figure: `backlog()` counts it as of the moment it is asked.

A fact counts for a unit when the case lies in the unit's subtree, or when the unit that did
it (the assignment's, the answering unit's) is in it. Departments and towns therefore overlap
at county level: a department's answer to a village's case counts for both.

Rates are exact fractions of two counts (`Rate`), None when there is nothing to divide by;
they are rounded once, half-up to one decimal, only to be shown; rankings compare the exact
fractions. Every figure is built from additive *parts* that add up across units, groups and
days, which is what lets the dashboard read daily aggregates (`sanfu.insight`) and still equal
`case_figures` exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db import models
from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sanfu.cases.models import (
    OPEN_STATES,
    Assignment,
    Case,
    CaseEvent,
    CaseRating,
    CaseReply,
    Category,
    Clock,
    Rating,
    ReplyKind,
)
from sanfu.directory.models import Unit, UnitKind


@dataclass(frozen=True)
class Rate:
    """part / whole, exact; shown as a percentage rounded once, half-up, to one decimal."""

    part: int
    whole: int

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.part, self.whole)

    @property
    def percent(self) -> Decimal:
        exact = Decimal(self.part * 100) / Decimal(self.whole)
        return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def __str__(self) -> str:
        return f"{self.percent}%"


def rate(part: int, whole: int) -> Rate | None:
    return Rate(part, whole) if whole else None


@dataclass(frozen=True)
class Figures:
    received: int
    accepted: int
    assigned: int
    signed: int
    handled: int
    rated: int
    reopened: int
    callbacks: int
    late: int
    response_rate: Rate | None
    resolution_rate: Rate | None
    declared_resolution_rate: Rate | None
    satisfaction_rate: Rate | None
    first_satisfaction_rate: Rate | None
    on_time_rate: Rate | None
    unit_on_time_rate: Rate | None
    on_the_spot_rate: Rate | None
    average_handling_days: Decimal | None
    reopen_rate: Rate | None


@dataclass(frozen=True)
class Definition:
    label: Promise
    how: Promise


# What the page shows beside each figure ("how is this computed"), and why it is so.
DEFINITIONS: dict[str, Definition] = {
    "received": Definition(
        _("Received"),
        _(
            "Requests received in the period, whatever became of them (rejected and merged "
            "ones included), counted where the request lies."
        ),
    ),
    "accepted": Definition(
        _("Accepted"),
        _(
            "Requests accepted (受理) in the period, dated by the acceptance: the valid "
            "requests, without those rejected or merged before being accepted."
        ),
    ),
    "assigned": Definition(
        _("Assigned"),
        _(
            "Times a unit was made lead unit in the period (dispatch, transfer, reopen): what "
            "a department is judged on, since requests are not placed in departments."
        ),
    ),
    "handled": Definition(
        _("Answered"),
        _(
            "Answers given in the period; a case answered twice (after a reopen) counts "
            "twice, each answer in its own month."
        ),
    ),
    "satisfaction_rate": Definition(
        _("Satisfaction"),
        _(
            "(满意 + 基本满意) / every rating given in the period, 不满意 included — also "
            "those that reopened the case. Callbacks count as ratings."
        ),
    ),
    "first_satisfaction_rate": Definition(
        _("Satisfied at first answer"),
        _("The same, over the ratings of each case's first answer only."),
    ),
    "resolution_rate": Definition(
        _("Resolution (requester)"),
        _(
            "Ratings whose requester said the problem was solved / ratings in the period "
            "that answered the question: the requester's word, as hotline callbacks ask it."
        ),
    ),
    "declared_resolution_rate": Definition(
        _("Resolution (unit's own word)"),
        _(
            "Answers the unit marked solved or solved on the spot / answers given in the "
            "period. Kept apart: a unit's declaration is not the requester's view."
        ),
    ),
    "on_time_rate": Definition(
        _("On time (requester)"),
        _(
            "Answers given by the case's reply deadline / answers with a deadline. The "
            "deadline runs from the first dispatch; a return, a re-dispatch or a transfer "
            "does not restart it."
        ),
    ),
    "unit_on_time_rate": Definition(
        _("On time (unit)"),
        _(
            "Answers given by the deadline the answering unit's own assignment was given "
            "(an approved extension included) / answers with such a deadline."
        ),
    ),
    "response_rate": Definition(
        _("Response"),
        _(
            "Lead assignments signed for within their sign-for limit / lead assignments "
            "signed for in the period. Cases taken down and solved on the spot have no "
            "sign-for limit and are not counted."
        ),
    ),
    "on_the_spot_rate": Definition(
        _("On the spot"),
        _("Answers solved on the spot / answers given in the period."),
    ),
    "average_handling_days": Definition(
        _("Handling time (办理时长)"),
        _(
            "Average working days from receipt to the answer, over answers given in the "
            "period: the time taken, not the time limit."
        ),
    ),
    "reopen_rate": Definition(
        _("Reopen rate"),
        _("Reopens in the period / answers given in the period, counted where cases lie."),
    ),
    "backlog": Definition(
        _("Backlog now"),
        _(
            "Cases open right now (awaiting dispatch, sign-for or an answer), whenever they "
            "were received; overdue and due soon by the reply deadline. Not a period's figure."
        ),
    ),
}


@dataclass(frozen=True)
class Family:
    """One kind of dated fact: its table, its date and where its case and unit are."""

    model: type[models.Model]
    date: str
    case: str  # the lookup prefix from the fact to its case ("" for the case itself)
    unit: str | None  # the lookup of the unit that did it, if a unit did it
    base: Q

    def rows(self) -> QuerySet[Any]:
        return self.model._default_manager.filter(self.base)

    def of_case(self, lookup: str) -> str:
        return f"{self.case}{lookup}"


FAMILY_SOURCES: dict[str, Family] = {
    "received": Family(Case, "received_at", "", None, Q()),
    "accepted": Family(Case, "accepted_at", "", None, Q()),
    "assigned": Family(Assignment, "assigned_at", "case__", "unit", Q(role="lead")),
    "signed": Family(
        Assignment, "signed_at", "case__", "unit", Q(role="lead", sign_deadline__isnull=False)
    ),
    "replied": Family(CaseReply, "at", "case__", "unit", Q()),
    "rated": Family(CaseRating, "at", "case__", "reply__unit", Q()),
    "reopened": Family(CaseEvent, "at", "case__", None, Q(kind="reopened")),
}
SATISFIED = [Rating.SATISFIED, Rating.BASICALLY]
# Each count: its family and what it requires of the fact on top of the family's base.
COUNTS: dict[str, tuple[str, Q]] = {
    "received": ("received", Q()),
    "accepted": ("accepted", Q()),
    "assigned": ("assigned", Q()),
    "signed": ("signed", Q()),
    "signed_on_time": ("signed", Q(signed_at__lte=F("sign_deadline"))),
    "handled": ("replied", Q()),
    "timed": ("replied", Q(on_time__isnull=False)),
    "late": ("replied", Q(on_time=False)),
    "unit_timed": ("replied", Q(unit_on_time__isnull=False)),
    "unit_late": ("replied", Q(unit_on_time=False)),
    "declared_solved": ("replied", Q(kind__in=[ReplyKind.SOLVED, ReplyKind.ON_THE_SPOT])),
    "on_the_spot": ("replied", Q(kind=ReplyKind.ON_THE_SPOT)),
    "days_n": ("replied", Q(working_days__isnull=False)),
    "rated": ("rated", Q()),
    "satisfied": ("rated", Q(satisfaction__in=SATISFIED)),
    "said_whether": ("rated", Q(solved__isnull=False)),
    "said_solved": ("rated", Q(solved=True)),
    "first_rated": ("rated", Q(first=True)),
    "first_satisfied": ("rated", Q(first=True, satisfaction__in=SATISFIED)),
    "callbacks": ("rated", Q(callback=True)),
    "reopened": ("reopened", Q()),
}
SUMS: dict[str, tuple[str, str]] = {"days_sum": ("replied", "working_days")}
PART_NAMES: tuple[str, ...] = (*COUNTS, *SUMS)
FAMILIES: dict[str, tuple[str, ...]] = {
    family: tuple(name for name in PART_NAMES if {**COUNTS, **SUMS}[name][0] == family)
    for family in FAMILY_SOURCES
}
# Wide enough for a province's sum of working days, which a 7-digit column would overflow.
DAYS_SUM_FIELD: DecimalField[Decimal, Decimal] = DecimalField(max_digits=20, decimal_places=2)

Parts = dict[str, Any]


def family_aggregates(family: str) -> dict[str, Any]:
    """One aggregate per part of the family, over facts already limited to it."""
    expressions: dict[str, Any] = {}
    for name in FAMILIES[family]:
        if name in SUMS:
            expressions[name] = Sum(SUMS[name][1], output_field=DAYS_SUM_FIELD)
        else:
            extra = COUNTS[name][1]
            expressions[name] = Count("pk", filter=extra) if extra else Count("pk")
    return expressions


def dated(family: str, start: datetime, end: datetime) -> QuerySet[Any]:
    """The family's facts in [start, end)."""
    source = FAMILY_SOURCES[family]
    return source.rows().filter(**{f"{source.date}__gte": start, f"{source.date}__lt": end})


def empty() -> Parts:
    return {name: (Decimal(0) if name in SUMS else 0) for name in PART_NAMES}


def add(total: Parts, row: Mapping[str, Any], names: Iterable[str] = PART_NAMES) -> None:
    for name in names:
        total[name] = total[name] + (row[name] or 0)


def to_figures(parts: Mapping[str, Any]) -> Figures:
    handled = parts["handled"]
    average = None
    if parts["days_n"]:
        exact = Decimal(parts["days_sum"]) / parts["days_n"]
        average = exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return Figures(
        received=parts["received"],
        accepted=parts["accepted"],
        assigned=parts["assigned"],
        signed=parts["signed"],
        handled=handled,
        rated=parts["rated"],
        reopened=parts["reopened"],
        callbacks=parts["callbacks"],
        late=parts["late"],
        response_rate=rate(parts["signed_on_time"], parts["signed"]),
        resolution_rate=rate(parts["said_solved"], parts["said_whether"]),
        declared_resolution_rate=rate(parts["declared_solved"], handled),
        satisfaction_rate=rate(parts["satisfied"], parts["rated"]),
        first_satisfaction_rate=rate(parts["first_satisfied"], parts["first_rated"]),
        on_time_rate=rate(parts["timed"] - parts["late"], parts["timed"]),
        unit_on_time_rate=rate(parts["unit_timed"] - parts["unit_late"], parts["unit_timed"]),
        on_the_spot_rate=rate(parts["on_the_spot"], handled),
        average_handling_days=average,
        reopen_rate=rate(parts["reopened"], handled),
    )


def category_ids(category: Category) -> list[int]:
    """The category with its subcategories (the catalogue has three levels), read from the
    small catalogue first: one indexed IN instead of two joins per fact."""
    return list(
        Category.objects.filter(
            Q(pk=category.pk) | Q(parent=category.pk) | Q(parent__parent=category.pk)
        ).values_list("pk", flat=True)
    )


def category_condition(category: Category, prefix: str = "") -> Q:
    return Q(**{f"{prefix}category_id__in": category_ids(category)})


def in_scope(family: str, unit: Unit) -> Q:
    """The facts of the family that count for the unit: the case lies in its subtree, or the
    unit that did it is in it."""
    source = FAMILY_SOURCES[family]
    if unit.kind == UnitKind.COUNTY:
        # Every case lies in its county: by an indexed column, without path joins.
        return Q(**{source.of_case("county"): unit})
    condition = Q(**{source.of_case("location_unit__path__descendant"): unit.path})
    if source.unit is not None:
        condition |= Q(**{f"{source.unit}__path__descendant": unit.path})
    return condition


def scoped(
    family: str,
    *,
    unit: Unit,
    start: datetime,
    end: datetime,
    category: Category | None = None,
) -> QuerySet[Any]:
    facts = dated(family, start, end).filter(in_scope(family, unit))
    if category is not None:
        facts = facts.filter(category_condition(category, FAMILY_SOURCES[family].case))
    return facts


def case_parts(
    *, unit: Unit, start: datetime, end: datetime, category: Category | None = None
) -> Parts:
    parts = empty()
    for family in FAMILY_SOURCES:
        facts = scoped(family, unit=unit, start=start, end=end, category=category)
        add(parts, facts.aggregate(**family_aggregates(family)), FAMILIES[family])
    return parts


def case_figures(
    *, unit: Unit, start: datetime, end: datetime, category: Category | None = None
) -> Figures:
    return to_figures(case_parts(unit=unit, start=start, end=end, category=category))


def scoped_cases(*, unit: Unit, category: Category | None = None) -> QuerySet[Case]:
    """The cases placed in the unit's subtree or led by a unit in it now (lists, backlog)."""
    if unit.kind == UnitKind.COUNTY:
        cases = Case.objects.filter(county=unit)
    else:
        cases = Case.objects.in_scope_of(unit.path)
    if category is not None:
        cases = cases.filter(category_condition(category))
    return cases


@dataclass(frozen=True)
class Backlog:
    open: int
    overdue: int
    due_soon: int


BACKLOG_CONDITIONS: dict[str, Q] = {
    "open": Q(state__in=OPEN_STATES),
    "overdue": Q(state__in=OPEN_STATES, reply_clock=Clock.OVERDUE),
    "due_soon": Q(state__in=OPEN_STATES, reply_clock=Clock.DUE_SOON),
}


def backlog(*, unit: Unit, category: Category | None = None) -> Backlog:
    """What stands open now, however long ago it was received (not a period's figure)."""
    counts = (
        scoped_cases(unit=unit, category=category)
        .filter(state__in=OPEN_STATES)
        .aggregate(**{name: Count("pk", filter=q) for name, q in BACKLOG_CONDITIONS.items()})
    )
    return Backlog(**counts)

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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Avg, Count, Q, QuerySet

from sanfu.cases.models import OPEN_STATES, Case, CaseState, Category, Rating, ReplyKind
from sanfu.directory.models import Unit


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


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def scoped_cases(*, unit: Unit, category: Category | None = None) -> QuerySet[Case]:
    cases = Case.objects.in_scope_of(unit.path)
    if category is not None:
        cases = cases.filter(
            Q(category=category)
            | Q(category__parent=category)
            | Q(category__parent__parent=category)
        )
    return cases


def case_figures(
    *, unit: Unit, start: datetime, end: datetime, category: Category | None = None
) -> Figures:
    cases = scoped_cases(unit=unit, category=category)
    received = Q(received_at__gte=start, received_at__lt=end)
    handled = Q(replied_at__gte=start, replied_at__lt=end) & ~Q(state=CaseState.MERGED)
    rated = Q(rated_at__gte=start, rated_at__lt=end) & ~Q(rating="")
    signed = Q(signed_at__gte=start, signed_at__lt=end)
    row = cases.filter(received | handled | rated | signed).aggregate(
        received=Count("pk", filter=received),
        open=Count("pk", filter=received & Q(state__in=OPEN_STATES)),
        open_overdue=Count("pk", filter=received & Q(state__in=OPEN_STATES, reply_clock="overdue")),
        handled=Count("pk", filter=handled),
        late=Count("pk", filter=handled & Q(replied_on_time=False)),
        solved=Count(
            "pk", filter=handled & Q(reply_kind__in=[ReplyKind.SOLVED, ReplyKind.ON_THE_SPOT])
        ),
        on_the_spot=Count("pk", filter=handled & Q(reply_kind=ReplyKind.ON_THE_SPOT)),
        reopened=Count("pk", filter=handled & Q(reopen_count__gt=0)),
        average_days=Avg("handling_working_days", filter=handled),
        rated=Count("pk", filter=rated),
        satisfied=Count("pk", filter=rated & Q(rating__in=[Rating.SATISFIED, Rating.BASICALLY])),
        signed=Count("pk", filter=signed),
        signed_on_time=Count("pk", filter=signed & Q(signed_on_time=True)),
    )
    handled_count = row["handled"]
    average = row["average_days"]
    return Figures(
        received=row["received"],
        handled=handled_count,
        open=row["open"],
        overdue=row["late"] + row["open_overdue"],
        response_rate=_rate(row["signed_on_time"], row["signed"]),
        resolution_rate=_rate(row["solved"], handled_count),
        satisfaction_rate=_rate(row["satisfied"], row["rated"]),
        on_time_rate=_rate(handled_count - row["late"], handled_count),
        on_the_spot_rate=_rate(row["on_the_spot"], handled_count),
        average_handling_days=None
        if average is None
        else Decimal(average).quantize(Decimal("0.01")),
        reopen_rate=_rate(row["reopened"], handled_count),
    )

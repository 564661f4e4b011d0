"""The enterprise service centre's figures, each a count or sum of dated facts.

Benefits by policy, industry, town and period; projects and investment by industry, stage
and town; approvals per department against their deadlines; idle resources listed, leased and
area revitalised. Every figure is scoped by the caller's queryset (staff pass their
`visible_to` rows; the county passes everything).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from sanfu.enterprise.models import (
    SQM_PER_MU,
    Approval,
    ApprovalState,
    Benefit,
    IdleResource,
    Project,
    ResourceState,
)

_ZERO = Decimal(0)


def benefits_by(rows: QuerySet[Benefit], dimension: str) -> list[dict[str, object]]:
    """Benefits delivered summed by `policy`, `industry`, `town` or `year`."""
    fields = {
        "policy": ("policy__code", "policy__name"),
        "industry": ("enterprise__industry",),
        "town": ("enterprise__town__name",),
    }
    if dimension == "year":
        grouped = rows.annotate(year=ExtractYear("given_on")).values("year")
    else:
        grouped = rows.values(*fields[dimension])
    return list(grouped.annotate(count=Count("pk"), total=Sum("amount")).order_by("-total"))


def projects_by(rows: QuerySet[Project], dimension: str) -> list[dict[str, object]]:
    """Projects and investment by `industry`, `stage` or `town`."""
    field = {
        "industry": "enterprise__industry",
        "stage": "stage",
        "town": "enterprise__town__name",
    }[dimension]
    return list(
        rows.values(field)
        .annotate(count=Count("pk"), investment=Sum("investment"))
        .order_by("-investment")
    )


def approvals_by_department(rows: QuerySet[Approval]) -> list[dict[str, object]]:
    """Per department: decided, decided on time, pending, pending past the deadline (as of
    the call), and the time limits given (working days)."""
    from django.utils import timezone

    now = timezone.now()
    decided = ~Q(state=ApprovalState.PENDING)
    return list(
        rows.values("department__name")
        .annotate(
            requested=Count("pk"),
            decided=Count("pk", filter=decided),
            on_time=Count("pk", filter=decided & Q(decided_on_time=True)),
            pending=Count("pk", filter=Q(state=ApprovalState.PENDING)),
            overdue=Count("pk", filter=Q(state=ApprovalState.PENDING, due_at__lt=now)),
            working_days_given=Sum("working_days"),
        )
        .order_by("department__name")
    )


@dataclass(frozen=True)
class ResourceFigures:
    listed: int
    leased: int
    area_listed_sqm: Decimal
    area_leased_sqm: Decimal

    @property
    def area_leased_mu(self) -> Decimal:
        return (self.area_leased_sqm / Decimal(str(SQM_PER_MU))).quantize(Decimal("0.1"))


def resource_figures(rows: QuerySet[IdleResource]) -> ResourceFigures:
    leased = Q(state=ResourceState.LEASED)
    totals = rows.aggregate(
        listed=Count("pk"),
        leased=Count("pk", filter=leased),
        area=Sum("area_sqm"),
        area_leased=Sum("area_sqm", filter=leased),
    )
    return ResourceFigures(
        listed=totals["listed"],
        leased=totals["leased"],
        area_listed_sqm=totals["area"] or _ZERO,
        area_leased_sqm=totals["area_leased"] or _ZERO,
    )

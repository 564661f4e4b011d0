"""Staff API reads of the enterprise service centre, scoped exactly like its pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Schema

from sanfu.api.staff import schemas
from sanfu.api.staff.reads import user_of
from sanfu.api.staff.routes import router
from sanfu.enterprise import selectors


class PolicyRef(Schema):
    id: int
    code: str
    name: str
    received: bool


class FactsOut(Schema):
    year: int
    revenue: Decimal | None
    employees: int | None
    tax_grade: str


class ProjectRef(Schema):
    id: int
    name: str
    kind: str
    stage: str
    investment: Decimal


class EnterpriseOut(Schema):
    id: int
    name: str
    credit_code: str
    industry: str
    size: str
    town: schemas.UnitRef
    legal_representative: str
    facts: list[FactsOut]
    qualified_policies: list[PolicyRef]
    benefits_total: Decimal
    projects: list[ProjectRef]


class MissedRow(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    credit_code: str
    state: str
    reason: str


class MissedFilters(Schema):
    state: Literal["open", "confirmed", "dismissed"] = "open"


@router.get(
    tags=["enterprise"],
    path="/enterprises/{enterprise_id}",
    response=EnterpriseOut,
    summary="An enterprise's ledger (its town's staff)",
)
def enterprise(request: HttpRequest, enterprise_id: schemas.Id) -> dict[str, Any]:
    page = selectors.enterprise_page(user=user_of(request), enterprise_id=enterprise_id)
    e = page.enterprise
    return {
        "id": e.pk,
        "name": e.name,
        "credit_code": e.credit_code,
        "industry": e.industry,
        "size": e.size,
        "town": {"id": e.town.pk, "code": e.town.code, "name": e.town.name, "kind": e.town.kind},
        "legal_representative": page.legal_representative,
        "facts": [
            {
                "year": f.year,
                "revenue": f.revenue,
                "employees": f.employees,
                "tax_grade": f.tax_grade,
            }
            for f in page.facts
        ],
        "qualified_policies": [
            {"id": p.pk, "code": p.code, "name": p.name, "received": received}
            for p, received in page.qualified
        ],
        "benefits_total": page.benefit_total,
        "projects": [
            {
                "id": p.pk,
                "name": p.name,
                "kind": p.kind,
                "stage": p.stage,
                "investment": p.investment,
            }
            for p in page.projects
        ],
    }


@router.get(
    tags=["enterprise"],
    path="/policies/{policy_id}/missed",
    response=list[MissedRow],
    summary="Enterprises that qualify for a policy but have not received it (its department)",
)
def policy_missed(
    request: HttpRequest, policy_id: schemas.Id, filters: Query[MissedFilters]
) -> list[dict[str, Any]]:
    _policy, rows = selectors.review_list(
        user=user_of(request), policy_id=policy_id, state=filters.state
    )
    return [
        {
            "id": m.pk,
            "enterprise_id": m.enterprise_id,
            "enterprise_name": m.enterprise.name,
            "credit_code": m.enterprise.credit_code,
            "state": m.state,
            "reason": m.reason,
        }
        for m in rows[:1000]
    ]

"""Reads: every list starts from what the caller may see (`visible_to`), like the workbench."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Schema
from pydantic import Field

from sanfu.api.models import StaffToken
from sanfu.api.staff import schemas
from sanfu.api.staff.paging import page
from sanfu.api.staff.present import (
    SUMMARY_RELATED,
    case_detail,
    case_summary,
    category_ref,
    extension_out,
    order_out,
    requester_out,
    unit_ref,
)
from sanfu.api.staff.routes import router
from sanfu.cases.figures import Rate, backlog, case_figures
from sanfu.cases.models import AccessVia, Case, Category
from sanfu.cases.policies import Capability, may
from sanfu.cases.publication import case_public_draft
from sanfu.cases.selectors import (
    case_get_for_user,
    queues_for_user,
    supervision_orders_for_leader,
)
from sanfu.cases.services import personal_data_access_record
from sanfu.directory.models import Membership, Unit, User
from sanfu.lib.errors import NotFound, PermissionDenied, ValidationFailed

Limit = Annotated[int, Field(ge=1, le=200)]
MAX_FIGURE_DAYS = 3660


def user_of(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)  # noqa: S101 - the router's auth guarantees it
    return user


def visible_unit(user: User, unit_id: int, *, field: str = "unit") -> Unit:
    unit = Unit.objects.visible_to(user).filter(pk=unit_id).first()
    if unit is None:
        raise NotFound(_("No such unit."), field=field)
    return unit


def category_by_code(code: str) -> Category:
    category = Category.objects.filter(code=code).first()
    if category is None:
        raise NotFound(_("No such category."), field="category")
    return category


def in_category(category: Category) -> Q:
    """The category and its subcategories (the catalogue has three levels)."""
    return (
        Q(category=category) | Q(category__parent=category) | Q(category__parent__parent=category)
    )


@router.get(tags=["reads"], path="/me", response=schemas.MeOut, summary="Who the token acts for")
def me(request: HttpRequest) -> dict[str, Any]:
    user = user_of(request)
    memberships = Membership.objects.filter(user=user).select_related("unit").order_by("unit__path")
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "memberships": [{"unit": unit_ref(m.unit), "role": m.role} for m in memberships],
    }


class CaseFilters(Schema):
    state: schemas.StateName | None = None
    category: schemas.Code | None = None
    place: schemas.Id | None = None
    received_after: schemas.Moment | None = None
    received_before: schemas.Moment | None = None
    cursor: str | None = None
    limit: Limit = 50


def _case_page(cases: QuerySet[Case], cursor: str | None, limit: int) -> dict[str, Any]:
    rows, next_cursor = page(
        cases.select_related(*SUMMARY_RELATED),
        fields=("received_at", "id"),
        cursor=cursor,
        limit=limit,
    )
    return {"items": [case_summary(case) for case in rows], "next_cursor": next_cursor}


@router.get(
    tags=["reads"],
    path="/cases",
    response=schemas.CasePage,
    summary="Cases the caller may see, newest first",
)
def cases(request: HttpRequest, filters: Query[CaseFilters]) -> dict[str, Any]:
    user = user_of(request)
    found = Case.objects.visible_to(user)
    if filters.state:
        found = found.filter(state=filters.state)
    if filters.category:
        found = found.filter(in_category(category_by_code(filters.category)))
    if filters.place:
        place = visible_unit(user, filters.place, field="place")
        found = found.filter(location_unit__path__descendant=place.path)
    if filters.received_after:
        found = found.filter(received_at__gte=filters.received_after)
    if filters.received_before:
        found = found.filter(received_at__lt=filters.received_before)
    return _case_page(found, filters.cursor, filters.limit)


@router.get(
    tags=["reads"],
    path="/cases/{case_id}",
    response=schemas.CaseDetail,
    summary="One case, with its timeline",
)
def case(request: HttpRequest, case_id: schemas.Id) -> dict[str, Any]:
    user = user_of(request)
    return case_detail(user=user, case=case_get_for_user(user=user, case_id=case_id))


@router.get(
    tags=["reads"],
    path="/cases/{case_id}/publication-draft",
    response=schemas.PublicationDraftOut,
    summary="公示: the anonymised texts to review before publishing",
)
def publication_draft(request: HttpRequest, case_id: schemas.Id) -> dict[str, Any]:
    draft = case_public_draft(case_get_for_user(user=user_of(request), case_id=case_id))
    return {
        "title": draft.title,
        "text": draft.text,
        "reply": draft.reply,
        "names": list(draft.names),
    }


def handles(user: User, case: Case) -> bool:
    """Whether the caller is in the case's handling chain: its desk, or a unit working on it."""
    if may(user, Capability.DISPATCH, case.desk_unit, from_above=True):
        return True
    units = [a.unit for a in case.assignments.filter(active=True).select_related("unit")]
    return any(may(user, Capability.HANDLE, unit) for unit in units)


@router.get(
    tags=["reads"],
    path="/cases/{case_id}/requester",
    response=schemas.RequesterOut,
    summary="The requester's unmasked contact details (recorded)",
)
def requester(request: HttpRequest, case_id: schemas.Id) -> dict[str, Any]:
    user = user_of(request)
    case = case_get_for_user(user=user, case_id=case_id)
    if not handles(user, case):
        raise PermissionDenied(_("Only the units handling a case see its requester's details."))
    personal_data_access_record(user=user, case=case, via=AccessVia.API)
    return requester_out(case)


@router.get(
    tags=["reads"],
    path="/queues",
    response=schemas.QueueCounts,
    summary="How much work waits in each queue",
)
def queue_counts(request: HttpRequest) -> dict[str, int]:
    queues = queues_for_user(user=user_of(request))
    return {
        "to_sign": queues.to_sign.distinct().count(),
        "in_progress": queues.in_progress.distinct().count(),
        "due_soon": queues.due_soon.distinct().count(),
        "overdue": queues.overdue.distinct().count(),
        "to_dispatch": queues.to_dispatch.count(),
        "extensions_to_decide": queues.extensions_to_decide.count(),
        "supervision_orders": queues.supervision_orders.count(),
    }


@router.get(
    tags=["reads"],
    path="/queues/{name}",
    response=schemas.CasePage,
    summary="The cases waiting in one queue",
)
def queue(
    request: HttpRequest, name: schemas.QueueName, cursor: str | None = None, limit: Limit = 50
) -> dict[str, Any]:
    queues = queues_for_user(user=user_of(request))
    found: QuerySet[Case] = getattr(queues, name)
    # Membership joins can repeat a case; keep each once.
    return _case_page(Case.objects.filter(pk__in=found.values("pk")), cursor, limit)


@router.get(
    tags=["reads"],
    path="/extensions",
    response=schemas.ExtensionPage,
    summary="Extension requests to decide",
)
def extensions(
    request: HttpRequest, cursor: str | None = None, limit: Limit = 50
) -> dict[str, Any]:
    pending = queues_for_user(user=user_of(request)).extensions_to_decide
    rows, next_cursor = page(
        pending.select_related("case", "unit"),
        fields=("requested_at", "id"),
        cursor=cursor,
        limit=limit,
        descending=False,
    )
    return {"items": [extension_out(e) for e in rows], "next_cursor": next_cursor}


@router.get(
    tags=["reads"],
    path="/supervision-orders",
    response=schemas.SupervisionOrderPage,
    summary="Open supervision orders on the caller's units",
)
def supervision_orders(
    request: HttpRequest, cursor: str | None = None, limit: Limit = 50
) -> dict[str, Any]:
    orders = supervision_orders_for_leader(user=user_of(request))
    rows, next_cursor = page(
        orders.select_related("case", "unit"),
        fields=("deadline", "id"),
        cursor=cursor,
        limit=limit,
        descending=False,
    )
    return {"items": [order_out(o) for o in rows], "next_cursor": next_cursor}


@router.get(
    tags=["reads"],
    path="/units",
    response=schemas.UnitPage,
    summary="Units the caller may see, in tree order",
)
def units(
    request: HttpRequest,
    kind: Annotated[str, Field(max_length=16)] | None = None,
    cursor: str | None = None,
    limit: Limit = 200,
) -> dict[str, Any]:
    found = Unit.objects.visible_to(user_of(request)).filter(is_active=True)
    if kind:
        found = found.filter(kind=kind)
    rows, next_cursor = page(found, fields=("path",), cursor=cursor, limit=limit, descending=False)
    return {"items": [unit_ref(u) for u in rows], "next_cursor": next_cursor}


@router.get(
    tags=["reads"],
    path="/categories",
    response=schemas.CategoryPage,
    summary="The service catalogue",
)
def categories(
    request: HttpRequest, cursor: str | None = None, limit: Limit = 200
) -> dict[str, Any]:
    found = Category.objects.select_related("parent")
    rows, next_cursor = page(found, fields=("code",), cursor=cursor, limit=limit, descending=False)
    items = [
        {
            **(category_ref(c) or {}),
            "parent_code": c.parent.code if c.parent else None,
            "is_active": c.is_active,
        }
        for c in rows
    ]
    return {"items": items, "next_cursor": next_cursor}


@router.get(
    tags=["reads"],
    path="/figures",
    response=schemas.FiguresOut,
    summary="The figures of a unit's subtree",
)
def figures(
    request: HttpRequest,
    unit: schemas.Id,
    start: schemas.Day,
    end: schemas.Day,
    category: schemas.Code | None = None,
) -> Any:
    if start > timezone.localdate():
        raise ValidationFailed(_("The period cannot start in the future."), field="start")
    if not start < end or (end - start).days > MAX_FIGURE_DAYS:
        raise ValidationFailed(_("The end must follow the start, within ten years."), field="end")
    scope = visible_unit(user_of(request), unit)
    chosen = category_by_code(category) if category else None
    counted = case_figures(
        unit=scope,
        start=timezone.make_aware(datetime.combine(start, time.min)),
        end=timezone.make_aware(datetime.combine(end, time.min)),
        category=chosen,
    )
    out: dict[str, Any] = {}
    for name, value in vars(counted).items():
        is_rate = isinstance(value, Rate)
        out[name] = (
            {"percent": value.percent, "part": value.part, "whole": value.whole}
            if is_rate
            else value
        )
    out["backlog"] = vars(backlog(unit=scope, category=chosen))
    return out


@router.get(
    tags=["reads"],
    path="/tokens",
    response=list[schemas.TokenOut],
    summary="The caller's own API tokens",
)
def tokens(request: HttpRequest) -> QuerySet[StaffToken]:
    return StaffToken.objects.filter(user=user_of(request)).order_by("-created_at")[:100]

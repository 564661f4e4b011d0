"""Smart routing in the workbench: suggestions and similar cases at intake and on the case
page, reply review, the leaders' hot spots and the administrators' accuracy figure.

Every read goes through the routing selectors, which are scoped by `visible_to(user)`; a case
the person may not see is a 404, as on the case page.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from sanfu.cases.models import Case
from sanfu.cases.selectors import case_get_for_user
from sanfu.directory.backends import is_administrator
from sanfu.directory.models import TOWN_KINDS, VILLAGE_KINDS, Unit, UnitKind, User
from sanfu.lib.errors import NotFound
from sanfu.routing.review import case_reply_review
from sanfu.routing.selectors import (
    hotspots_for,
    replies_to_review,
    routing_accuracy,
    similar_cases,
    similar_to_case,
    suggestion_pending,
    suggestions_for,
    suggestions_for_case,
)
from sanfu.routing.suggest import load_router
from sanfu.workbench.selectors.cases import case_actions, dispatch_lead_unit
from sanfu.workbench.views.common import staff

HOTSPOT_DAYS = (7, 30, 90)
HOTSPOT_TOP = 20
AREA_KINDS = frozenset({UnitKind.COUNTY, *TOWN_KINDS, *VILLAGE_KINDS})
# Typed text shorter than this says too little to look anything up.
MIN_TYPED = 4


def _case(user: User, case_id: int) -> Case:
    try:
        return case_get_for_user(user=user, case_id=case_id)
    except NotFound:
        raise Http404 from None


@login_required
@require_GET
def case_panel(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case page's routing panel: the suggestion, possible duplicates, the reply's flags."""
    user = staff(request)
    case = _case(user, case_id)
    actions = case_actions(user=user, case=case)
    # Until the worker has run, say so rather than compute a suggestion in this request.
    pending = suggestion_pending(case=case)
    suggestions = None if pending else suggestions_for_case(case=case)
    dispatching = dispatch_lead_unit(user=user, case=case)
    if suggestions is not None and dispatching is not None:
        # The unit the dispatch form starts on, so the box and the form agree.
        suggestions = replace(suggestions, lead_unit=dispatching)
    context = {
        "case": case,
        "suggestion_pending": pending,
        "suggestions": suggestions,
        "similar": similar_to_case(user=user, case=case),
        "may_merge": "merge" in actions,
        "flags": case_reply_review(case) if case.reply_text else [],
    }
    return render(request, "workbench/routing/_case_panel.html", context)


@login_required
@require_POST
def reply_check(request: HttpRequest, case_id: int) -> HttpResponse:
    """Reply review of a draft on the reply form, before it is sent."""
    case = _case(staff(request), case_id)
    draft = request.POST.get("text", "")
    flags = case_reply_review(case, draft=draft) if draft.strip() else []
    return render(
        request, "workbench/routing/_reply_flags.html", {"flags": flags, "draft": draft.strip()}
    )


@login_required
@require_GET
def intake_assist(request: HttpRequest) -> HttpResponse:
    """Suggested category and unit, and similar cases, while the operator types."""
    user = staff(request)
    title, text = request.GET.get("title", ""), request.GET.get("text", "")
    place = _visible_unit(user, request.GET.get("location_unit"))
    context: dict[str, object] = {"typed": len(f"{title}{text}".strip()) >= MIN_TYPED}
    if context["typed"]:
        context["suggestions"] = suggestions_for(title=title, text=text, place=place)
        context["similar"] = (
            similar_cases(user=user, title=title, text=text, place=place)
            if place is not None
            else []
        )
    return render(request, "workbench/routing/_intake_assist.html", context)


def _visible_unit(user: User, value: str | None) -> Unit | None:
    if not value or not value.isdigit():
        return None
    return Unit.objects.visible_to(user).filter(pk=int(value), is_active=True).first()


@login_required
@require_GET
def hotspots(request: HttpRequest) -> HttpResponse:
    """热点: clusters of cases about one problem in one place, in the person's own area."""
    user = staff(request)
    area = _visible_unit(user, request.GET.get("area"))
    if area is not None and area.kind not in AREA_KINDS:
        area = None
    days_value = request.GET.get("days", "30")
    days = int(days_value) if days_value.isdigit() and int(days_value) in HOTSPOT_DAYS else 30
    found = hotspots_for(
        user=user, area=area, since=timezone.now() - timedelta(days=days), top=HOTSPOT_TOP
    )
    ids = {int(key) for spot in found for key in spot.keys}
    cases = {
        case.pk: case
        for case in Case.objects.visible_to(user)
        .filter(pk__in=ids)
        .select_related("location_unit", "lead_unit")
    }
    rows = [
        (spot, [cases[int(key)] for key in reversed(spot.keys) if int(key) in cases])
        for spot in found
    ]
    context = {
        "rows": rows,
        "area": area,
        "areas": _areas(user, area),
        "days": days,
        "day_choices": HOTSPOT_DAYS,
    }
    return render(request, "workbench/routing/hotspots.html", context)


def _areas(user: User, area: Unit | None) -> list[Unit]:
    """Where to drill down to: the units just below the area (or the towns), seen by the user."""
    units = Unit.objects.visible_to(user).filter(is_active=True, kind__in=AREA_KINDS)
    below = units.filter(kind__in=TOWN_KINDS) if area is None else units.filter(parent=area)
    return list(below.order_by("path")[:200])


@login_required
@require_GET
def review_board(request: HttpRequest) -> HttpResponse:
    """The supervision board's answers to read: recent replies that reply review flags."""
    reviewed = replies_to_review(user=staff(request))
    return render(request, "workbench/routing/_review_board.html", {"reviewed": reviewed})


@login_required
@require_GET
def accuracy(request: HttpRequest) -> HttpResponse:
    """For administrators: how often dispatchers took the suggestion, and the model in use."""
    user = staff(request)
    if not is_administrator(user) and not user.is_superuser:
        raise Http404
    now = timezone.now()
    router = load_router()
    context = {
        "periods": [
            (30, routing_accuracy(user=user, since=now - timedelta(days=30))),
            (None, routing_accuracy(user=user)),
        ],
        "model": router.info if router is not None else None,
        "trained_at": _moment(router.info.get("trained_at")) if router is not None else None,
    }
    return render(request, "workbench/routing/accuracy.html", context)


def _moment(value: object) -> datetime | None:
    """The model file's UTC stamp ("2026-12-04T14:41:41Z") as a moment the page shows in local
    time, like every other time; None when the file has none or an unreadable one."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else None

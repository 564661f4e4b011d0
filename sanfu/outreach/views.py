"""The outreach pages: my links, record a visit (also offline), a visit, compliance under a unit,
the roster. Parse, call a service or selector, render; every read goes through `visible_to`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sanfu.cases.models import Case
from sanfu.directory.models import Enterprise, Membership, Unit, UnitKind, User
from sanfu.directory.selectors import unit_get_for_user
from sanfu.lib.errors import ApplicationError, NotFound
from sanfu.lib.exports import xlsx_response
from sanfu.lib.forms import show_on_form
from sanfu.lib.treepath import outermost_paths, path_ids, path_segment
from sanfu.outreach import plans, selectors, servicedays
from sanfu.outreach.compliance import LinkCompliance, compliance_for
from sanfu.outreach.figures import Figures, figures_by_each, figures_sum
from sanfu.outreach.forms import (
    DayProblemForm,
    PlanItemForm,
    RosterForm,
    ServiceDayForm,
    VisitForm,
    WindowForm,
)
from sanfu.outreach.models import Link, Period, ServiceDay
from sanfu.outreach.periods import Span, parse_window, period_of
from sanfu.outreach.roster import Report, roster_export, roster_import
from sanfu.outreach.services import checklist_current, checklist_kind_for, visit_record

MAX_ROSTER_BYTES = 5 * 1024 * 1024
PAGE_ROWS = 50
SERVICE_WORKER = Path(__file__).parent / "static" / "outreach" / "sw.js"


def _staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required has run; narrows for mypy
    return user


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_GET
def my_links(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    today = timezone.localdate()
    links = selectors.links_held_by(user=user, on=today)
    rows: list[LinkCompliance] = []
    # Each link is shown with its current cadence period, whatever its kind.
    for period in Period.values:
        chosen = [link for link in links if link.cadence_period == period]
        if chosen:
            rows += compliance_for(chosen, period_of(period, today), today=today, detail=True)
    order = {link.pk: index for index, link in enumerate(links)}
    rows.sort(key=lambda row: order[row.link.pk])
    return render(request, "outreach/my_links.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, link_id: int) -> HttpResponse:
    user = _staff(request)
    try:
        link = selectors.link_get_for_user(user=user, link_id=link_id)
    except NotFound:
        if _wants_json(request):
            return JsonResponse(
                {"error": {"field": "link", "message": _("No such link.")}}, status=404
            )
        raise Http404 from None
    checklist = checklist_current(checklist_kind_for(link))
    form = VisitForm(request.POST or None, checklist=checklist)
    if request.method == "POST":
        if form.is_valid():
            try:
                visit, created = visit_record(
                    actor=user,
                    new=form.new_visit(link_id=link.pk, photos=request.FILES.getlist("photos")),
                )
            except ApplicationError as error:
                if _wants_json(request):
                    status = {"not_found": 404, "forbidden": 403, "conflict": 409}.get(
                        error.code, 400
                    )
                    return JsonResponse(
                        {"error": {"field": error.field, "message": error.message}}, status=status
                    )
                show_on_form(form, error)
            else:
                url = reverse("outreach:visit", args=[visit.pk])
                if _wants_json(request):
                    return JsonResponse(
                        {"id": visit.pk, "created": created, "url": url},
                        status=201 if created else 200,
                    )
                if created:
                    messages.success(request, _("Visit recorded."))
                return redirect(url)
        elif _wants_json(request):
            field, errors = next(iter(form.errors.items()))
            return JsonResponse({"error": {"field": field, "message": errors[0]}}, status=400)
    context = {"link": link, "form": form, "checklist": checklist}
    return render(request, "outreach/record.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def visit_page(request: HttpRequest, visit_id: int) -> HttpResponse:
    try:
        visit = selectors.visit_get_for_user(user=_staff(request), visit_id=visit_id)
    except NotFound:
        raise Http404 from None
    questions = visit.checklist.questions if visit.checklist else []
    answers = [(question["text"], visit.answers.get(question["key"], "")) for question in questions]
    context = {
        "visit": visit,
        "answers": answers,
        "problems": visit.problems.select_related("case"),
        "photos": visit.photos.all(),
    }
    return render(request, "outreach/visit.html", context)


@login_required
@require_GET
def photo(request: HttpRequest, visit_id: int, photo_id: int) -> HttpResponseBase:
    from sanfu.lib.files import file_response

    try:
        visit = selectors.visit_get_for_user(user=_staff(request), visit_id=visit_id)
    except NotFound:
        raise Http404 from None
    found = visit.photos.filter(pk=photo_id).first()
    if found is None:
        raise Http404
    return file_response(found)


def _home_units(user: User) -> list[Unit]:
    """The topmost units where this staff member holds a role: where their lists start."""
    if user.is_superuser:
        return list(Unit.objects.filter(parent__isnull=True))
    paths = Membership.objects.filter(user=user, unit__is_active=True).values_list(
        "unit__path", flat=True
    )
    return list(Unit.objects.filter(path__in=outermost_paths(list(paths))).order_by("path"))


def _window(form: WindowForm) -> Span:
    text = form.cleaned_data.get("period") if form.is_valid() else ""
    if text:
        return parse_window(text)
    return period_of("monthly", timezone.localdate())


def _area_key(unit: Unit) -> Callable[[Link], str]:
    """A link's area below `unit`: the path of the unit right below it that holds the link's
    place; `unit`'s own path for a place that is the unit itself, "" for one outside it."""
    width = len(unit.path) + len(path_segment(0))

    def key(link: Link) -> str:
        place = str(getattr(link, "place_path", "") or link.place.path)
        if not place.startswith(unit.path):
            return ""
        return place[:width]

    return key


def _named_areas(unit: Unit, groups: dict[str, Figures]) -> list[tuple[str, Figures]]:
    names = selectors.areas_below(unit)
    names[unit.path] = unit.name
    names[""] = _("Outside this unit")
    # In the tree's order (the unit itself, then the towns as the county made them), and the
    # places outside it last.
    order = sorted(groups, key=lambda key: (key == "", key))
    return [(names.get(key, key), groups[key]) for key in order]


def _paged(request: HttpRequest, items: list[Any], param: str) -> Page[Any]:
    return Paginator(items, PAGE_ROWS).get_page(request.GET.get(param))


def _query_without(request: HttpRequest, param: str) -> str:
    """The page's query string for a pager's links: without that pager's own parameter (the
    link adds it) and without `format` (a pager shows the page, not the Excel download)."""
    query = request.GET.copy()
    for name in (param, "format"):
        query.pop(name, None)
    return query.urlencode()


@login_required
@require_GET
def compliance(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    homes = _home_units(user)
    unit_id = request.GET.get("unit", "")
    try:
        unit = (
            unit_get_for_user(user=user, unit_id=int(unit_id))
            if unit_id.isdigit()
            else (homes[0] if homes else None)
        )
    except NotFound:
        raise Http404 from None
    form = WindowForm(request.GET or None)
    try:
        window = _window(form)
    except ApplicationError as error:
        show_on_form(form, error)
        window = period_of("monthly", timezone.localdate())
    if unit is None:
        context = {"homes": homes, "form": form, "window": window, "total": Figures()}
        return render(request, "outreach/compliance.html", context)
    # Slim links, selected again inside each query of tallies, visits and problems.
    source = selectors.compliance_links_under(user=user, unit=unit, window=window)
    rows = compliance_for(source, window)
    if request.GET.get("format") == "xlsx":
        selectors.links_labelled(row.link for row in rows)
        return _compliance_xlsx(rows, window)
    overdue = [row for row in rows if row.is_overdue]
    by_person, by_area = figures_by_each(
        rows, window, [selectors.holder_key, _area_key(unit)], source=source
    )
    names = selectors.holder_names(by_person, links=source)
    people = sorted((names.get(key, key), figures) for key, figures in by_person.items())
    # A county holds thousands of links: each table shows a page of them; Excel holds all.
    links_page = _paged(request, rows, "page")
    people_page = _paged(request, people, "people")
    shown_overdue = overdue[:PAGE_ROWS]
    selectors.links_labelled(row.link for row in [*links_page, *shown_overdue])
    context = {
        "unit": unit,
        "homes": homes,
        "form": form,
        "window": window,
        # Each pager's links keep everything else asked for, the other pager's page included.
        "links_query": _query_without(request, "page"),
        "people_query": _query_without(request, "people"),
        "rows": links_page,
        "overdue": shown_overdue,
        "more_overdue": max(len(overdue) - PAGE_ROWS, 0),
        "total": figures_sum(by_person.values()),
        "by_person": people_page,
        "by_area": _named_areas(unit, by_area),
    }
    return render(request, "outreach/compliance.html", context)


def _compliance_xlsx(rows: list[LinkCompliance], window: Span) -> HttpResponse:
    header = [
        _("Person"),
        _("Target"),
        _("Place"),
        _("Role"),
        _("Cadence"),
        _("Visits due"),
        _("Visits done"),
        _("Visits overdue"),
    ]
    data = [
        [
            row.link.person_label,
            row.link.target_label,
            row.link.place.name,
            str(row.link.get_role_display()),
            f"{row.link.cadence_count}/{row.link.get_cadence_period_display()}",
            row.due,
            row.done,
            row.overdue,
        ]
        for row in rows
    ]
    return xlsx_response(
        [header, *data],
        sheet_title=_("Compliance"),
        filename=f"outreach-compliance-{window.first:%Y%m%d}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def roster(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = RosterForm(request.POST or None, request.FILES or None)
    report: Report | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_ROSTER_BYTES:
            form.add_error("file", _("The file is larger than 5 MB."))
        else:
            try:
                report = roster_import(actor=user, file_name=upload.name, data=upload.read())
            except ApplicationError as error:
                show_on_form(form, error)
    status = 400 if form.errors else 200
    return render(request, "outreach/roster.html", {"form": form, "report": report}, status=status)


@login_required
@require_GET
def roster_xlsx(request: HttpRequest) -> HttpResponse:
    links = list(
        Link.objects.visible_to(_staff(request)).select_related(
            "person", "person_unit", "enterprise", "target_unit", "household"
        )
    )
    return xlsx_response(roster_export(links), sheet_title=_("Roster"), filename="outreach-roster")


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from /outreach/ so that it may control the outreach pages (a worker's scope is
    the folder it is served from)."""
    response = HttpResponse(SERVICE_WORKER.read_bytes(), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


def _owners(enterprise: Enterprise) -> QuerySet[Unit]:
    """Who can owe an enterprise something: the county's towns and departments."""
    county = path_ids(enterprise.town.path)[0]
    return Unit.objects.filter(
        path__descendant=Unit.objects.get(pk=county).path,
        kind__in=[UnitKind.TOWN, UnitKind.STREET, UnitKind.DEPARTMENT, UnitKind.VILLAGE],
        is_active=True,
    ).order_by("path")


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_page(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """One screen: the enterprise's links, visits, plan (一企一策) and cases."""
    user = _staff(request)
    try:
        enterprise = plans.enterprise_for_outreach(user=user, enterprise_id=enterprise_id)
    except NotFound:
        raise Http404 from None
    keeper = plans.may_keep_plan(user, enterprise)
    form = PlanItemForm(request.POST or None, owners=_owners(enterprise))
    if request.method == "POST":
        try:
            if "done" in request.POST:
                plans.plan_item_done(actor=user, item_id=int(request.POST["done"]))
                messages.success(request, _("Plan item done."))
                return redirect("outreach:enterprise", enterprise.pk)
            if form.is_valid():
                data = form.cleaned_data
                plans.plan_item_add(
                    actor=user,
                    enterprise=enterprise,
                    need=data["need"],
                    owner=data["owner"],
                    due_on=data["due_on"],
                    as_case=data["as_case"],
                )
                messages.success(request, _("Plan item added."))
                return redirect("outreach:enterprise", enterprise.pk)
        except (ApplicationError, ValueError) as error:
            if isinstance(error, ApplicationError):
                show_on_form(form, error)
            else:
                form.add_error(None, _("No such plan item."))
    context = {
        "enterprise": enterprise,
        "links": selectors.links_for_target(user=user, target=enterprise),
        "visits": selectors.visits_for_enterprise(user=user, enterprise=enterprise),
        "plan": enterprise.outreach_plan.select_related("owner", "case"),
        "cases": Case.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .order_by("-received_at")[:20],
        "keeper": keeper,
        "form": form,
    }
    return render(request, "outreach/enterprise.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def service_days(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    units = Unit.objects.visible_to(user).filter(
        kind__in=[UnitKind.COUNTY, UnitKind.TOWN, UnitKind.STREET, UnitKind.DEPARTMENT],
        is_active=True,
    )
    form = ServiceDayForm(
        request.POST or None, units=units, enterprises=Enterprise.objects.visible_to(user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            day = servicedays.service_day_create(
                actor=user,
                unit=data["unit"],
                title=data["title"],
                held_on=data["held_on"],
                enterprises=list(data["enterprises"]),
                attendance_note=data["attendance_note"],
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            return redirect("outreach:service_day", day.pk)
    days = ServiceDay.objects.visible_to(user).select_related("unit", "host")[:50]
    context = {"form": form, "days": days}
    return render(
        request, "outreach/service_days.html", context, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_day(request: HttpRequest, day_id: int) -> HttpResponse:
    user = _staff(request)
    try:
        day = servicedays.service_day_get_for_user(user=user, day_id=day_id)
    except NotFound:
        raise Http404 from None
    form = DayProblemForm(request.POST or None, enterprises=day.enterprises.all())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            servicedays.service_day_problem_add(
                actor=user,
                day_id=day.pk,
                text=data["text"],
                enterprise=data["enterprise"],
                solution=data["solution"],
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Problem recorded."))
            return redirect("outreach:service_day", day.pk)
    context = {
        "day": day,
        "form": form,
        "enterprises": day.enterprises.all(),
        "problems": day.problems.select_related("enterprise", "case"),
    }
    return render(request, "outreach/service_day.html", context, status=400 if form.errors else 200)

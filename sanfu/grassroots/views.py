"""The grassroots pages: meetings, the three lists, the burden ledger, figures.

Parse, call a service or selector, render. Every staff read goes through `visible_to(user)`;
a row the user may not see is a 404, as if it did not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sanfu.directory.models import Unit, UnitKind, User
from sanfu.grassroots import figures, selectors, services
from sanfu.grassroots.exports import XLSX, lists_workbook
from sanfu.grassroots.forms import (
    AbolishForm,
    AttendanceForm,
    BaselineForm,
    BurdenReportForm,
    DecideForm,
    DemandForm,
    MeetingForm,
    ProblemForm,
)
from sanfu.grassroots.lists import LIST_KINDS, LIST_UNIT_KINDS, three_lists
from sanfu.grassroots.models import BurdenDemand, BurdenReport, DemandState, Meeting
from sanfu.grassroots.policies import is_county_office
from sanfu.grassroots.printing import printable_html
from sanfu.lib.errors import ApplicationError, NotFound
from sanfu.lib.forms import show_on_form
from sanfu.lib.treepath import path_ids, path_segment


def _staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required has run; narrows for mypy
    return user


def _meeting(user: User, meeting_id: int) -> Meeting:
    try:
        return selectors.meeting_get_for_user(user=user, meeting_id=meeting_id)
    except NotFound:
        raise Http404 from None


# --- meetings --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meetings(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = MeetingForm(
        request.POST or None,
        villages=selectors.villages_for_user(user),
        initial={"held_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(actor=user, **form.cleaned_data)
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            return redirect("grassroots:meeting", meeting.pk)
    listed = (
        Meeting.objects.visible_to(user)
        .select_related("village", "convener")
        .prefetch_related("problems")[:50]
    )
    return render(
        request,
        "grassroots/meetings.html",
        {"form": form, "meetings": listed},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = _staff(request)
    found = _meeting(user, meeting_id)
    county_path = found.village.path[: len(path_segment(0))]
    departments = Unit.objects.subtree(county_path).filter(kind=UnitKind.DEPARTMENT, is_active=True)
    action = request.POST.get("action") if request.method == "POST" else None
    attendance = AttendanceForm(
        request.POST if action == "attendance" else None,
        departments=departments,
        initial={
            "residents_present": found.residents_present,
            "cadres_present": found.cadres_present,
            "departments": list(found.departments.all()),
        },
    )
    problem = ProblemForm(request.POST if action == "problem" else None)
    if action == "attendance" and attendance.is_valid():
        try:
            services.meeting_attendance_record(actor=user, meeting=found, **attendance.cleaned_data)
        except ApplicationError as error:
            show_on_form(attendance, error)
        else:
            messages.success(request, _("Attendance recorded."))
            return redirect("grassroots:meeting", found.pk)
    if action == "problem" and problem.is_valid():
        try:
            services.problem_record(
                actor=user, meeting=found, new=services.NewProblem(**problem.cleaned_data)
            )
        except ApplicationError as error:
            show_on_form(problem, error)
        else:
            messages.success(request, _("Problem recorded."))
            return redirect("grassroots:meeting", found.pk)
    invalid = bool(attendance.errors or problem.errors)
    return render(
        request,
        "grassroots/meeting.html",
        {
            "meeting": found,
            "held": found.held_on <= timezone.localdate(),
            "problems": selectors.meeting_problems(found),
            "report_back": selectors.report_back(found),
            "previous": selectors.meeting_previous(found),
            "attendance_form": attendance,
            "problem_form": problem,
        },
        status=400 if invalid else 200,
    )


@login_required
@require_GET
def minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    found = _meeting(_staff(request), meeting_id)
    return render(
        request,
        "grassroots/minutes.html",
        {
            "meeting": found,
            "problems": selectors.meeting_problems(found),
            "report_back": selectors.report_back(found),
            "departments": list(found.departments.all()),
        },
    )


# --- the three lists -------------------------------------------------------------------------


def _list_unit(user: User, code: str) -> Unit:
    try:
        unit = selectors.unit_by_code_for_user(user=user, code=code)
    except NotFound:
        raise Http404 from None
    if unit.kind not in LIST_UNIT_KINDS:
        raise Http404
    return unit


@login_required
@require_GET
def lists_index(request: HttpRequest) -> HttpResponse:
    units = selectors.list_units_for_user(_staff(request)).select_related("parent")
    return render(request, "grassroots/lists_index.html", {"units": units[:500]})


@login_required
@require_GET
def unit_lists(request: HttpRequest, code: str) -> HttpResponse:
    unit = _list_unit(_staff(request), code)
    return render(
        request,
        "grassroots/lists.html",
        {"three": three_lists(unit=unit), "unit": unit, "kinds": LIST_KINDS},
    )


@login_required
@require_GET
def unit_lists_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    unit = _list_unit(_staff(request), code)
    response = HttpResponse(lists_workbook(three_lists(unit=unit)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="lists-{unit.code}.xlsx"'
    return response


@login_required
@require_GET
def unit_lists_print(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """The notice-board version (公示栏): one list on A4 (`?paper=A3` for a large board),
    public content, with the QR code."""
    unit = _list_unit(_staff(request), code)
    if kind not in LIST_KINDS:
        raise Http404
    paper = "A3" if request.GET.get("paper", "").upper() == "A3" else "A4"
    url = request.build_absolute_uri(reverse("grassroots:public_lists", args=[unit.code]))
    nonce = getattr(request, "csp_nonce", "")
    return HttpResponse(
        printable_html(unit=unit, url=url, kinds=[kind], csp_nonce=nonce, paper=paper)
    )


@require_GET
def public_lists(request: HttpRequest, code: str) -> HttpResponse:
    """The portal's version: anonymised like published cases, no resident's data, ever."""
    unit = Unit.objects.filter(code=code, is_active=True, kind__in=LIST_UNIT_KINDS).first()
    if unit is None:
        raise Http404
    return render(
        request,
        "grassroots/public_lists.html",
        {"three": three_lists(unit=unit, public=True), "unit": unit},
    )


# --- figures ---------------------------------------------------------------------------------


def _scope(user: User) -> Unit | None:
    """The user's topmost unit (the scope their figures cover)."""
    return Unit.objects.visible_to(user).order_by("path").first()


@login_required
@require_GET
def figures_page(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    scope = _scope(user)
    if scope is None:
        raise Http404
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    level = "village" if scope.kind in {UnitKind.TOWN, UnitKind.STREET} else "town"
    shown = figures.meeting_figures_year(scope=scope, year=year, today=today, level=level)
    return render(
        request,
        "grassroots/figures.html",
        {
            "scope": scope,
            "year": year,
            "total": shown.total,
            "rows": shown.rows,
            "months": shown.months,
        },
    )


# --- the burden ledger -----------------------------------------------------------------------


def _county_of_user(user: User) -> Unit | None:
    scope = _scope(user)
    if scope is None:
        return None
    return Unit.objects.get(pk=path_ids(scope.path)[0])


@login_required
@require_http_methods(["GET", "POST"])
def burden(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    county = _county_of_user(user)
    if county is None:
        raise Http404
    office = is_county_office(user, county)
    visible = Unit.objects.visible_to(user)
    departments = visible.filter(kind=UnitKind.DEPARTMENT, is_active=True)
    villages = Unit.objects.subtree(county.path).filter(
        kind__in=[UnitKind.VILLAGE, UnitKind.COMMUNITY], is_active=True
    )
    action = request.POST.get("action") if request.method == "POST" else None
    demand_form = DemandForm(
        request.POST if action == "propose" else None,
        departments=departments,
        villages=villages,
    )
    baseline_form = BaselineForm(request.POST if action == "baseline" else None)
    if action == "propose" and demand_form.is_valid():
        data = demand_form.cleaned_data
        new = services.NewDemand(
            department=data["department"],
            kind=data["kind"],
            title=data["title"],
            frequency=data["frequency"],
            hours_each=data["hours_each"],
            all_villages=data["all_villages"],
            villages=list(data["villages"]),
            reason=data["reason"],
        )
        try:
            services.demand_propose(actor=user, new=new)
        except ApplicationError as error:
            show_on_form(demand_form, error)
        else:
            messages.success(request, _("Sent to the county office for approval."))
            return redirect("grassroots:burden")
    if action == "baseline" and baseline_form.is_valid():
        try:
            services.baseline_set(
                actor=user, county=county, year=baseline_form.cleaned_data["year"]
            )
        except ApplicationError as error:
            show_on_form(baseline_form, error)
        else:
            return redirect("grassroots:burden")
    demands = BurdenDemand.objects.visible_to(user).select_related("department")
    return render(
        request,
        "grassroots/burden.html",
        {
            "county": county,
            "office": office,
            "figures": figures.burden_figures(county=county, on=timezone.localdate()),
            "proposed": demands.filter(state=DemandState.PROPOSED),
            "demands": demands.exclude(state=DemandState.PROPOSED)[:300],
            "reports": BurdenReport.objects.visible_to(user).select_related("village", "case")[:50],
            "demand_form": demand_form,
            "baseline_form": baseline_form,
            "may_propose": departments.exists(),
        },
        status=400 if demand_form.errors or baseline_form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def demand(request: HttpRequest, demand_id: int) -> HttpResponse:
    user = _staff(request)
    try:
        found = selectors.demand_get_for_user(user=user, demand_id=demand_id)
    except NotFound:
        raise Http404 from None
    action = request.POST.get("action") if request.method == "POST" else None
    decide = DecideForm(request.POST if action == "decide" else None)
    abolish = AbolishForm(request.POST if action == "abolish" else None)
    try:
        if action == "decide" and decide.is_valid():
            services.demand_decide(
                actor=user,
                demand_id=found.pk,
                approve=decide.cleaned_data["decision"] == "approve",
                reason=decide.cleaned_data["reason"],
            )
            return redirect("grassroots:demand", found.pk)
        if action == "abolish" and abolish.is_valid():
            services.demand_abolish(actor=user, demand_id=found.pk, **abolish.cleaned_data)
            return redirect("grassroots:demand", found.pk)
    except ApplicationError as error:
        show_on_form(decide if action == "decide" else abolish, error)
    return render(
        request,
        "grassroots/demand.html",
        {
            "demand": found,
            "villages": list(found.villages.all()),
            "office": is_county_office(user, found.county),
            "decide_form": decide,
            "abolish_form": abolish,
        },
        status=400 if decide.errors or abolish.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def burden_report(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = BurdenReportForm(request.POST or None, villages=selectors.villages_for_user(user))
    if request.method == "POST" and form.is_valid():
        try:
            report = services.burden_report(actor=user, **form.cleaned_data)
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _("Reported to the county office as case %(number)s.")
                % {"number": report.case.number},
            )
            return redirect("grassroots:burden")
    return render(
        request, "grassroots/burden_report.html", {"form": form}, status=400 if form.errors else 200
    )

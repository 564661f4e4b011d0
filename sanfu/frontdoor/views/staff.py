"""The front door's staff pages: the catalogue's imports and rates, surveys, reports, modules.

Parse, call a service or selector, render. Reports are read only through `reports_for` /
`report_get_for_user`; an outsider gets 404 as if nothing were there.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sanfu.directory.backends import is_administrator
from sanfu.directory.models import TOWN_KINDS, Unit, UnitKind, User
from sanfu.frontdoor import catalogue, modules, rates, reports, surveys, tallies
from sanfu.frontdoor.forms import (
    ConcludeForm,
    ConsentForm,
    ImportForm,
    MeetingForm,
    ModuleMapForm,
    NoticeForm,
    QuestionForm,
    ReportForm,
    ServiceForm,
    StepForm,
    SurveyForm,
)
from sanfu.frontdoor.models import ServiceEntry, Survey, SurveyState
from sanfu.frontdoor.models.surveys import SurveyPurpose
from sanfu.frontdoor.views.common import staff
from sanfu.lib.errors import ApplicationError, NotFound
from sanfu.lib.forms import show_on_form
from sanfu.lib.qr import qr_svg, qr_svg_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SVG = "image/svg+xml"
RATE_DAYS = 365


# --- catalogue -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def service_import(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    if not is_administrator(user):
        raise Http404
    counties = Unit.objects.visible_to(user).filter(kind=UnitKind.COUNTY)
    form = ImportForm(request.POST or None, request.FILES or None, counties=counties)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = catalogue.table_read(file_name=upload.name, data=upload.read())
            report = catalogue.services_import(county=form.cleaned_data["county"], table=table)
        except ApplicationError as error:
            show_on_form(form, error)
    return render(
        request,
        "frontdoor/service_import.html",
        {"form": form, "report": report},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_add(request: HttpRequest) -> HttpResponse:
    """Add or update one service (same name and provider: updated)."""
    user = staff(request)
    if not is_administrator(user):
        raise Http404
    county = Unit.objects.visible_to(user).filter(kind=UnitKind.COUNTY).order_by("pk").first()
    if county is None:
        raise Http404
    providers = Unit.objects.subtree(county.path).filter(
        kind__in=catalogue.PROVIDER_KINDS, is_active=True
    )
    form = ServiceForm(request.POST or None, providers=providers.order_by("path"))
    if request.method == "POST" and form.is_valid():
        try:
            report = catalogue.services_import(county=county, table=form.as_table_rows())
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            row = report.rows[0]
            if row.outcome == "refused":
                form.add_error(None, row.problem)
            else:
                messages.success(request, _("Service “%(name)s” saved.") % {"name": row.name})
                return redirect("frontdoor:service_rates")
    return render(
        request, "frontdoor/service_add.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_GET
def service_rates(request: HttpRequest) -> HttpResponse:
    """Declared vs measured rates for the county, one department, or one service."""
    user = staff(request)
    counties = list(Unit.objects.visible_to(user).filter(kind=UnitKind.COUNTY))
    if not counties:
        counties = [
            Unit.objects.get(pk=int(path.split(".")[0]))
            for path in user.memberships.values_list("unit__path", flat=True)[:1]
        ]
    providers = list(
        Unit.objects.filter(services__isnull=False)
        .filter(path__descendant=counties[0].path if counties else "-")
        .distinct()
        .order_by("path")
    )
    chosen = {p.pk: p for p in providers}.get(_int(request.GET.get("provider")) or 0)
    entries = catalogue.services_of([chosen] if chosen else providers)
    service_id = _int(request.GET.get("service"))
    if service_id:
        entries = [e for e in entries if e.pk == service_id]
    end = timezone.now()
    service_rates = rates.service_rates(entries, start=end - timedelta(days=RATE_DAYS), end=end)
    return render(
        request,
        "frontdoor/service_rates.html",
        {
            "providers": providers,
            "chosen": chosen,
            "rates": service_rates,
            "summary": rates.summarise(service_rates),
            "gaps": rates.gaps(service_rates),
            "ways": rates.WAYS,
            "days": RATE_DAYS,
        },
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


# --- surveys -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def survey_list(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    areas = Unit.objects.visible_to(user).exclude(kind__in=[UnitKind.DEPARTMENT, UnitKind.GRID])
    form = SurveyForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        try:
            survey = surveys.survey_create(actor=user, **form.cleaned_data)
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            return redirect("frontdoor:survey_edit", survey.pk)
    return render(
        request,
        "frontdoor/staff_surveys.html",
        {"form": form, "surveys": surveys.surveys_visible_to(user).select_related("area")[:100]},
        status=400 if form.errors else 200,
    )


def _survey(request: HttpRequest, survey_id: int) -> Survey:
    try:
        return surveys.survey_get_for_user(user=staff(request), survey_id=survey_id)
    except NotFound as error:
        raise Http404 from error


@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = _survey(request, survey_id)
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "publish":
                surveys.survey_publish(actor=staff(request), survey_id=survey.pk)
                messages.success(request, _("The survey is published on the portal."))
                return redirect("frontdoor:survey_edit", survey.pk)
            if form.is_valid():
                data = form.cleaned_data
                surveys.question_add(
                    actor=staff(request),
                    survey_id=survey.pk,
                    kind=data["kind"],
                    label_zh=data["label_zh"],
                    label_en=data["label_en"],
                    choices=surveys.choices_parse(data["choices"]),
                    required=data["required"],
                )
                return redirect("frontdoor:survey_edit", survey.pk)
        except ApplicationError as error:
            show_on_form(form, error)
    survey.refresh_from_db()
    link = _public_link(request, survey)
    return render(
        request,
        "frontdoor/staff_survey_edit.html",
        {
            "survey": survey,
            "questions": survey.questions.order_by("number"),
            "form": form,
            "link": link,
            "qr": qr_svg(link) if _on_the_portal(survey) else "",
        },
        status=400 if form.errors else 200,
    )


def _on_the_portal(survey: Survey) -> bool:
    # Follow-ups (回访) are recorded by staff per case: they have no public page to link to.
    return survey.state != SurveyState.DRAFT and survey.purpose == SurveyPurpose.POLL


def _public_link(request: HttpRequest, survey: Survey) -> str:
    return request.build_absolute_uri(reverse("frontdoor:survey_answer", args=[survey.pk]))


@login_required
@require_GET
def survey_qr(request: HttpRequest, survey_id: int) -> HttpResponse:
    """The survey's link as a QR code file, for a poster; only once it is published."""
    survey = _survey(request, survey_id)
    if not _on_the_portal(survey):
        raise Http404
    response = HttpResponse(qr_svg_file(_public_link(request, survey)), content_type=SVG)
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-qr.svg"'
    return response


@login_required
@require_GET
def survey_results(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = _survey(request, survey_id)
    tallies.survey_tally_catch_up(survey=survey)
    results = surveys.survey_results(survey=survey)
    charts = [
        {"id": f"chart-{r.question.number}", "labels": r.labels, "counts": r.counts}
        for r in results.questions
        if r.labels
    ]
    towns = {"labels": [t for t, _n in results.by_town], "counts": [n for _t, n in results.by_town]}
    return render(
        request,
        "frontdoor/staff_survey_results.html",
        {
            "survey": survey,
            "results": results,
            "chart_data": {"charts": charts, "towns": towns},
        },
    )


@login_required
@require_GET
def survey_text_groups(request: HttpRequest, survey_id: int, number: int) -> HttpResponse:
    """A text question's answers grouped by what they say (the routing app's hot-spot code)."""
    from sanfu.frontdoor.text_clusters import TEXTS_GROUPED, text_groups

    survey = _survey(request, survey_id)
    try:
        grouped = text_groups(survey=survey, number=number)
    except NotFound as error:
        raise Http404 from error
    return render(
        request,
        "frontdoor/staff_survey_text_groups.html",
        {"survey": survey, "grouped": grouped, "limit": TEXTS_GROUPED},
    )


@login_required
@require_GET
def survey_export(request: HttpRequest, survey_id: int) -> HttpResponse:
    from sanfu.frontdoor.exports import survey_workbook

    survey = _survey(request, survey_id)
    buffer = io.BytesIO()
    survey_workbook(survey).save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def followup(request: HttpRequest, case_id: int) -> HttpResponse:
    """回访: record the follow-up call about a closed case the staff member may see."""
    from sanfu.cases.selectors import case_get_for_user
    from sanfu.frontdoor.followups import followup_record, followup_survey_for

    user = staff(request)
    try:
        case = case_get_for_user(user=user, case_id=case_id)
    except NotFound as error:
        raise Http404 from error
    survey = followup_survey_for(case)
    errors: dict[str, str] = {}
    raw: dict[str, list[str]] = {}
    if request.method == "POST":
        raw = {key: request.POST.getlist(key) for key in request.POST if key.startswith("q")}
        try:
            followup_record(actor=user, case_id=case.pk, answers=raw)
        except ApplicationError as error:
            errors[error.field or "form"] = error.message
        else:
            messages.success(request, _("The follow-up is recorded."))
            return redirect("workbench:case", case.pk)
    return render(
        request,
        "frontdoor/staff_followup.html",
        {
            "case": case,
            "survey": survey,
            "questions": survey.questions.order_by("number") if survey else [],
            "errors": errors,
            "raw": raw,
            "scale": list(surveys.SCALE),
        },
        status=400 if errors else 200,
    )


# --- reports against cadres ----------------------------------------------------------------


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    if not _is_inspector(request):
        raise Http404
    found = reports.reports_for(user)
    return render(
        request,
        "frontdoor/staff_reports.html",
        {"reports": found[:200], "figures": reports.report_figures(user=user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_take(request: HttpRequest) -> HttpResponse:
    """Any staff member may take a report down (a letter, a visit); only inspectors read it."""
    user = staff(request)
    units = Unit.objects.filter(
        kind__in=[*TOWN_KINDS, UnitKind.DEPARTMENT, UnitKind.VILLAGE, UnitKind.COMMUNITY],
        is_active=True,
    ).order_by("path")
    form = ReportForm(request.POST or None, units=units)
    county = Unit.objects.filter(kind=UnitKind.COUNTY, is_active=True).order_by("pk").first()
    if request.method == "POST" and form.is_valid() and county is not None:
        try:
            report = reports.report_create(county=county, taken_by=user, **form.cleaned_data)
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _("Report %(number)s is taken down; only the discipline inspectors can read it.")
                % {"number": report.number},
            )
            return redirect("frontdoor:home")
    return render(
        request,
        "frontdoor/staff_report_take.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _is_inspector(request: HttpRequest) -> bool:
    from sanfu.directory.models import StaffRole

    return staff(request).memberships.filter(role=StaffRole.DISCIPLINE).exists()


Act = Callable[[User, int, dict[str, Any]], object]
ACTIONS: dict[str, tuple[type[django_forms.Form], Act]] = {
    "step": (StepForm, lambda user, pk, d: reports.report_verify(actor=user, report_id=pk, **d)),
    "conclude": (
        ConcludeForm,
        lambda user, pk, d: reports.report_conclude(actor=user, report_id=pk, **d),
    ),
    "consent": (
        ConsentForm,
        lambda user, pk, d: reports.clearing_consent(actor=user, report_id=pk, **d),
    ),
    "notice": (
        NoticeForm,
        lambda user, pk, d: reports.clearing_publish(actor=user, report_id=pk, **d),
    ),
    "meeting": (
        MeetingForm,
        lambda user, pk, d: reports.clearing_meeting(actor=user, report_id=pk, **d),
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def report_page(request: HttpRequest, report_id: int) -> HttpResponse:
    user = staff(request)
    try:
        report = reports.report_get_for_user(user=user, report_id=report_id)
    except NotFound as error:
        raise Http404 from error
    forms = {name: form_class(prefix=name) for name, (form_class, _act) in ACTIONS.items()}
    status = 200
    action = request.POST.get("action", "")
    if request.method == "POST" and action in ACTIONS:
        form_class, act = ACTIONS[action]
        form = forms[action] = form_class(request.POST, prefix=action)
        if form.is_valid():
            try:
                act(user, report.pk, form.cleaned_data)
            except ApplicationError as error:
                show_on_form(form, error)
            else:
                return redirect("frontdoor:report", report.pk)
        status = 400
    clearing = getattr(report, "clearing", None)
    return render(
        request,
        "frontdoor/staff_report.html",
        {
            "report": report,
            "steps": report.steps.select_related("by"),
            "reads": report.reads.select_related("user")[:20],
            "clearing": clearing,
            "forms": forms,
            "clearable": report.outcome in reports.CLEARABLE,
        },
        status=status,
    )


# --- town modules --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def town_modules(request: HttpRequest, town_id: int) -> HttpResponse:
    user = staff(request)
    town = Unit.objects.visible_to(user).filter(pk=town_id, kind__in=TOWN_KINDS).first()
    if town is None:
        raise Http404
    form = ModuleMapForm(
        request.POST or None,
        modules=Unit.objects.filter(parent=town, kind=UnitKind.MODULE, is_active=True),
    )
    if request.method == "POST" and form.is_valid():
        try:
            modules.module_map(
                town=town,
                category=form.cleaned_data["category"],
                module=form.cleaned_data["module"],
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            return redirect("frontdoor:modules", town.pk)
    return render(
        request,
        "frontdoor/staff_modules.html",
        {"overview": modules.modules_overview(town=town), "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    towns = Unit.objects.visible_to(user).filter(kind__in=TOWN_KINDS).order_by("path")[:50]
    return render(
        request,
        "frontdoor/staff_home.html",
        {
            "towns": towns,
            "services": ServiceEntry.objects.count(),
            "inspector": _is_inspector(request),
            "administrator": is_administrator(user),
        },
    )

"""The front door's public pages: service search and guides, surveys, reports, notices."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sanfu.directory.models import TOWN_KINDS, Unit, UnitKind
from sanfu.frontdoor import catalogue, reports, surveys
from sanfu.frontdoor.forms import PhoneForm, ReportForm, SearchForm
from sanfu.lib.addresses import client_address
from sanfu.lib.errors import ApplicationError, NotFound
from sanfu.lib.forms import show_on_form


@require_GET
def services(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.data.get("q", "").strip()[:40]
    found = catalogue.services_search(query=query) if query else []
    return render(
        request,
        "frontdoor/services.html",
        {"form": form, "query": query, "found": found, "top": found[0] if found else None},
    )


@require_GET
def service(request: HttpRequest, service_id: int) -> HttpResponse:
    entry = catalogue.service_get(service_id=service_id)
    if entry is None:
        raise Http404
    return render(request, "frontdoor/service.html", {"service": entry})


@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    return render(request, "frontdoor/survey_list.html", {"surveys": surveys.surveys_open()})


def _raw_answers(request: HttpRequest) -> dict[str, list[str]]:
    return {key: request.POST.getlist(key) for key in request.POST if key.startswith("q")}


@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, survey_id: int) -> HttpResponse:
    try:
        survey = surveys.survey_get_public(survey_id=survey_id)
    except NotFound as error:
        raise Http404 from error
    form = PhoneForm(request.POST or None)
    errors: dict[str, str] = {}
    raw = _raw_answers(request) if request.method == "POST" else {}
    sent = False
    if request.method == "POST":
        action = request.POST.get("action", "submit")
        anonymous = request.POST.get("anonymous") == "1"
        try:
            if action == "code":
                surveys.code_send(
                    survey=survey,
                    phone=request.POST.get("phone", ""),
                    address=client_address(request),
                )
                sent = True
            else:
                surveys.response_submit(
                    survey=survey,
                    town_id=_int(request.POST.get("town")),
                    answers=raw,
                    phone=request.POST.get("phone", ""),
                    code=request.POST.get("code", ""),
                    anonymous=anonymous,
                    sender=surveys.sender_hash(client_address(request)),
                )
                messages.success(request, _("Thank you: your answers are recorded."))
                return redirect("frontdoor:survey_thanks", survey.pk)
        except ApplicationError as error:
            errors[error.field or "form"] = error.message
    questions = surveys.survey_questions(survey)
    return render(
        request,
        "frontdoor/survey_answer.html",
        {
            "survey": survey,
            "open": surveys.is_open(survey),
            "questions": questions,
            "towns": surveys.towns_of(survey),
            "form": form,
            "errors": errors,
            "raw": raw,
            "chosen_town": _int(request.POST.get("town")) if request.method == "POST" else None,
            "sent": sent,
            "scale": list(surveys.SCALE),
        },
        status=400 if errors else 200,
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@require_GET
def survey_thanks(request: HttpRequest, survey_id: int) -> HttpResponse:
    try:
        survey = surveys.survey_get_public(survey_id=survey_id)
    except NotFound as error:
        raise Http404 from error
    return render(request, "frontdoor/survey_thanks.html", {"survey": survey})


def _report_units() -> list[Unit]:
    kinds = [*TOWN_KINDS, UnitKind.DEPARTMENT, UnitKind.VILLAGE, UnitKind.COMMUNITY]
    return list(Unit.objects.filter(kind__in=kinds, is_active=True).order_by("path"))


@require_http_methods(["GET", "POST"])
def report_submit(request: HttpRequest) -> HttpResponse:
    units = Unit.objects.filter(pk__in=[u.pk for u in _report_units()]).order_by("path")
    form = ReportForm(request.POST or None, units=units)
    county = Unit.objects.filter(kind=UnitKind.COUNTY, is_active=True).order_by("pk").first()
    if request.method == "POST" and form.is_valid() and county is not None:
        data = form.cleaned_data
        try:
            report = reports.report_create(
                county=county,
                person_name=data["person_name"],
                person_post=data["person_post"],
                person_unit=data["person_unit"],
                content=data["content"],
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            return render(request, "frontdoor/report_received.html", {"number": report.number})
    return render(
        request, "frontdoor/report_submit.html", {"form": form}, status=400 if form.errors else 200
    )


@require_GET
def clearing_notices(request: HttpRequest) -> HttpResponse:
    return render(
        request, "frontdoor/clearing_notices.html", {"notices": reports.notices_published()[:50]}
    )

"""The assistance pages: programmes, imports, findings and figures for staff; applying for all.

Parse, call a service or selector, render. Every staff read goes through `visible_to(user)`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sanfu.assistance import applications, findings
from sanfu.assistance.forms import ApplyForm, FindingFilterForm, MappingForm, ReviewForm, UploadForm
from sanfu.assistance.imports.run import (
    SOURCE_KINDS,
    batch_claim,
    batch_process,
    batch_upload,
    mapping_guess,
    mapping_save,
)
from sanfu.assistance.models import BatchState, ImportBatch, Status
from sanfu.assistance.programmes import programmes_listed
from sanfu.directory.models import Unit, User
from sanfu.lib.errors import ApplicationError, NotFound
from sanfu.lib.forms import show_on_form

# Files up to this size are imported while the page waits (a second or so); larger ones by the
# worker, so no request is held by a big file. Whatever the size, a hostile workbook is refused
# here, at once, by its directory and a linear scan (sanfu.lib.xlsx).
INLINE_IMPORT_BYTES = 256 * 1024
PAGE_SIZE = 50


def _staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required has run; narrows for mypy
    return user


def _bodies(user: User) -> QuerySet[Unit]:
    """The bodies this staff member may upload for: source bodies in their scope."""
    return Unit.objects.visible_to(user).filter(kind__in=SOURCE_KINDS, is_active=True)


@login_required
@require_GET
def programmes(request: HttpRequest) -> HttpResponse:
    # Programmes and their rules are public information, the same for every staff member.
    return render(request, "assistance/programmes.html", {"programmes": programmes_listed()})


@login_required
@require_http_methods(["GET", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    bodies = _bodies(user)
    form = UploadForm(request.POST or None, request.FILES or None, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        source = form.cleaned_data["source"]
        try:
            mapping = form.cleaned_data["mapping"] or mapping_guess(
                source=source, file_name=upload.name, data=data
            )
            batch, created = batch_upload(
                source=source, mapping=mapping, file_name=upload.name, data=data, user=user
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            if not created:
                messages.info(request, _("This file was imported before; nothing changed."))
            elif len(data) <= INLINE_IMPORT_BYTES and batch_claim(batch.pk):
                batch_process(batch=batch)
            return redirect("assistance:batch", batch.pk)
    batches = ImportBatch.objects.visible_to(user).select_related("source")[:30]
    return render(
        request,
        "assistance/imports.html",
        {"form": form, "batches": batches},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def mapping(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = MappingForm(request.POST or None, bodies=_bodies(user))
    if request.method == "POST" and form.is_valid():
        try:
            saved = mapping_save(
                source=form.cleaned_data["source"],
                name=form.cleaned_data["name"],
                columns=form.columns(),
                defaults=form.defaults(),
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Mapping “%(name)s” saved.") % {"name": saved.name})
            return redirect("assistance:imports")
    return render(
        request, "assistance/mapping.html", {"form": form}, status=400 if form.errors else 200
    )


def _batch_for(user: User, batch_id: int) -> ImportBatch:
    batch = ImportBatch.objects.visible_to(user).filter(pk=batch_id).first()
    if batch is None:
        raise Http404
    return batch


@login_required
@require_GET
def batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    found = _batch_for(_staff(request), batch_id)
    issues = Paginator(found.issues.all(), 200).get_page(request.GET.get("page"))
    return render(request, "assistance/batch.html", {"batch": found, "issues": issues})


@login_required
@require_GET
def batch_progress(request: HttpRequest, batch_id: int) -> HttpResponse:
    found = _batch_for(_staff(request), batch_id)
    response = render(request, "assistance/_progress.html", {"batch": found})
    if found.state in (BatchState.DONE, BatchState.FAILED):
        # htmx reloads the page to show the row report once the batch is finished.
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def finding_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = FindingFilterForm(request.GET or {"state": "open"})
    rows = findings.findings_for_user(user=user).filter(current=True)
    if form.is_valid():
        for field in ("kind", "state", "need"):
            if form.cleaned_data[field]:
                rows = rows.filter(**{field: form.cleaned_data[field]})
    page = Paginator(rows.order_by("-found_at", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "assistance/findings.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def finding_page(request: HttpRequest, finding_id: int) -> HttpResponse:
    user = _staff(request)
    try:
        finding = findings.finding_get_for_user(user=user, finding_id=finding_id)
    except NotFound:
        raise Http404 from None
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            findings.finding_review(
                actor=user,
                finding_id=finding.pk,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("assistance:finding", finding.pk)
    facts = finding.evidence.get("facts") or {}
    context = {
        "finding": finding,
        # The evidence keeps the statuses' codes; the page shows their names.
        "fact_statuses": [
            Status(code).label if code in Status.values else code
            for code in facts.get("statuses") or ()
        ],
        "bodies": finding.bodies.order_by("path"),
        "reviews": finding.reviews.select_related("reviewer", "unit"),
        "form": form,
    }
    return render(request, "assistance/finding.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assistance/figures.html",
        {"figures": findings.figures_for_user(user=_staff(request))},
    )


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """Public: check eligibility with an ID number, then apply for one programme."""
    form = ApplyForm(request.POST or None)
    assessment = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = applications.application_assess(
                id_number=data["id_number"], name=data["name"], facts=form.facts()
            )
            if "apply" in request.POST:
                if data["programme"] is None:
                    raise ApplicationError(_("Choose a programme."), field="programme")
                if data["town"] is None:
                    raise ApplicationError(_("Choose your town."), field="town")
                application = applications.application_submit(
                    id_number=data["id_number"],
                    name=data["name"],
                    phone=data["phone"],
                    town=data["town"],
                    programme=data["programme"],
                    facts=form.facts(),
                    note=data["note"],
                )
                case = application.case
                url = reverse("portal:case", args=[case.number, case.tracking_token])
                return redirect(f"{url}?new=1")
        except ApplicationError as error:
            show_on_form(form, error)
    return render(
        request,
        "assistance/apply.html",
        {"form": form, "assessment": assessment},
        status=400 if form.errors else 200,
    )

"""Staff pages: enterprises, policies and their review lists, imports.

Parse, call a service or selector, render. Every staff read goes through `visible_to(user)`;
a row the user may not see is a 404, the same as a row that does not exist.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanfu.directory.models import User
from sanfu.enterprise import selectors
from sanfu.enterprise.forms import ContactForm, ImportForm, ReviewForm, SearchForm
from sanfu.enterprise.imports import enterprise_import, may_import
from sanfu.enterprise.models import ProjectKind
from sanfu.enterprise.services import contacts as contact_services
from sanfu.enterprise.services.policies import policy_match_review
from sanfu.lib.errors import ApplicationError, NotFound
from sanfu.lib.forms import show_on_form

PAGE_SIZE = 50
# Where the outreach app (chief service officers, visits) shows itself on the enterprise page
# once it is installed: it provides this template, given `enterprise` in the context.
OUTREACH_PANEL = "outreach/_enterprise_panel.html"


def staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required has run; narrows for mypy
    return user


@login_required
@require_GET
def enterprise_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    rows = selectors.enterprises_for_user(user=staff(request), query=query)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "enterprise/list.html", {"form": form, "page": page, "q": query})


@login_required
@require_GET
def enterprise_page(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    try:
        page = selectors.enterprise_page(user=staff(request), enterprise_id=enterprise_id)
    except NotFound:
        raise Http404 from None
    context = {
        "p": page,
        "enterprise": page.enterprise,
        "project_kinds": ProjectKind.choices,
        "outreach_panel": OUTREACH_PANEL if apps.is_installed("sanfu.outreach") else "",
    }
    return render(request, "enterprise/enterprise.html", context)


@login_required
@require_GET
def policy_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.policies_listed(user=staff(request))
    return render(request, "enterprise/policies.html", {"rows": rows})


@login_required
@require_GET
def policy_review(request: HttpRequest, policy_id: int) -> HttpResponse:
    state = request.GET.get("state", "open")
    if state not in ("open", "confirmed", "dismissed", ""):
        state = "open"
    try:
        policy, rows = selectors.review_list(user=staff(request), policy_id=policy_id, state=state)
    except NotFound:
        raise Http404 from None
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"policy": policy, "page": page, "state": state, "form": ReviewForm()}
    return render(request, "enterprise/review.html", context)


@login_required
@require_POST
def match_review(request: HttpRequest, match_id: int) -> HttpResponse:
    user = staff(request)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            match = policy_match_review(
                actor=user,
                match_id=match_id,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except NotFound:
            raise Http404 from None
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("enterprise:policy_review", match.policy_id)
    else:
        messages.error(request, _("Choose a decision and give a reason."))
    back = request.POST.get("policy", "")
    if back.isdigit():
        return redirect("enterprise:policy_review", int(back))
    return redirect("enterprise:policies")


@login_required
@require_http_methods(["GET", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    if not may_import(staff(request)):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = enterprise_import(
                kind=form.cleaned_data["kind"], file_name=upload.name, data=upload.read()
            )
        except ApplicationError as error:
            show_on_form(form, error)
    status = 400 if form.errors or (report and not report.applied) else 200
    return render(
        request, "enterprise/imports.html", {"form": form, "report": report}, status=status
    )


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    context = selectors.figures_for_user(user=staff(request))
    return render(request, "enterprise/figures.html", context)


@login_required
@require_GET
def policy_review_export(request: HttpRequest, policy_id: int) -> HttpResponse:
    from sanfu.enterprise.exports import review_list_workbook

    try:
        policy, rows = selectors.review_list(user=staff(request), policy_id=policy_id, state="")
    except NotFound:
        raise Http404 from None
    return review_list_workbook(policy, rows)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_contacts(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """The people who speak for the enterprise: they log in by code and get its policy texts."""
    user = staff(request)
    try:
        enterprise = selectors.enterprise_get_for_user(user=user, enterprise_id=enterprise_id)
    except NotFound:
        raise Http404 from None
    form = ContactForm(request.POST if "add" in request.POST else None)
    if request.method == "POST" and "remove" in request.POST:
        try:
            contact_services.contact_remove(actor=user, contact_id=int(request.POST["remove"]))
        except (ValueError, NotFound):
            raise Http404 from None
        messages.success(request, _("Contact removed."))
        return redirect("enterprise:contacts", enterprise.pk)
    if form.is_bound and form.is_valid():
        try:
            contact_services.contact_add(
                actor=user, enterprise_id=enterprise.pk, **form.cleaned_data
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Contact added."))
            return redirect("enterprise:contacts", enterprise.pk)
    context = {
        "enterprise": enterprise,
        "contacts": selectors.contacts_for_user(user=user, enterprise=enterprise),
        "form": form,
    }
    return render(request, "enterprise/contacts.html", context, status=400 if form.errors else 200)

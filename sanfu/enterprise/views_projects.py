"""Staff pages for investment projects, approvals, joint sessions and supervision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanfu.enterprise import selectors
from sanfu.enterprise.forms import (
    ApprovalRequestForm,
    DecisionForm,
    ProjectForm,
    SessionForm,
    SuperviseForm,
)
from sanfu.enterprise.models import Approval, Project
from sanfu.enterprise.services import projects
from sanfu.enterprise.views import staff
from sanfu.lib.errors import ApplicationError, NotFound
from sanfu.lib.forms import show_on_form


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    rows = (
        Project.objects.visible_to(staff(request))
        .select_related("enterprise", "enterprise__town")
        .order_by("-created_at", "pk")[:200]
    )
    return render(request, "enterprise/projects.html", {"rows": rows})


@login_required
@require_POST
def project_create(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    form = ProjectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the project a name, a kind and an investment."))
        return redirect("enterprise:enterprise", enterprise_id)
    try:
        project = projects.project_create(
            actor=staff(request),
            enterprise_id=enterprise_id,
            name=form.cleaned_data["name"],
            kind=form.cleaned_data["kind"],
            investment=form.cleaned_data["investment"],
        )
    except NotFound:
        raise Http404 from None
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("enterprise:enterprise", enterprise_id)
    return redirect("enterprise:project", project.pk)


@login_required
@require_http_methods(["GET", "POST"])
def project_page(request: HttpRequest, project_id: int) -> HttpResponse:
    user = staff(request)
    try:
        project = selectors.project_get_for_user(user=user, project_id=project_id)
    except NotFound:
        raise Http404 from None
    form = ApprovalRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            projects.approval_request(
                actor=user,
                project_id=project.pk,
                kind=form.cleaned_data["kind"],
                department=form.cleaned_data["department"],
                working_days=form.cleaned_data["working_days"],
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Approval requested."))
            return redirect("enterprise:project", project.pk)
    approvals = project.approvals.select_related("department", "session", "decided_by")
    decidable = set(
        selectors.approvals_decidable_by(user=user)
        .filter(project=project)
        .values_list("pk", flat=True)
    )
    context = {
        "project": project,
        "approvals": approvals,
        "decidable": decidable,
        "form": form,
        "decision_form": DecisionForm(),
        "now": timezone.now(),
    }
    return render(request, "enterprise/project.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def approval_decide(request: HttpRequest, approval_id: int) -> HttpResponse:
    user = staff(request)
    form = DecisionForm(request.POST)
    approval = Approval.objects.visible_to(user).filter(pk=approval_id).first()
    if approval is None:
        raise Http404
    if form.is_valid():
        try:
            projects.approval_decide(
                actor=user,
                approval_id=approval_id,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except NotFound:
            raise Http404 from None
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Decision recorded."))
    else:
        messages.error(request, _("Choose a decision."))
    return redirect("enterprise:project", approval.project_id)


@login_required
@require_GET
def approvals_overdue(request: HttpRequest) -> HttpResponse:
    rows = selectors.approvals_overdue(user=staff(request), now=timezone.now())
    return render(request, "enterprise/overdue.html", {"rows": rows, "form": SuperviseForm()})


@login_required
@require_POST
def approval_supervise(request: HttpRequest, approval_id: int) -> HttpResponse:
    form = SuperviseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the supervision order."))
        return redirect("enterprise:overdue")
    try:
        projects.approval_supervise(
            actor=staff(request), approval_id=approval_id, note=form.cleaned_data["note"]
        )
    except NotFound:
        raise Http404 from None
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Supervision order issued."))
    return redirect("enterprise:overdue")


@login_required
@require_http_methods(["GET", "POST"])
def approval_session(request: HttpRequest) -> HttpResponse:
    """A joint session: tick the approvals decided at the sitting, each with its decision."""
    user = staff(request)
    pending = list(selectors.approvals_decidable_by(user=user)[:200])
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decisions = [
            projects.SessionDecision(
                approval_id=a.pk,
                decision=request.POST.get(f"decision-{a.pk}", ""),
                note=request.POST.get(f"note-{a.pk}", ""),
            )
            for a in pending
            if request.POST.get(f"pick-{a.pk}")
        ]
        try:
            session = projects.approval_session_hold(
                actor=user,
                place=form.cleaned_data["place"],
                note=form.cleaned_data["note"],
                decisions=decisions,
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Joint session recorded: %(count)d approvals decided.")
                % {"count": session.approvals.count()},
            )
            return redirect("enterprise:session")
    context = {"form": form, "pending": pending, "decision_form": DecisionForm()}
    return render(request, "enterprise/session.html", context, status=400 if form.errors else 200)

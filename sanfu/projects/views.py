"""The project pages of the workbench. Parse, call one service or selector, render.

Every staff read goes through `Project.objects.visible_to(user)`; an outsider gets 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanfu.cases.models import Case
from sanfu.cases.services import Upload
from sanfu.directory.models import Unit, User
from sanfu.lib.errors import ApplicationError, NotFound
from sanfu.projects import figures, selectors, services
from sanfu.projects import forms as f
from sanfu.projects.exports import projects_workbook
from sanfu.projects.models import Commitment, Kind, Project, State
from sanfu.projects.policies import may_decide, may_work

PAGE_SIZE = 50
# An action's bound form, and what to do when it is valid.
Acted = tuple[forms.Form, Callable[[], object] | None]


def _staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required has run; narrows for mypy
    return user


def _on_form(form: forms.Form, error: ApplicationError) -> None:
    """The service's refusal on the field it names, or on the whole form."""
    name = error.field or ""
    form.add_error(name if name in form.fields else None, error.message)


def _project(request: HttpRequest, project_id: int) -> Project:
    try:
        return selectors.project_get_for_user(user=_staff(request), project_id=project_id)
    except NotFound as error:
        raise Http404 from error


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = f.FilterForm(request.GET or None, towns=selectors.towns_for(user))
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"town": data["town"], "kind": data["kind"], "state": data["state"]}
        filters["query"] = data["q"]
    projects = selectors.project_list(user=user, **filters)
    if request.GET.get("format") == "xlsx":
        return projects_workbook(projects, filename="projects")
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/list.html",
        {"form": form, "page": page, "query": query.urlencode(), "kinds": Kind},
    )


def _form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    title: str,
    perform: Callable[[], Project],
    multipart: bool = False,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            project = perform()
        except ApplicationError as error:
            _on_form(form, error)
        else:
            return redirect("projects:project", project.pk)
    return render(
        request,
        "projects/form.html",
        {"form": form, "title": title, "multipart": multipart},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_pose(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = f.PoseForm(request.POST or None, user=user)

    def perform() -> Project:
        data = form.cleaned_data
        return services.project_pose(
            actor=user,
            posing=data["posing"],
            deciding=data["deciding"],
            kind=data["kind"],
            title=data["title"],
            evidence=data["evidence"],
            target_text=data["target_text"],
        )

    return _form_page(request, form, title=_("Pose a problem (出题)"), perform=perform)


@login_required
@require_http_methods(["GET", "POST"])
def project_set(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = f.SetForm(request.POST or None, user=user)

    def perform() -> Project:
        data = form.cleaned_data
        return services.project_set(
            actor=user,
            title=data["title"],
            kind=data["kind"],
            origin=data["origin"],
            origin_note=data["origin_note"],
            target_text=data["target_text"],
            places=list(data["places"]),
            answering_unit=data["answering_unit"],
            envoy=data["envoy"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        )

    return _form_page(request, form, title=_("Set a problem (点题)"), perform=perform)


@login_required
@require_http_methods(["GET", "POST"])
def incident_open(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = f.IncidentForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.incident_open(
                actor=user,
                title=data["title"],
                incident_kind=data["incident_kind"],
                towns=list(data["towns"]),
                targets=data["targets"],
                warning=data["warning"],
            )
        except ApplicationError as error:
            _on_form(form, error)
        else:
            return redirect("projects:board", project.pk)
    return render(
        request,
        "projects/form.html",
        {"form": form, "title": _("Open an incident (应急)")},
        status=400 if form.errors else 200,
    )


def _forms(user: User, project: Project, page: selectors.Page) -> dict[str, forms.Form]:
    return {
        "accept": f.AcceptForm(user=user),
        "report": f.ReportForm(targets=page.targets),
        "target": f.TargetForm(),
        "goal": f.GoalForm(),
        "milestone": f.MilestoneForm(),
        "case_link": f.CaseLinkForm(),
        "finish": f.FinishForm(),
        "drop": f.DropForm(),
        "commitment": f.CommitmentForm(),
    }


def _project_page(
    request: HttpRequest, project: Project, *, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    user = _staff(request)
    page = selectors.project_page(project=project)
    page_forms = _forms(user, project, page)
    page_forms.update(bound or {})
    context = {
        "page": page,
        "project": project,
        "forms": page_forms,
        "may_decide": may_decide(user, project),
        "may_work": may_work(user, project),
        "commitments": list(project.commitments.select_related("signing_unit", "enterprise")),
        "open_state": project.state in {State.PROPOSED, State.ACCEPTED, State.IN_PROGRESS},
    }
    return render(request, "projects/project.html", context, status=400 if bound else 200)


@login_required
@require_GET
def project_page(request: HttpRequest, project_id: int) -> HttpResponse:
    return _project_page(request, _project(request, project_id))


def _act_accept(user: User, project: Project, request: HttpRequest) -> Acted:
    form = f.AcceptForm(request.POST, user=user)
    if not form.is_valid():
        return form, None

    def perform() -> None:
        d = form.cleaned_data
        services.project_accept(
            actor=user,
            project_id=project.pk,
            answering_unit=d["answering_unit"],
            envoy=d["envoy"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
        )

    return form, perform


def _act_report(user: User, project: Project, request: HttpRequest) -> Acted:
    form = f.ReportForm(request.POST, request.FILES, targets=list(project.targets.all()))
    if not form.is_valid():
        return form, None

    def perform() -> None:
        photos = [
            Upload(name=upload.name or "photo", content=upload.read())
            for upload in request.FILES.getlist("photos")
        ]
        services.progress_report(
            actor=user,
            project_id=project.pk,
            text=form.cleaned_data["text"],
            photos=photos,
            quantities=form.quantities(),
        )

    return form, perform


def _act_target(user: User, project: Project, request: HttpRequest) -> Acted:
    form = f.TargetForm(request.POST)
    if not form.is_valid():
        return form, None

    def perform() -> None:
        services.target_add(actor=user, project_id=project.pk, **form.cleaned_data)

    return form, perform


def _act_goal(user: User, project: Project, request: HttpRequest) -> Acted:
    form = f.GoalForm(request.POST)
    if not form.is_valid():
        return form, None

    def perform() -> None:
        d = form.cleaned_data
        if not project.targets.filter(pk=d["target"]).exists():
            raise NotFound(_("No such target."), field="target")
        services.target_goal_raise(
            actor=user, target_id=d["target"], goal=d["goal"], reason=d["reason"]
        )

    return form, perform


def _act_milestone(user: User, project: Project, request: HttpRequest) -> Acted:
    form = f.MilestoneForm(request.POST)
    if not form.is_valid():
        return form, None

    def perform() -> None:
        services.milestone_add(actor=user, project_id=project.pk, **form.cleaned_data)

    return form, perform


def _act_milestone_done(user: User, project: Project, request: HttpRequest) -> Acted:
    form = forms.Form(request.POST)
    milestone = project.milestones.filter(pk=request.POST.get("milestone") or 0).first()
    if milestone is None:
        raise NotFound(_("No such milestone."), field="milestone")
    return form, partial(services.milestone_done, actor=user, milestone_id=milestone.pk)


def _act_case_link(user: User, project: Project, request: HttpRequest) -> Acted:
    form = f.CaseLinkForm(request.POST)
    if not form.is_valid():
        return form, None

    def perform() -> None:
        number = form.cleaned_data["case"].strip()
        case = Case.objects.visible_to(user).filter(number=number).first()
        if case is None:
            raise NotFound(_("No case %(number)s.") % {"number": number}, field="case")
        services.project_case_link(actor=user, project_id=project.pk, case_id=case.pk)

    return form, perform


def _act_case_answer(user: User, project: Project, request: HttpRequest) -> Acted:
    form = f.CaseAnswerForm(request.POST)
    if not form.is_valid():
        return form, None

    def perform() -> None:
        services.project_case_answer(
            actor=user,
            project_id=project.pk,
            case_id=form.cleaned_data["case"],
            text=form.cleaned_data["text"],
        )

    return form, perform


def _act_finish(user: User, project: Project, request: HttpRequest) -> Acted:
    form = f.FinishForm(request.POST)
    if not form.is_valid():
        return form, None

    def perform() -> None:
        services.project_finish(actor=user, project_id=project.pk, note=form.cleaned_data["note"])

    return form, perform


def _act_drop(user: User, project: Project, request: HttpRequest) -> Acted:
    form = f.DropForm(request.POST)
    if not form.is_valid():
        return form, None

    def perform() -> None:
        services.project_drop(actor=user, project_id=project.pk, reason=form.cleaned_data["reason"])

    return form, perform


def _act_commitment(user: User, project: Project, request: HttpRequest) -> Acted:
    form = f.CommitmentForm(request.POST)
    if not form.is_valid():
        return form, None

    def perform() -> None:
        services.commitment_sign(actor=user, project_id=project.pk, **form.cleaned_data)

    return form, perform


def _commitment_of(project: Project, pk: int) -> Commitment:
    commitment = project.commitments.filter(pk=pk).first()
    if commitment is None:
        raise NotFound(_("No such commitment."), field="commitment")
    return commitment


def _act_deliver(user: User, project: Project, request: HttpRequest) -> Acted:
    form = f.DeliverForm(request.POST)
    if not form.is_valid():
        return form, None

    def perform() -> None:
        d = form.cleaned_data
        commitment = _commitment_of(project, d["commitment"])
        services.commitment_deliver(
            actor=user,
            commitment_id=commitment.pk,
            note=d["note"],
            people_served=d["people_served"],
        )

    return form, perform


def _act_rate(user: User, project: Project, request: HttpRequest) -> Acted:
    form = f.RateForm(request.POST)
    if not form.is_valid():
        return form, None

    def perform() -> None:
        commitment = _commitment_of(project, form.cleaned_data["commitment"])
        services.commitment_rate(
            actor=user, commitment_id=commitment.pk, rating=form.cleaned_data["rating"]
        )

    return form, perform


ACTIONS: dict[str, Callable[[User, Project, HttpRequest], Acted]] = {
    "accept": _act_accept,
    "report": _act_report,
    "target": _act_target,
    "goal": _act_goal,
    "milestone": _act_milestone,
    "milestone_done": _act_milestone_done,
    "case_link": _act_case_link,
    "case_answer": _act_case_answer,
    "finish": _act_finish,
    "drop": _act_drop,
    "commitment": _act_commitment,
    "deliver": _act_deliver,
    "rate": _act_rate,
}


@login_required
@require_POST
def project_act(request: HttpRequest, project_id: int, action: str) -> HttpResponse:
    project = _project(request, project_id)
    act = ACTIONS.get(action)
    if act is None:
        raise Http404
    user = _staff(request)
    perform: Callable[[], object] | None = None
    try:
        form, perform = act(user, project, request)
        if perform is not None:
            perform()
    except NotFound as error:
        raise Http404 from error
    except ApplicationError as error:
        if perform is None:
            raise
        _on_form(form, error)
        messages.error(request, error.message)
    if form.errors:
        return _project_page(request, project, bound={action: form})
    messages.success(request, _("Saved."))
    return redirect("projects:project", project.pk)


def _board_context(request: HttpRequest, project: Project) -> dict[str, Any]:
    board = selectors.board(project=project)
    return {
        "board": board,
        "project": project,
        "receipt": selectors.receipt_for(user=_staff(request), warning=board.warning),
    }


@login_required
@require_GET
def board(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    if project.kind != Kind.EMERGENCY:
        raise Http404
    return render(request, "projects/board.html", _board_context(request, project))


@login_required
@require_GET
def board_live(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    return render(request, "projects/_board.html", _board_context(request, project))


@login_required
@require_POST
def board_update(request: HttpRequest, project_id: int, target_id: int) -> HttpResponse:
    project = _project(request, project_id)
    user = _staff(request)
    try:
        delta = int(request.POST.get("delta", ""))
    except ValueError:
        delta = 0
    status = 200
    try:
        if not project.targets.filter(pk=target_id).exists():
            raise NotFound(_("No such target."))
        services.target_update(actor=user, target_id=target_id, delta=delta)
    except NotFound as error:
        raise Http404 from error
    except ApplicationError as error:
        messages.error(request, error.message)
        status = 400
    if request.headers.get("HX-Request"):
        context = _board_context(request, project)
        return render(request, "projects/_board.html", context, status=status)
    return redirect("projects:board", project.pk)


@login_required
@require_POST
def acknowledge(request: HttpRequest, project_id: int) -> HttpResponse:
    try:
        services.project_warning_acknowledge(actor=_staff(request), project_id=project_id)
    except NotFound as error:
        raise Http404 from error
    messages.success(request, _("Acknowledged (收到)."))
    return redirect("projects:board", project_id)


@login_required
@require_GET
def community(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A community's co-building: every signing unit's commitments, delivery and rating."""
    user = _staff(request)
    unit = Unit.objects.visible_to(user).filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    projects = selectors.project_list(user=user, kind=Kind.CO_BUILDING).filter(
        place_links__unit=unit
    )
    commitments = (
        Commitment.objects.filter(project__in=projects)
        .select_related("project", "signing_unit", "enterprise")
        .order_by("project_id", "due_on")
    )
    return render(
        request,
        "projects/community.html",
        {"unit": unit, "commitments": commitments, "figures": figures.cobuilding_of(commitments)},
    )


@login_required
@require_GET
def figures_page(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    return render(request, "projects/figures.html", {"figures": figures.figures_for(user=user)})

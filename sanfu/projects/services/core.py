"""A project's life: posed (出题) or set (点题), accepted and assigned (答题), finished or dropped.

Every state change checks the project's current state under its row lock, appends to the
timeline and notifies after commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.cases.models import Case
from sanfu.cases.services.intake import county_of
from sanfu.directory.models import Membership, Unit, UnitKind, User
from sanfu.lib.errors import NotFound, ValidationFailed
from sanfu.notify.services import notify_staff, render_message
from sanfu.projects import events
from sanfu.projects.models import (
    REASON_MAX,
    TEXT_MAX,
    TITLE_MAX,
    EventKind,
    Kind,
    MemberRole,
    Origin,
    Project,
    ProjectCase,
    ProjectMember,
    ProjectPlace,
    State,
)
from sanfu.projects.policies import deciding_unit, leader_unit, posing_unit

POSING_KINDS = frozenset(
    {UnitKind.VILLAGE, UnitKind.COMMUNITY, UnitKind.TOWN, UnitKind.STREET, UnitKind.GRID}
)
SETTING_ORIGINS = frozenset({Origin.LEADER, Origin.HOT_SPOT, Origin.CASES})


def now() -> datetime:
    return timezone.now()


def clean_text(value: str, *, field: str, label: str, limit: int, required: bool = True) -> str:
    cleaned = value.strip()
    if required and not cleaned:
        raise ValidationFailed(_("%(label)s is required.") % {"label": label}, field=field)
    if len(cleaned) > limit:
        raise ValidationFailed(
            _("%(label)s is too long: at most %(limit)d characters.")
            % {"label": label, "limit": limit},
            field=field,
        )
    return cleaned


def lock_project(*, actor: User, project_id: int) -> Project:
    """The project, locked for this transaction, if `actor` may see it."""
    project = (
        Project.objects.select_for_update(of=("self",))
        .visible_to(actor)
        .select_related("owning_unit", "answering_unit")
        .filter(pk=project_id)
        .first()
    )
    if project is None:
        raise NotFound(_("No such project."))
    return project


def require_state(project: Project, states: frozenset[str] | set[str], *, action: str) -> None:
    if project.state not in states:
        raise ValidationFailed(
            _("A project that is %(state)s cannot be %(action)s.")
            % {"state": project.get_state_display(), "action": action},
            field="state",
        )


def _check_dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationFailed(_("The planned end is before the start."), field="ends_on")


def _places(project: Project, places: Sequence[Unit]) -> None:
    ProjectPlace.objects.bulk_create(
        [ProjectPlace(project=project, unit=unit) for unit in dict.fromkeys(places)]
    )


def _link_cases(project: Project, case_ids: Sequence[int], actor: User, at: datetime) -> None:
    for case_id in case_ids:
        link_case(project=project, case_id=case_id, actor=actor, at=at)


def link_case(*, project: Project, case_id: int, actor: User, at: datetime) -> ProjectCase:
    case = Case.objects.visible_to(actor).filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("No such case."), field="case")
    if ProjectCase.objects.filter(case=case).exists():
        raise ValidationFailed(
            _("Case %(number)s already belongs to a project.") % {"number": case.number},
            field="case",
        )
    link = ProjectCase.objects.create(project=project, case=case, linked_at=at, linked_by=actor)
    events.append(
        project=project,
        kind=EventKind.CASE_LINKED,
        at=at,
        from_state=project.state,
        actor=actor,
        note=case.title,
        data={"case": case.pk, "number": case.number},
    )
    return link


@transaction.atomic
def project_pose(
    *,
    actor: User,
    posing: Unit,
    deciding: Unit,
    title: str,
    evidence: str,
    target_text: str = "",
    kind: str = Kind.PROBLEM,
    case_ids: Sequence[int] = (),
) -> Project:
    """出题: a village, community or town poses a problem to the town or county above it."""
    unit = posing_unit(actor, posing)
    if posing.kind not in POSING_KINDS:
        raise ValidationFailed(_("Problems are posed by villages and towns."), field="posing")
    if deciding.pk == posing.pk or not posing.path.startswith(deciding.path):
        raise ValidationFailed(_("Pose the problem to a unit above yours."), field="deciding")
    if kind not in {Kind.PROBLEM, Kind.TASK_FORCE, Kind.CO_BUILDING}:
        raise ValidationFailed(_("Choose the kind of project."), field="kind")
    at = now()
    project = Project.objects.create(
        county=county_of(posing),
        kind=kind,
        title=clean_text(title, field="title", label=_("Title"), limit=TITLE_MAX),
        evidence=clean_text(evidence, field="evidence", label=_("Evidence"), limit=TEXT_MAX),
        target_text=clean_text(
            target_text, field="target_text", label=_("Target"), limit=TEXT_MAX, required=False
        ),
        origin=Origin.CASES if case_ids else Origin.GRASSROOTS,
        posed_by=actor,
        posed_by_unit=unit,
        posed_at=at,
        owning_unit=deciding,
    )
    _places(project, [posing])
    events.append(
        project=project, kind=EventKind.POSED, at=at, from_state="", actor=actor, unit=unit
    )
    _link_cases(project, case_ids, actor, at)
    deciders = Membership.objects.filter(unit=deciding, role__in=["leader", "dispatcher"])
    notify_staff(
        list(User.objects.filter(pk__in=deciders.values("user_id"), is_active=True)),
        render_message("projects_posed", {"project": project}, link=project_link(project)),
    )
    return project


def project_link(project: Project) -> str:
    from django.urls import reverse

    return reverse("projects:project", args=[project.pk])


def _add_member(project: Project, user: User, role: str, at: datetime) -> ProjectMember:
    membership = Membership.objects.filter(user=user, user__is_active=True).select_related("unit")
    first = membership.order_by("unit__path").first()
    if first is None:
        raise ValidationFailed(
            _("%(name)s holds no role anywhere.") % {"name": user}, field="envoy"
        )
    member, _created = ProjectMember.objects.update_or_create(
        project=project, user=user, defaults={"unit": first.unit, "role": role, "added_at": at}
    )
    return member


@transaction.atomic
def project_set(
    *,
    actor: User,
    title: str,
    kind: str,
    target_text: str,
    answering_unit: Unit,
    envoy: User,
    places: Sequence[Unit],
    origin: str = Origin.LEADER,
    origin_note: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    case_ids: Sequence[int] = (),
) -> Project:
    """点题: a leader sets a problem and assigns it at once; it starts accepted."""
    unit = leader_unit(actor)
    if kind not in {Kind.PROBLEM, Kind.TASK_FORCE, Kind.CO_BUILDING}:
        raise ValidationFailed(_("Choose the kind of project."), field="kind")
    if origin not in SETTING_ORIGINS:
        raise ValidationFailed(_("Say how the problem arose."), field="origin")
    if not places:
        raise ValidationFailed(_("Choose at least one place."), field="places")
    _check_dates(starts_on, ends_on)
    at = now()
    project = Project.objects.create(
        county=county_of(unit),
        kind=kind,
        title=clean_text(title, field="title", label=_("Title"), limit=TITLE_MAX),
        target_text=clean_text(target_text, field="target_text", label=_("Target"), limit=TEXT_MAX),
        origin=origin,
        origin_note=clean_text(
            origin_note, field="origin_note", label=_("Origin"), limit=200, required=False
        ),
        posed_by=actor,
        posed_by_unit=unit,
        posed_at=at,
        owning_unit=unit,
        answering_unit=answering_unit,
        lead_leader=actor,
        state=State.ACCEPTED,
        accepted_by=actor,
        accepted_at=at,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    _places(project, places)
    _add_member(project, envoy, MemberRole.ENVOY, at)
    events.append(
        project=project,
        kind=EventKind.SET,
        at=at,
        from_state="",
        actor=actor,
        unit=unit,
        data={"answering_unit": answering_unit.name, "envoy": str(envoy)},
    )
    _link_cases(project, case_ids, actor, at)
    _notify_assigned(project, envoy)
    return project


def _notify_assigned(project: Project, envoy: User) -> None:
    notify_staff(
        [envoy],
        render_message("projects_assigned", {"project": project}, link=project_link(project)),
    )


@transaction.atomic
def project_accept(
    *,
    actor: User,
    project_id: int,
    answering_unit: Unit,
    envoy: User,
    starts_on: date | None = None,
    ends_on: date | None = None,
    lead: bool = True,
) -> Project:
    """答题: a leader accepts a posed problem and assigns a department with an envoy."""
    project = lock_project(actor=actor, project_id=project_id)
    require_state(project, {State.PROPOSED}, action=_("accepted"))
    unit = deciding_unit(actor, project.owning_unit)
    if answering_unit.kind != UnitKind.DEPARTMENT:
        raise ValidationFailed(_("Choose a department to answer."), field="answering_unit")
    if not Membership.objects.filter(user=envoy, unit=answering_unit).exists():
        raise ValidationFailed(
            _("The envoy must be staff of %(unit)s.") % {"unit": answering_unit.name},
            field="envoy",
        )
    _check_dates(starts_on, ends_on)
    at = now()
    before = project.state
    project.state = State.ACCEPTED
    project.answering_unit = answering_unit
    project.accepted_by, project.accepted_at = actor, at
    project.starts_on, project.ends_on = starts_on, ends_on
    if lead:
        project.lead_leader = actor
    project.save(
        update_fields=[
            "state",
            "answering_unit",
            "accepted_by",
            "accepted_at",
            "starts_on",
            "ends_on",
            "lead_leader",
        ]
    )
    _add_member(project, envoy, MemberRole.ENVOY, at)
    events.append(
        project=project,
        kind=EventKind.ACCEPTED,
        at=at,
        from_state=before,
        actor=actor,
        unit=unit,
        data={"answering_unit": answering_unit.name, "envoy": str(envoy)},
    )
    _notify_assigned(project, envoy)
    return project


@transaction.atomic
def project_member_add(*, actor: User, project_id: int, user: User, role: str) -> ProjectMember:
    project = lock_project(actor=actor, project_id=project_id)
    unit = deciding_unit(actor, project.owning_unit)
    if role not in {MemberRole.ENVOY, MemberRole.MEMBER}:
        raise ValidationFailed(_("Choose envoy or member."), field="role")
    at = now()
    member = _add_member(project, user, role, at)
    events.append(
        project=project,
        kind=EventKind.MEMBER_ADDED,
        at=at,
        from_state=project.state,
        actor=actor,
        unit=unit,
        data={"user": str(user), "role": role},
    )
    return member


def start_if_accepted(project: Project, *, actor: User, unit: Unit, at: datetime) -> None:
    """The first piece of work moves an accepted project into progress, exactly once."""
    moved = Project.objects.filter(pk=project.pk, state=State.ACCEPTED).update(
        state=State.IN_PROGRESS, started_at=at
    )
    if moved:
        project.state, project.started_at = State.IN_PROGRESS, at
        events.append(
            project=project,
            kind=EventKind.STARTED,
            at=at,
            from_state=State.ACCEPTED,
            actor=actor,
            unit=unit,
        )


@transaction.atomic
def project_finish(*, actor: User, project_id: int, note: str = "") -> Project:
    """Finished. With milestones still open, the leader must say why (`note`)."""
    project = lock_project(actor=actor, project_id=project_id)
    require_state(project, {State.ACCEPTED, State.IN_PROGRESS}, action=_("finished"))
    unit = deciding_unit(actor, project.owning_unit)
    note = clean_text(note, field="note", label=_("Note"), limit=REASON_MAX, required=False)
    open_milestones = project.milestones.filter(done_at__isnull=True).count()
    if open_milestones and not note:
        raise ValidationFailed(
            _("%(count)d milestones are still open: say why the project finishes anyway.")
            % {"count": open_milestones},
            field="note",
        )
    at = now()
    before = project.state
    project.state = State.FINISHED
    project.finished_at = at
    project.finish_note = note
    project.finished_on_time = project.ends_on is None or timezone.localdate(at) <= project.ends_on
    project.save(update_fields=["state", "finished_at", "finish_note", "finished_on_time"])
    events.append(
        project=project,
        kind=EventKind.FINISHED,
        at=at,
        from_state=before,
        actor=actor,
        unit=unit,
        note=note,
        data={"open_milestones": open_milestones},
    )
    return project


@transaction.atomic
def project_drop(*, actor: User, project_id: int, reason: str) -> Project:
    project = lock_project(actor=actor, project_id=project_id)
    require_state(project, {State.PROPOSED, State.ACCEPTED, State.IN_PROGRESS}, action=_("dropped"))
    unit = deciding_unit(actor, project.owning_unit)
    reason = clean_text(reason, field="reason", label=_("Reason"), limit=REASON_MAX)
    at = now()
    before = project.state
    project.state = State.DROPPED
    project.dropped_at, project.drop_reason = at, reason
    project.save(update_fields=["state", "dropped_at", "drop_reason"])
    events.append(
        project=project,
        kind=EventKind.DROPPED,
        at=at,
        from_state=before,
        actor=actor,
        unit=unit,
        note=reason,
    )
    return project

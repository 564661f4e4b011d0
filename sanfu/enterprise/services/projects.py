"""Investment projects and their approvals: deadlines in working days, joint sessions,
supervision of late approvals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.cases.calendar import add_working_days, load_calendar
from sanfu.cases.policies import Capability, may
from sanfu.directory.models import Enterprise, Unit, UnitKind, User
from sanfu.directory.querysets import scope_filter
from sanfu.enterprise.models import (
    Approval,
    ApprovalKind,
    ApprovalSession,
    ApprovalState,
    Project,
    ProjectKind,
    ProjectStage,
)
from sanfu.lib.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

NOTE_MAX = 500
MAX_WORKING_DAYS = 120


def _note(text: str, *, field: str = "note", required: bool = False) -> str:
    text = text.strip()
    if required and not text:
        raise ValidationFailed(_("This field is required."), field=field)
    if len(text) > NOTE_MAX:
        raise ValidationFailed(
            _("At most %(limit)d characters.") % {"limit": NOTE_MAX}, field=field
        )
    return text


@transaction.atomic
def project_create(
    *,
    actor: User,
    enterprise_id: int,
    name: str,
    kind: str,
    investment: Decimal,
    at: datetime | None = None,
) -> Project:
    enterprise = Enterprise.objects.visible_to(actor).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise NotFound(_("No such enterprise."))
    if not name.strip():
        raise ValidationFailed(_("Name the project."), field="name")
    if kind not in ProjectKind.values:
        raise ValidationFailed(_("Unknown kind of project."), field="kind")
    if investment < 0:
        raise ValidationFailed(_("The investment cannot be negative."), field="investment")
    return Project.objects.create(
        enterprise=enterprise,
        name=name.strip()[:200],
        kind=kind,
        investment=investment,
        created_at=at or timezone.now(),
    )


@transaction.atomic
def approval_request(
    *,
    actor: User,
    project_id: int,
    kind: str,
    department: Unit,
    working_days: int,
    at: datetime | None = None,
) -> Approval:
    """Ask `department` for an approval due in `working_days` working days (the cases'
    calendar: the day of the request does not count)."""
    project = (
        Project.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .filter(pk=project_id)
        .first()
    )
    if project is None:
        raise NotFound(_("No such project."))
    if kind not in ApprovalKind.values:
        raise ValidationFailed(_("Unknown kind of approval."), field="kind")
    if department.kind != UnitKind.DEPARTMENT:
        raise ValidationFailed(_("Choose a department."), field="department")
    if not 1 <= working_days <= MAX_WORKING_DAYS:
        raise ValidationFailed(
            _("The time limit is 1 to %(max)d working days.") % {"max": MAX_WORKING_DAYS},
            field="working_days",
        )
    at = at or timezone.now()
    deadline = add_working_days(load_calendar(), at, working_days)
    approval = Approval.objects.create(
        project=project,
        kind=kind,
        department=department,
        requested_at=at,
        working_days=working_days,
        due_at=deadline.at,
        due_unconfirmed=deadline.unconfirmed,
    )
    if project.stage == ProjectStage.PLANNED:
        project.stage = ProjectStage.APPROVING
        project.save(update_fields=["stage"])
    return approval


def _decidable(actor: User, approval_ids: Sequence[int]) -> list[Approval]:
    """The pending approvals, locked, that `actor` decides for: staff of the department asked
    (or of a unit above it, such as the county convening a joint session)."""
    rows = list(
        scope_filter(Approval.objects.all(), actor, "department__path")
        .select_for_update(of=("self",))
        .filter(pk__in=list(approval_ids))
        .order_by("pk")
    )
    if len(rows) != len(set(approval_ids)):
        raise NotFound(_("No such approval."))
    for row in rows:
        if row.state != ApprovalState.PENDING:
            raise Conflict(_("This approval has been decided already."))
    return rows


def _decide(
    approval: Approval,
    *,
    actor: User,
    decision: str,
    note: str,
    at: datetime,
    session: ApprovalSession | None,
) -> None:
    if decision not in (ApprovalState.APPROVED, ApprovalState.REFUSED):
        raise ValidationFailed(_("Choose approve or refuse."), field="decision")
    if decision == ApprovalState.REFUSED and not note:
        raise ValidationFailed(_("Give the reason for refusing."), field="note")
    approval.state = decision
    approval.decided_at = at
    approval.decided_by = actor
    approval.decided_on_time = at <= approval.due_at
    approval.note = note
    approval.session = session
    approval.save(
        update_fields=["state", "decided_at", "decided_by", "decided_on_time", "note", "session"]
    )


def _advance(project_ids: set[int]) -> None:
    """A project whose approvals are all granted moves on to construction."""
    for project in Project.objects.filter(pk__in=project_ids, stage=ProjectStage.APPROVING):
        if not project.approvals.exclude(state=ApprovalState.APPROVED).exists():
            project.stage = ProjectStage.BUILDING
            project.save(update_fields=["stage"])


@transaction.atomic
def approval_decide(
    *, actor: User, approval_id: int, decision: str, note: str = "", at: datetime | None = None
) -> Approval:
    (approval,) = _decidable(actor, [approval_id])
    _decide(
        approval,
        actor=actor,
        decision=decision,
        note=_note(note),
        at=at or timezone.now(),
        session=None,
    )
    _advance({approval.project_id})
    return approval


@dataclass(frozen=True)
class SessionDecision:
    approval_id: int
    decision: str
    note: str = ""


@transaction.atomic
def approval_session_hold(
    *,
    actor: User,
    place: str,
    decisions: Sequence[SessionDecision],
    note: str = "",
    at: datetime | None = None,
) -> ApprovalSession:
    """A joint approval session (组团审批): several approvals decided at one sitting, all or
    none."""
    if not decisions:
        raise ValidationFailed(_("Choose the approvals to decide."), field="approvals")
    at = at or timezone.now()
    rows = {a.pk: a for a in _decidable(actor, [d.approval_id for d in decisions])}
    session = ApprovalSession.objects.create(
        held_at=at,
        place=_note(place, field="place")[:200],
        convened_by=actor,
        note=_note(note),
    )
    for item in decisions:
        _decide(
            rows[item.approval_id],
            actor=actor,
            decision=item.decision,
            note=_note(item.note),
            at=at,
            session=session,
        )
    _advance({row.project_id for row in rows.values()})
    return session


@transaction.atomic
def approval_supervise(
    *, actor: User, approval_id: int, note: str, at: datetime | None = None
) -> Approval:
    """A supervision order (督办) on an overdue approval: by supervisors and leaders at or
    above the department, as for cases."""
    approval = (
        Approval.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("department")
        .filter(pk=approval_id)
        .first()
    )
    if approval is None:
        raise NotFound(_("No such approval."))
    if not may(actor, Capability.SUPERVISE, approval.department, from_above=True):
        raise PermissionDenied(_("Only supervisors and leaders above the department may."))
    at = at or timezone.now()
    if approval.state != ApprovalState.PENDING or approval.due_at >= at:
        raise Conflict(_("Only a pending approval past its deadline is supervised."))
    if approval.supervised_at is not None:
        raise Conflict(_("This approval is under supervision already."))
    approval.supervised_at = at
    approval.supervised_by = actor
    approval.supervision_note = _note(note, required=True)
    approval.save(update_fields=["supervised_at", "supervised_by", "supervision_note"])
    return approval

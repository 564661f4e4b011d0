"""The handling unit's actions: sign for, return, escalate, ask for more time, reply."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from sanfu.cases import events
from sanfu.cases.calendar import load_calendar, working_days_between
from sanfu.cases.models import (
    HANDLING_STATES,
    REASON_MAX,
    TEXT_MAX,
    Case,
    CaseState,
    Clock,
    Decision,
    EventKind,
    Extension,
    ReplyKind,
    ReturnReason,
)
from sanfu.cases.notifications import notify_desk, notify_requester
from sanfu.cases.policies import ESCALATION_TARGET, Capability, acting_unit
from sanfu.cases.services.common import (
    lead_assignment,
    lead_of,
    lock_case,
    now,
    release,
    reply_record,
    require_state,
    require_text,
)
from sanfu.directory.models import Unit, User
from sanfu.lib.errors import Conflict, PermissionDenied, ValidationFailed


def _lead_acting(actor: User, case: Case) -> Unit:
    return acting_unit(actor, Capability.HANDLE, lead_of(case))


@transaction.atomic
def case_sign(*, actor: User, case_id: int) -> Case:
    """签收: the lead unit (or a co-handling unit, for its own part) takes the case on."""
    case = lock_case(actor=actor, case_id=case_id)
    require_state(case, HANDLING_STATES, action=_("signed for"))
    assignments = list(case.assignments.filter(active=True).select_related("unit"))
    mine = [a for a in assignments if _handles(actor, a.unit)]
    if not mine:
        raise PermissionDenied(_("Your unit is not working on this case."))
    assignment = next((a for a in mine if a.role == "lead"), mine[0])
    if assignment.signed_at is not None:
        raise Conflict(_("Your unit has already signed for this case."))
    at = now()
    assignment.signed_at = at
    assignment.save(update_fields=["signed_at"])
    before = case.state
    if assignment.role == "lead":
        case.state = CaseState.IN_PROGRESS
        case.signed_at = at
        case.signed_on_time = case.sign_deadline is None or at <= case.sign_deadline
        case.sign_clock = Clock.NONE
        case.save()
        kind = EventKind.SIGNED
    else:
        kind = EventKind.CO_SIGNED
    events.append(case=case, kind=kind, at=at, from_state=before, actor=actor, unit=assignment.unit)
    return case


def _handles(actor: User, unit: Unit) -> bool:
    try:
        acting_unit(actor, Capability.HANDLE, unit)
    except PermissionDenied:
        return False
    return True


@transaction.atomic
def case_co_opinion(*, actor: User, case_id: int, opinion: str) -> Case:
    """A co-handling unit's contribution for the lead unit's reply."""
    case = lock_case(actor=actor, case_id=case_id)
    require_state(case, HANDLING_STATES, action=_("given an opinion"))
    opinion = require_text(opinion, field="opinion", label=_("Opinion"), limit=TEXT_MAX)
    co = [
        a
        for a in case.assignments.filter(active=True, role="co").select_related("unit")
        if _handles(actor, a.unit)
    ]
    if not co:
        raise PermissionDenied(_("Your unit is not co-handling this case."))
    at = now()
    co[0].opinion = opinion
    co[0].save(update_fields=["opinion"])
    events.append(
        case=case,
        kind=EventKind.CO_OPINION,
        at=at,
        from_state=case.state,
        actor=actor,
        unit=co[0].unit,
        note=opinion,
    )
    return case


@transaction.atomic
def case_return(*, actor: User, case_id: int, reason: str, note: str) -> Case:
    """退单: the lead unit sends the case back to the desk, which decides again."""
    case = lock_case(actor=actor, case_id=case_id)
    require_state(case, HANDLING_STATES, action=_("returned"))
    unit = _lead_acting(actor, case)
    if reason not in ReturnReason.values:
        raise ValidationFailed(_("Choose one of the standard reasons."), field="reason")
    note = require_text(note, field="note", label=_("Explanation"), limit=REASON_MAX)
    at = now()
    before = case.state
    case.state = CaseState.NEW
    case.return_count += 1
    release(case)
    case.save()
    events.append(
        case=case,
        kind=EventKind.RETURNED,
        at=at,
        from_state=before,
        actor=actor,
        unit=unit,
        note=note,
        data={"reason": reason},
    )
    notify_desk(case, "returned")
    return case


def _escalation_desk(unit: Unit) -> Unit:
    targets = ESCALATION_TARGET.get(unit.kind, ())
    ancestors = Unit.objects.filter(pk__in=_ancestor_ids(unit), kind__in=targets)
    desk = ancestors.order_by("-path").first()
    if desk is None:
        raise ValidationFailed(_("There is no level above this unit."), field="case")
    return desk


def _ancestor_ids(unit: Unit) -> list[int]:
    from sanfu.lib.treepath import path_ids

    return path_ids(unit.path)[:-1]


@transaction.atomic
def case_escalate(*, actor: User, case_id: int, note: str) -> Case:
    """上报: this level cannot solve it; the level above decides (village → town → county).

    From the lead unit while it handles the case, or from the desk while the case waits there
    for a decision (a town passes on to the county what a village escalated to it). Either way
    the reply deadline stays: moving a case up does not buy time.
    """
    case = lock_case(actor=actor, case_id=case_id)
    require_state(case, {*HANDLING_STATES, CaseState.NEW}, action=_("escalated"))
    if case.state == CaseState.NEW:
        unit = acting_unit(actor, Capability.DISPATCH, case.desk_unit, from_above=True)
        below = case.desk_unit
    else:
        unit = below = _lead_acting(actor, case)
    note = require_text(
        note, field="note", label=_("Why it cannot be solved here"), limit=REASON_MAX
    )
    desk = _escalation_desk(below)
    at = now()
    before = case.state
    case.state = CaseState.NEW
    case.desk_unit = desk
    release(case)
    case.save()
    events.append(
        case=case,
        kind=EventKind.ESCALATED,
        at=at,
        from_state=before,
        actor=actor,
        unit=unit,
        note=note,
        data={"from": below.pk, "to": desk.pk},
    )
    notify_desk(case, "escalated")
    return case


@transaction.atomic
def case_extension_request(*, actor: User, case_id: int, days: int, reason: str) -> Extension:
    """延期: ask for more working days, before the deadline has passed."""
    case = lock_case(actor=actor, case_id=case_id)
    require_state(case, {CaseState.IN_PROGRESS}, action=_("extended"))
    unit = _lead_acting(actor, case)
    if not 1 <= days <= 60:
        raise ValidationFailed(_("Ask for 1 to 60 working days."), field="days")
    reason = require_text(reason, field="reason", label=_("Reason"), limit=REASON_MAX)
    at = now()
    if case.reply_deadline is None or at >= case.reply_deadline:
        raise ValidationFailed(
            _("The deadline has passed; an extension must be asked for before it."),
            field="days",
        )
    if case.extensions.filter(decision=Decision.PENDING).exists():
        raise Conflict(_("An extension request is already waiting for a decision."))
    extension = Extension.objects.create(
        case=case, unit=unit, requested_by=actor, requested_at=at, days=days, reason=reason
    )
    events.append(
        case=case,
        kind=EventKind.EXTENSION_REQUESTED,
        at=at,
        from_state=case.state,
        actor=actor,
        unit=unit,
        note=reason,
        data={"extension": extension.pk, "days": days},
    )
    notify_desk(case, "extension_requested")
    return extension


@transaction.atomic
def case_reply(*, actor: User, case_id: int, kind: str, text: str) -> Case:
    """答复: how it was solved, in words the requester reads."""
    case = lock_case(actor=actor, case_id=case_id)
    require_state(case, {CaseState.IN_PROGRESS}, action=_("replied to"))
    unit = _lead_acting(actor, case)
    if kind not in ReplyKind.values:
        raise ValidationFailed(_("Say how it was solved."), field="kind")
    text = require_text(text, field="text", label=_("Reply"), limit=TEXT_MAX)
    at = now()
    before = case.state
    case.state = CaseState.REPLIED
    case.reply_kind, case.reply_text, case.reply_unit = kind, text, unit
    case.replied_at = at
    case.replied_on_time = case.reply_deadline is None or at <= case.reply_deadline
    case.handling_working_days = working_days_between(load_calendar(), case.received_at, at)
    case.reply_clock = Clock.NONE
    case.save()
    lead_assignment(case)  # a replied case keeps its lead unit for reopening
    reply_record(case, unit=unit, at=at)
    events.append(
        case=case,
        kind=EventKind.REPLIED,
        at=at,
        from_state=before,
        actor=actor,
        unit=unit,
        note=text,
        data={"kind": kind},
    )
    notify_requester(case, "replied")
    pass_answer_on(case, list(case.merged_cases.filter(state=CaseState.MERGED)), at=at)
    return case


def pass_answer_on(master: Case, merged: Sequence[Case], *, at: datetime) -> None:
    """The merged duplicates receive the master's answer (they stay merged)."""
    for case in merged:
        case.reply_kind, case.reply_text = master.reply_kind, master.reply_text
        case.reply_unit_id, case.replied_at = master.reply_unit_id, at
        case.save(update_fields=["reply_kind", "reply_text", "reply_unit", "replied_at"])
        events.append(
            case=case,
            kind=EventKind.MASTER_REPLIED,
            at=at,
            from_state=case.state,
            note=master.reply_text,
            data={"master": master.pk},
        )
        notify_requester(case, "replied")

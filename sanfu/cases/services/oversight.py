"""Keeping cases moving: extension decisions, urging (催办) and supervision orders (督办)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from sanfu.cases import events
from sanfu.cases.calendar import add_working_days, load_calendar
from sanfu.cases.models import (
    HANDLING_STATES,
    REASON_MAX,
    Case,
    Decision,
    EventKind,
    Extension,
    SupervisionOrder,
)
from sanfu.cases.notifications import notify_units
from sanfu.cases.policies import Capability, acting_unit
from sanfu.cases.services.common import (
    lead_of,
    limit_text,
    lock_case,
    now,
    require_state,
    require_text,
    set_reply_deadline,
    stamp_assignment_clocks,
)
from sanfu.directory.models import Unit, User
from sanfu.lib.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


def _desk_or_overseer(actor: User, case: Case) -> Unit:
    """Extension decisions belong to the desk that dispatched, or to those who oversee."""
    try:
        return acting_unit(actor, Capability.DISPATCH, case.desk_unit, from_above=True)
    except PermissionDenied:
        return acting_unit(actor, Capability.SUPERVISE, lead_of(case), from_above=True)


@transaction.atomic
def case_extension_decide(
    *, actor: User, extension_id: int, approve: bool, note: str = ""
) -> Extension:
    extension = Extension.objects.filter(pk=extension_id).first()
    if extension is None:
        raise NotFound(_("No such extension request."))
    case = lock_case(actor=actor, case_id=extension.case_id)
    extension.refresh_from_db()
    if extension.decision != Decision.PENDING:
        raise Conflict(_("This extension request has already been decided."))
    require_state(case, HANDLING_STATES, action=_("extended"))
    unit = _desk_or_overseer(actor, case)
    note = limit_text(note, field="note", label=_("Note"), limit=REASON_MAX)
    if not approve and not note:
        raise ValidationFailed(_("Say why the extension is refused."), field="note")
    at = now()
    extension.decision = Decision.APPROVED if approve else Decision.REFUSED
    extension.decided_by, extension.decided_at, extension.decision_note = actor, at, note
    extension.save()
    data: dict[str, object] = {"extension": extension.pk, "days": extension.days}
    if approve:
        if case.reply_deadline is None:  # pragma: no cover - a handled case has a deadline
            raise Conflict(_("The case has no reply deadline."))
        moved = add_working_days(load_calendar(), case.reply_deadline, extension.days)
        data["from"] = case.reply_deadline.isoformat()
        set_reply_deadline(case, moved.at)
        stamp_assignment_clocks(case)
        case.deadline_unconfirmed = case.deadline_unconfirmed or moved.unconfirmed
        data["to"] = moved.at.isoformat()
        case.save()
    kind = EventKind.EXTENSION_APPROVED if approve else EventKind.EXTENSION_REFUSED
    events.append(
        case=case,
        kind=kind,
        at=at,
        from_state=case.state,
        actor=actor,
        unit=unit,
        note=note,
        data=data,
    )
    notify_units(case, "extension_decided", [extension.unit])
    return extension


@transaction.atomic
def case_urge(*, actor: User, case_id: int, note: str = "") -> Case:
    """催办: a reminder to the lead unit, counted on the case."""
    case = lock_case(actor=actor, case_id=case_id)
    require_state(case, HANDLING_STATES, action=_("urged"))
    lead = lead_of(case)
    unit = acting_unit(actor, Capability.OVERSEE, lead, from_above=True)
    note = limit_text(note, field="note", label=_("Note"), limit=REASON_MAX)
    at = now()
    case.urge_count += 1
    case.save(update_fields=["urge_count"])
    events.append(
        case=case,
        kind=EventKind.URGED,
        at=at,
        from_state=case.state,
        actor=actor,
        unit=unit,
        note=note,
    )
    notify_units(case, "urged", [lead])
    return case


@transaction.atomic
def case_supervise(*, actor: User, case_id: int, instruction: str, days: int) -> SupervisionOrder:
    """督办: an order to the lead unit, with its own deadline, seen by the unit's leaders."""
    case = lock_case(actor=actor, case_id=case_id)
    require_state(case, HANDLING_STATES, action=_("supervised"))
    lead = lead_of(case)
    unit = acting_unit(actor, Capability.SUPERVISE, lead, from_above=True)
    instruction = require_text(
        instruction, field="instruction", label=_("Instruction"), limit=REASON_MAX
    )
    if not 1 <= days <= 30:
        raise ValidationFailed(_("Give 1 to 30 working days."), field="days")
    at = now()
    deadline = add_working_days(load_calendar(), at, days)
    order = SupervisionOrder.objects.create(
        case=case,
        unit=lead,
        issued_by=actor,
        issued_at=at,
        deadline=deadline.at,
        instruction=instruction,
    )
    events.append(
        case=case,
        kind=EventKind.SUPERVISED,
        at=at,
        from_state=case.state,
        actor=actor,
        unit=unit,
        note=instruction,
        data={"order": order.pk, "deadline": deadline.at.isoformat()},
    )
    notify_units(case, "supervised", [lead])
    return order


@transaction.atomic
def supervision_answer(*, actor: User, order_id: int, answer: str) -> SupervisionOrder:
    order = SupervisionOrder.objects.select_for_update(of=("self",)).filter(pk=order_id).first()
    if order is None:
        raise NotFound(_("No such supervision order."))
    case = lock_case(actor=actor, case_id=order.case_id)
    unit = acting_unit(actor, Capability.HANDLE, order.unit)
    if order.answered_at is not None:
        raise Conflict(_("This supervision order has already been answered."))
    answer = require_text(answer, field="answer", label=_("Answer"), limit=REASON_MAX)
    at = now()
    order.answer, order.answered_at = answer, at
    order.save(update_fields=["answer", "answered_at"])
    events.append(
        case=case,
        kind=EventKind.SUPERVISION_ANSWERED,
        at=at,
        from_state=case.state,
        actor=actor,
        unit=unit,
        note=answer,
        data={"order": order.pk},
    )
    return order

"""Cases and their parts as the staff API shows them.

Personal data is masked everywhere here: the requester's name, phone and ID number, and the
door number in the address. The units handling a case read it unmasked through one endpoint
(`GET /cases/{id}/requester`), which records every read.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from sanfu.cases.models import Case, CaseEvent, CaseState, Category, Extension, SupervisionOrder
from sanfu.cases.selectors import actions_for_user, case_timeline
from sanfu.directory.models import Unit, User
from sanfu.lib.anonymise import anonymise
from sanfu.lib.masking import mask_name, mask_phone


def unit_ref(unit: Unit | None) -> dict[str, Any] | None:
    if unit is None:
        return None
    return {"id": unit.pk, "code": unit.code, "name": unit.name, "kind": unit.kind}


def category_ref(category: Category | None) -> dict[str, Any] | None:
    if category is None:
        return None
    return {
        "id": category.pk,
        "code": category.code,
        "name": category.name,
        "level": category.level,
    }


SUMMARY_RELATED = ("category", "location_unit", "desk_unit", "lead_unit")


def case_summary(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "number": case.number,
        "title": case.title,
        "state": case.state,
        "state_label": str(CaseState(case.state).label),
        "channel": case.channel,
        "priority": case.priority,
        "category": category_ref(case.category),
        "location_unit": unit_ref(case.location_unit),
        "desk_unit": unit_ref(case.desk_unit),
        "lead_unit": unit_ref(case.lead_unit),
        "received_at": case.received_at,
        "sign_deadline": case.sign_deadline,
        "reply_deadline": case.reply_deadline,
        "sign_clock": case.sign_clock,
        "reply_clock": case.reply_clock,
        "deadline_unconfirmed": case.deadline_unconfirmed,
        "confidential": case.confidential,
    }


def extension_out(extension: Extension) -> dict[str, Any]:
    return {
        "id": extension.pk,
        "case_id": extension.case_id,
        "case_number": extension.case.number,
        "unit": unit_ref(extension.unit),
        "days": extension.days,
        "reason": extension.reason,
        "requested_at": extension.requested_at,
        "decision": extension.decision,
        "decided_at": extension.decided_at,
        "decision_note": extension.decision_note,
    }


def order_out(order: SupervisionOrder) -> dict[str, Any]:
    return {
        "id": order.pk,
        "case_id": order.case_id,
        "case_number": order.case.number,
        "unit": unit_ref(order.unit),
        "issued_at": order.issued_at,
        "deadline": order.deadline,
        "instruction": order.instruction,
        "answered_at": order.answered_at,
        "answer": order.answer,
        "overdue": order.overdue,
    }


def event_out(event: CaseEvent) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "label": event.label,
        "at": event.at,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "actor": str(event.actor) if event.actor is not None else None,
        "actor_unit": unit_ref(event.actor_unit),
        "note": event.note,
    }


def case_detail(*, user: User, case: Case) -> dict[str, Any]:
    names = [case.requester_name] if case.requester_name else []
    detail = case_summary(case)
    detail.update(
        text=case.text,
        address=anonymise(case.address, names=names),
        requester={
            "kind": case.requester_kind,
            "name": mask_name(case.requester_name),
            "phone": mask_phone(case.requester_phone),
            "has_id_number": bool(case.requester_id_number),
        },
        reply_kind=case.reply_kind,
        reply_text=case.reply_text,
        replied_at=case.replied_at,
        rating=case.rating,
        rating_comment=case.rating_comment,
        closed_at=case.closed_at,
        rejection_reason=case.rejection_reason,
        master_number=case.master.number if case.master is not None else None,
        published_at=case.published_at,
        reopen_count=case.reopen_count,
        return_count=case.return_count,
        urge_count=case.urge_count,
        assignments=[
            {
                "unit": unit_ref(a.unit),
                "role": a.role,
                "active": a.active,
                "assigned_at": a.assigned_at,
                "signed_at": a.signed_at,
                "opinion": a.opinion,
            }
            for a in case.assignments.select_related("unit").order_by("assigned_at", "id")
        ],
        extensions=[
            extension_out(e) for e in case.extensions.select_related("case", "unit").order_by("id")
        ],
        supervision_orders=[
            order_out(o)
            for o in case.supervision_orders.select_related("case", "unit").order_by("id")
        ],
        timeline=[event_out(event) for event in case_timeline(case=case)],
        actions=actions_for_user(user=user, case=case),
    )
    return detail


def requester_out(case: Case) -> dict[str, Any]:
    try:
        email = case.open311.email
    except ObjectDoesNotExist:
        email = ""
    return {
        "kind": case.requester_kind,
        "name": case.requester_name,
        "phone": case.requester_phone,
        "id_number": case.requester_id_number,
        "address": case.address,
        "email": email,
        "enterprise": case.enterprise.name if case.enterprise is not None else None,
        "requester_unit": unit_ref(case.requester_unit),
    }

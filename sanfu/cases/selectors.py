"""Reads of cases for staff and requesters. Lists start from `Case.objects.visible_to(user)`."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from sanfu.cases.models import (
    HANDLING_STATES,
    Assignment,
    AssignmentRole,
    Case,
    CaseEvent,
    CaseState,
    Clock,
    Decision,
    Extension,
    SupervisionOrder,
)
from sanfu.cases.policies import Capability, may, may_escalate_from_desk, may_take_on
from sanfu.directory.models import Membership, StaffRole, User
from sanfu.directory.querysets import AnyUser
from sanfu.lib.errors import NotFound
from sanfu.lib.phones import phone_is_mobile

# Ten base-32 characters (50 bits) beside the case number: enough that a link cannot be
# guessed, short enough to read out on the hotline and to fit in a text message.
SHORT_CODE_LENGTH = 10


def case_get_for_user(*, user: AnyUser, case_id: int) -> Case:
    case = Case.objects.visible_to(user).filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("No such case."))
    return case


def case_get_by_token(*, number: str, token: str) -> Case:
    """What a requester reaches with their case number and tracking code."""
    case = Case.objects.filter(number=number.strip(), tracking_token=token.strip()).first()
    if case is None or not token.strip():
        raise NotFound(_("No case with this number and tracking code."))
    return case


def case_short_code(case: Case) -> str:
    """The code of the requester's short link, derived from the tracking token.

    A one-way digest, so the short link shown in a text message reveals nothing of the token,
    and it needs no column: a case has it as soon as it has its token.
    """
    digest = hashlib.sha256(f"sanfu-short-link\n{case.tracking_token}".encode()).digest()
    return base64.b32encode(digest).decode().lower()[:SHORT_CODE_LENGTH]


def case_get_by_short_code(*, number: str, code: str) -> Case:
    """What a requester reaches with the case number and the short link's code."""
    case = Case.objects.filter(number=number.strip()).first()
    if case is None or not hmac.compare_digest(case_short_code(case), code.strip().lower()):
        raise NotFound(_("No case with this number and tracking code."))
    return case


def case_get_by_phone(*, number: str, phone: str) -> Case | None:
    """The case with this number if `phone` (normal form, a mobile) is the requester's."""
    if not phone_is_mobile(phone):
        return None
    return Case.objects.filter(number=number.strip(), requester_phone=phone).first()


def case_timeline(*, case: Case) -> list[CaseEvent]:
    return list(case.events.select_related("actor", "actor_unit").order_by("at", "id"))


def timeline_replays(case: Case) -> bool:
    """The events, applied in order, lead from nothing to the case's current state."""
    state = ""
    for event in case.events.order_by("at", "id"):
        if event.from_state != state:
            return False
        state = event.to_state
    return state == case.state


@dataclass(frozen=True)
class Queues:
    to_sign: QuerySet[Case]
    in_progress: QuerySet[Case]
    due_soon: QuerySet[Case]
    overdue: QuerySet[Case]
    to_dispatch: QuerySet[Case]
    extensions_to_decide: QuerySet[Extension]
    supervision_orders: QuerySet[SupervisionOrder]
    # Everything being handled by the person's units (in progress, due soon and overdue are
    # parts of it), to count those three in one pass.
    handling: QuerySet[Case]


def _my_units(user: User) -> list[int]:
    # Active units only, as in `visible_to`: then every case below is visible to this person
    # (a unit's own cases lie in its own subtree), and no scope filter needs to be repeated.
    return list(
        Membership.objects.filter(user=user, unit__is_active=True)
        .values_list("unit_id", flat=True)
        .distinct()
    )


def _co_handled(units: list[int]) -> tuple[list[int], list[int]]:
    """The open cases these units help with as co-handlers: all, and those not signed for.

    Few, so they are read first and passed as ids: the queues' conditions then stay plain
    index lookups that the database can OR together, where an EXISTS would make it test
    every open case of the county."""
    rows = Assignment.objects.filter(
        unit__in=units, active=True, role=AssignmentRole.CO, case__state__in=HANDLING_STATES
    ).values_list("case_id", "signed_at")
    every = sorted({case_id for case_id, _signed in rows})
    unsigned = sorted({case_id for case_id, signed in rows if signed is None})
    return every, unsigned


# The queues that are parts of `Queues.handling`, by their field name: defined once here, so
# the workbench can count them together in one query over `handling`.
HANDLING_PARTS: dict[str, Q] = {
    "in_progress": Q(state=CaseState.IN_PROGRESS),
    "due_soon": Q(reply_clock=Clock.DUE_SOON),
    "overdue": Q(reply_clock=Clock.OVERDUE),
}


def queues_for_user(*, user: User) -> Queues:
    """The work waiting for this person's units, each a queryset to count, filter and page.

    Cases a unit of theirs leads, or helps with as a co-handling unit. The lead unit of a case
    is also its active lead assignment (both are set together in `services.common.assign`), so
    the lead side reads the (lead_unit, state) index instead of joining assignments."""
    units = _my_units(user)
    co, co_unsigned = _co_handled(units)
    handling = Case.objects.filter(state__in=HANDLING_STATES)
    led = handling.filter(Q(lead_unit__in=units) | Q(pk__in=co))
    desk = Case.objects.filter(desk_unit__in=units)
    return Queues(
        to_sign=Case.objects.filter(
            Q(state=CaseState.ASSIGNED) & (Q(lead_unit__in=units) | Q(pk__in=co_unsigned))
        ),
        in_progress=led.filter(HANDLING_PARTS["in_progress"]),
        due_soon=led.filter(HANDLING_PARTS["due_soon"]),
        overdue=led.filter(HANDLING_PARTS["overdue"]),
        to_dispatch=desk.filter(state=CaseState.NEW),
        extensions_to_decide=Extension.objects.filter(decision=Decision.PENDING, case__in=desk),
        supervision_orders=supervision_orders_for_leader(user=user),
        handling=led,
    )


def supervision_orders_for_leader(*, user: User) -> QuerySet[SupervisionOrder]:
    """Open supervision orders on the units where this person is a leader (or works)."""
    units = Membership.objects.filter(
        user=user,
        role__in=[
            StaffRole.LEADER,
            StaffRole.TOWN_STAFF,
            StaffRole.VILLAGE_CADRE,
            StaffRole.DEPARTMENT_HANDLER,
            StaffRole.GRID_WORKER,
        ],
    ).values("unit_id")
    return SupervisionOrder.objects.filter(unit__in=units, answered_at__isnull=True).order_by(
        "deadline"
    )


def actions_for_user(*, user: User, case: Case) -> list[str]:
    """The names of the services this person may call on this case right now."""
    actions: list[str] = []
    desk = may(user, Capability.DISPATCH, case.desk_unit, from_above=True)
    lead = case.lead_unit
    handles = lead is not None and may(user, Capability.HANDLE, lead)
    if case.state == CaseState.NEW and desk:
        actions += ["accept", "dispatch", "reject", "merge"]
        if may_take_on(user, case.desk_unit):
            actions.append("take_on")
        if may_escalate_from_desk(user, case.desk_unit):
            actions.append("escalate")
    if case.state in HANDLING_STATES:
        if desk:
            actions += ["transfer", "merge"]
        if handles:
            actions += ["return", "escalate", "transfer"]
        if case.state == CaseState.ASSIGNED and handles:
            actions.append("sign")
        if case.state == CaseState.IN_PROGRESS and handles:
            actions += ["reply", "extension_request"]
        if lead is not None and may(user, Capability.OVERSEE, lead, from_above=True):
            actions.append("urge")
        if lead is not None and may(user, Capability.SUPERVISE, lead, from_above=True):
            actions.append("supervise")
    if case.state == CaseState.CLOSED and desk and not case.confidential and not case.published_at:
        actions.append("publish")
    return list(dict.fromkeys(actions))

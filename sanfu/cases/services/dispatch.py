"""The dispatcher's decisions: accept, dispatch, take on, transfer, merge, reject."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from sanfu.cases import announce, events
from sanfu.cases.models import (
    HANDLING_STATES,
    OPEN_STATES,
    REASON_MAX,
    Case,
    CaseState,
    Category,
    EventKind,
    Priority,
)
from sanfu.cases.notifications import notify_requester, notify_units
from sanfu.cases.policies import HANDLING_KINDS, Capability, acting_unit, may
from sanfu.cases.services.common import (
    assign,
    lead_of,
    limit_text,
    lock_case,
    now,
    release,
    require_state,
    require_text,
    stamp_assignment_clocks,
    start_clocks,
)
from sanfu.cases.services.handling import case_sign
from sanfu.directory.models import Unit, UnitKind, User
from sanfu.lib.errors import PermissionDenied, ValidationFailed

VILLAGE_LEVEL = frozenset({UnitKind.VILLAGE, UnitKind.COMMUNITY, UnitKind.GRID})

# A higher app may send a dispatched case on from the unit chosen to a unit under it (a town's
# module, by category): each resolver returns that unit or None. Appended to in AppConfig.ready().
lead_resolvers: list[Callable[[Case, Unit], Unit | None]] = []


def _resolved_lead(case: Case, lead_unit: Unit) -> Unit:
    for resolver in lead_resolvers:
        found = resolver(case, lead_unit)
        if found is not None and found.is_active and found.path.startswith(lead_unit.path):
            return found
    return lead_unit


def _triage(case: Case, category: Category | None, priority: str | None) -> None:
    if category is not None:
        if not category.is_active:
            raise ValidationFailed(_("This category is no longer in use."), field="category")
        case.category = category
    if priority is not None:
        if priority not in Priority.values:
            raise ValidationFailed(_("Unknown priority."), field="priority")
        case.priority = priority


def _check_units(
    case: Case, acting: Unit, lead: Unit, co_units: Sequence[Unit], *, field: str
) -> list[Unit]:
    """The lead and co-handlers must lie under the unit that sends the case to them."""
    for unit, name in [(lead, field), *((u, "co_units") for u in co_units)]:
        if unit.kind not in HANDLING_KINDS or not unit.is_active:
            raise ValidationFailed(
                _("%(unit)s cannot handle cases.") % {"unit": unit.name}, field=name
            )
        if not unit.path.startswith(acting.path):
            raise ValidationFailed(
                _("%(unit)s is not under %(acting)s.") % {"unit": unit.name, "acting": acting.name},
                field=name,
            )
    if lead.kind in VILLAGE_LEVEL and case.category and not _village_level_ok(case.category):
        raise ValidationFailed(
            _("Cases of this category cannot be handled at village level."), field=field
        )
    distinct = {unit.pk: unit for unit in co_units if unit.pk != lead.pk}
    return list(distinct.values())


def _village_level_ok(category: Category) -> bool:
    """A category may go to a village only if neither it nor a broader category forbids it."""
    node: Category | None = category
    while node is not None:
        if not node.village_level_ok:
            return False
        node = node.parent
    return True


@transaction.atomic
def case_accept(
    *, actor: User, case_id: int, category: Category | None = None, priority: str | None = None
) -> Case:
    """受理: the desk takes the case on, with its category and priority."""
    case = lock_case(actor=actor, case_id=case_id)
    require_state(case, {CaseState.NEW}, action=_("accepted"))
    unit = acting_unit(actor, Capability.DISPATCH, case.desk_unit, from_above=True)
    if case.accepted_at is not None:
        raise ValidationFailed(_("The case has already been accepted."), field="case")
    _triage(case, category, priority)
    at = now()
    case.accepted_at = at
    case.save()
    events.append(
        case=case,
        kind=EventKind.ACCEPTED,
        at=at,
        from_state=case.state,
        actor=actor,
        unit=unit,
        data={"category": case.category_id, "priority": case.priority},
    )
    return case


@transaction.atomic
def case_dispatch(
    *,
    actor: User,
    case_id: int,
    lead_unit: Unit,
    co_units: Sequence[Unit] = (),
    category: Category | None = None,
    priority: str | None = None,
    note: str = "",
) -> Case:
    """交办: send the case to one lead unit (主办) and any co-handling units (协办)."""
    case = lock_case(actor=actor, case_id=case_id)
    require_state(case, {CaseState.NEW}, action=_("dispatched"))
    acting = acting_unit(actor, Capability.DISPATCH, case.desk_unit, from_above=True)
    _triage(case, category, priority)
    if case.category is None:
        raise ValidationFailed(_("Choose a category before dispatching."), field="category")
    co = _check_units(case, acting, lead_unit, co_units, field="lead_unit")
    lead_unit = _resolved_lead(case, lead_unit)
    note = limit_text(note, field="note", label=_("Note"), limit=REASON_MAX)
    at = _send(case, lead_unit=lead_unit, co=co, actor=actor, acting=acting, note=note)
    announce.case_routed(case, lead_unit, actor, at)
    return case


@transaction.atomic
def case_dispatch_by_system(*, case_id: int, lead_unit: Unit, by: str) -> Case:
    """交办 without a dispatcher, for intakes whose responsible unit is known by rule (an
    assistance application goes to the body that gives the programme). `by` names the rule in
    the timeline, since no person acted."""
    case = lock_case(actor=None, case_id=case_id)
    require_state(case, {CaseState.NEW}, action=_("dispatched"))
    _send(case, lead_unit=_resolved_lead(case, lead_unit), co=[], data={"by": by})
    return case


@transaction.atomic
def case_take_on(*, actor: User, case_id: int, note: str = "") -> Case:
    """本级自办: the desk unit handles the case itself as lead unit, instead of sending it down
    or escalating it on (a town takes on what a village escalated).

    A dispatch to the desk unit, so the clocks are those of a dispatch: the sign-for clock
    starts now, and the reply deadline the case already has (from its first dispatch, kept
    through returns and escalations) stays. Taken on by someone who handles cases at the desk
    unit, it is signed for at once: the person who takes it is the one who would sign.
    """
    case = lock_case(actor=actor, case_id=case_id)
    require_state(case, {CaseState.NEW}, action=_("taken on"))
    acting = acting_unit(actor, Capability.DISPATCH, case.desk_unit, from_above=True)
    if case.category is None:
        raise ValidationFailed(_("Choose a category before taking the case on."), field="category")
    desk = case.desk_unit
    _check_units(case, acting, desk, (), field="case")
    note = limit_text(note, field="note", label=_("Note"), limit=REASON_MAX)
    at = _send(case, lead_unit=desk, co=[], actor=actor, acting=acting, note=note, taken_on=True)
    announce.case_routed(case, desk, actor, at)
    if may(actor, Capability.HANDLE, desk):
        return case_sign(actor=actor, case_id=case.pk)
    return case


def _send(
    case: Case,
    *,
    lead_unit: Unit,
    co: Sequence[Unit],
    actor: User | None = None,
    acting: Unit | None = None,
    note: str = "",
    data: dict[str, str] | None = None,
    taken_on: bool = False,
) -> datetime:
    """The state change, clocks, timeline event and notices every dispatch shares."""
    at = now()
    before = case.state
    case.accepted_at = case.accepted_at or at
    case.dispatched_at = at
    case.state = CaseState.ASSIGNED
    assign(case, lead=lead_unit, co_units=co, at=at)
    # A first dispatch starts the reply clock; one after a return or an escalation keeps it.
    start_clocks(case, at, keep_reply_deadline=True)
    stamp_assignment_clocks(case)
    case.save()
    events.append(
        case=case,
        kind=EventKind.DISPATCHED,
        at=at,
        from_state=before,
        actor=actor,
        unit=acting,
        note=note,
        data={
            "lead": lead_unit.pk,
            "co": [u.pk for u in co],
            # 本级自办: the desk kept the case; the timeline says so rather than "dispatched".
            **({"taken_on": True} if taken_on else {}),
            **(data or {}),
        },
    )
    notify_units(case, "dispatched", [lead_unit, *co])
    return at


@transaction.atomic
def case_transfer(
    *,
    actor: User,
    case_id: int,
    lead_unit: Unit,
    co_units: Sequence[Unit] = (),
    note: str,
) -> Case:
    """转派: a new lead unit, chosen by the desk or passed down by the current lead unit.

    The reply deadline stays: the requester's clock does not restart because the case moved.
    """
    case = lock_case(actor=actor, case_id=case_id)
    require_state(case, HANDLING_STATES, action=_("transferred"))
    note = require_text(note, field="note", label=_("Reason"), limit=REASON_MAX)
    try:
        acting = acting_unit(actor, Capability.DISPATCH, case.desk_unit, from_above=True)
    except PermissionDenied:
        # The lead unit may pass the case down its own subtree (a town to one of its villages).
        acting = acting_unit(actor, Capability.HANDLE, lead_of(case))
    co = _check_units(case, acting, lead_unit, co_units, field="lead_unit")
    if lead_unit.pk == case.lead_unit_id:
        raise ValidationFailed(_("The case is already with this unit."), field="lead_unit")
    at = now()
    before = case.state
    previous = lead_of(case)
    case.state = CaseState.ASSIGNED
    case.signed_at = None
    assign(case, lead=lead_unit, co_units=co, at=at)
    start_clocks(case, at, keep_reply_deadline=True)
    stamp_assignment_clocks(case)
    case.save()
    events.append(
        case=case,
        kind=EventKind.TRANSFERRED,
        at=at,
        from_state=before,
        actor=actor,
        unit=acting,
        note=note,
        data={"from": previous.pk, "lead": lead_unit.pk, "co": [u.pk for u in co]},
    )
    notify_units(case, "dispatched", [lead_unit, *co])
    announce.case_routed(case, lead_unit, actor, at)
    return case


@transaction.atomic
def case_reject(*, actor: User, case_id: int, reason: str) -> Case:
    """不予受理, with a reason the requester sees."""
    case = lock_case(actor=actor, case_id=case_id)
    require_state(case, {CaseState.NEW}, action=_("rejected"))
    acting = acting_unit(actor, Capability.DISPATCH, case.desk_unit, from_above=True)
    reason = require_text(reason, field="reason", label=_("Reason"), limit=REASON_MAX)
    at = now()
    case.state = CaseState.REJECTED
    case.rejection_reason = reason
    case.closed_at = at
    case.save()
    events.append(
        case=case,
        kind=EventKind.REJECTED,
        at=at,
        from_state=CaseState.NEW,
        actor=actor,
        unit=acting,
        note=reason,
    )
    notify_requester(case, "rejected")
    return case


@transaction.atomic
def case_merge(*, actor: User, case_id: int, master_id: int, note: str = "") -> Case:
    """Fold a duplicate into a master case; the duplicate gets the master's answer."""
    if case_id == master_id:
        raise ValidationFailed(_("A case cannot be merged into itself."), field="master")
    # Lock both rows in id order so two merges of the same pair cannot deadlock.
    first, second = sorted([case_id, master_id])
    locked = {pk: lock_case(actor=actor, case_id=pk) for pk in (first, second)}
    case, master = locked[case_id], locked[master_id]
    require_state(case, OPEN_STATES, action=_("merged"))
    if master.state not in OPEN_STATES | {CaseState.REPLIED, CaseState.CLOSED}:
        raise ValidationFailed(_("The master case is not open or answered."), field="master")
    if master.county_id != case.county_id:
        raise ValidationFailed(_("The master case is in another county."), field="master")
    acting = acting_unit(actor, Capability.DISPATCH, case.desk_unit, from_above=True)
    note = limit_text(note, field="note", label=_("Note"), limit=REASON_MAX)
    at = now()
    before = case.state
    case.state = CaseState.MERGED
    case.master = master
    release(case)
    case.save()
    events.append(
        case=case,
        kind=EventKind.MERGED,
        at=at,
        from_state=before,
        actor=actor,
        unit=acting,
        note=note,
        data={"master": master.pk, "number": master.number},
    )
    if master.reply_kind:
        from sanfu.cases.services.handling import pass_answer_on

        pass_answer_on(master, [case], at=at)
    return case

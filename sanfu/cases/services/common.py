"""What every action of the loop shares: locking the case, checking its state, deadlines."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.cases.calendar import add_working_days, add_working_hours, load_calendar
from sanfu.cases.catalogue import sla_for
from sanfu.cases.models import Assignment, Case, CaseReply, CaseState, Clock
from sanfu.directory.models import Unit, User
from sanfu.lib.errors import Conflict, NotFound, ValidationFailed
from sanfu.lib.limits import normalise_newlines, too_long


def now() -> datetime:
    return timezone.now()


def lock_case(*, actor: User | None, case_id: int) -> Case:
    """The case, locked for this transaction, if `actor` may see it (None: the system)."""
    cases = Case.objects.select_for_update(of=("self",))
    if actor is not None:
        cases = cases.visible_to(actor)
    case = cases.filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("No such case."))
    return case


def require_state(case: Case, allowed: Collection[str], *, action: str) -> None:
    """Refuse an action the case's current state does not allow.

    A Conflict, because the usual cause is that someone else acted on the case first.
    """
    if case.state not in allowed:
        raise Conflict(
            _("The case is now “%(state)s”; it cannot be %(action)s.")
            % {"state": CaseState(case.state).label, "action": action}
        )


def require_text(value: str, *, field: str, label: str, limit: int) -> str:
    """The text stripped, refused when empty or longer than `limit`."""
    cleaned = limit_text(value, field=field, label=label, limit=limit)
    if not cleaned:
        raise ValidationFailed(_("%(label)s is required.") % {"label": label}, field=field)
    return cleaned


def limit_text(value: str, *, field: str, label: str, limit: int) -> str:
    """The text stripped (it may be empty), refused when longer than `limit`."""
    cleaned = normalise_newlines(value).strip()
    if len(cleaned) > limit:
        raise ValidationFailed(too_long(label, count=len(cleaned), limit=limit), field=field)
    return cleaned


def start_clocks(case: Case, at: datetime, *, keep_reply_deadline: bool = False) -> None:
    """Set the sign-for and reply deadlines from the catalogue's time limits.

    With `keep_reply_deadline` (a transfer, or a dispatch after a return or an escalation) the
    reply deadline the case already has stays: the requester's clock runs from receipt and
    moving the case between units does not restart it.
    """
    calendar = load_calendar()
    terms = sla_for(case.category, case.priority)
    sign = add_working_hours(calendar, at, terms.sign_hours)
    case.sign_deadline = sign.at
    case.sign_clock = Clock.ON_TIME
    unconfirmed = sign.unconfirmed
    if not keep_reply_deadline or case.reply_deadline is None:
        reply = add_working_days(calendar, at, terms.reply_days)
        set_reply_deadline(case, reply.at)
        unconfirmed = unconfirmed or reply.unconfirmed
    elif case.reply_clock == Clock.NONE:
        # Kept from before a return: the sweep marks it overdue again if it has passed.
        case.reply_clock = Clock.ON_TIME
    case.deadline_unconfirmed = unconfirmed or case.deadline_unconfirmed


def stamp_assignment_clocks(case: Case) -> None:
    """Give the active lead assignment the case's current deadlines: the unit's own clock."""
    Assignment.objects.filter(case=case, active=True, role="lead").update(
        sign_deadline=case.sign_deadline, reply_deadline=case.reply_deadline
    )


def set_reply_deadline(case: Case, deadline: datetime) -> None:
    case.reply_deadline = deadline
    case.reply_clock = Clock.ON_TIME


def assign(case: Case, *, lead: Unit, co_units: Collection[Unit], at: datetime) -> None:
    """Replace the units working on the case with a new lead and co-handlers."""
    Assignment.objects.filter(case=case, active=True).update(active=False)
    Assignment.objects.bulk_create(
        [Assignment(case=case, unit=lead, role="lead", assigned_at=at)]
        + [Assignment(case=case, unit=unit, role="co", assigned_at=at) for unit in co_units]
    )
    case.lead_unit = lead


def release(case: Case) -> None:
    """No unit works on the case any more (returned, escalated, merged).

    The reply deadline stays (its clock stops ticking on the board): the next dispatch keeps
    it, so a return followed by a dispatch cannot give a late case a fresh deadline.
    """
    Assignment.objects.filter(case=case, active=True).update(active=False)
    case.lead_unit = None
    case.signed_at = None
    case.signed_on_time = None
    case.sign_deadline = None
    case.sign_clock = case.reply_clock = Clock.NONE


def lead_of(case: Case) -> Unit:
    """The lead unit of a case in a handling state (guaranteed there by a constraint)."""
    if case.lead_unit is None:  # pragma: no cover - the state checks come first
        raise Conflict(_("The case has no lead unit."))
    return case.lead_unit


def lead_assignment(case: Case) -> Assignment:
    assignment = case.assignments.filter(active=True, role="lead").first()
    if assignment is None:  # pragma: no cover - guarded by the state checks and a constraint
        raise Conflict(_("The case has no lead unit."))
    return assignment


def reply_record(case: Case, *, unit: Unit, at: datetime) -> CaseReply:
    """The answer just given, as a fact of its own: judged on the requester's clock (the case's
    deadline) and on the unit's (its lead assignment's), never to be changed."""
    unit_deadline = (
        Assignment.objects.filter(case=case, active=True, role="lead")
        .values_list("reply_deadline", flat=True)
        .first()
    )
    return CaseReply.objects.create(
        case=case,
        unit=unit,
        at=at,
        kind=case.reply_kind,
        on_time=None if case.reply_deadline is None else at <= case.reply_deadline,
        unit_on_time=None if unit_deadline is None else at <= unit_deadline,
        working_days=case.handling_working_days,
        first=not CaseReply.objects.filter(case=case).exists(),
    )

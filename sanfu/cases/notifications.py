"""Who hears about what happens to a case. Messages leave after the transaction commits."""

from __future__ import annotations

from collections.abc import Sequence

from sanfu.cases.models import Case
from sanfu.cases.policies import ROLES, Capability
from sanfu.directory.models import Unit
from sanfu.notify.services import notify_phone, notify_staff, render_message, staff_of
from sanfu.notify.transports import Message

_DESK_ROLES = ROLES[Capability.DISPATCH]
_SUPERVISOR_ROLES = ROLES[Capability.SUPERVISE]


def _staff_message(case: Case, kind: str) -> Message:
    return render_message(f"case_{kind}", {"case": case}, link=f"/cases/{case.pk}/")


def notify_units(case: Case, kind: str, units: Sequence[Unit]) -> None:
    """Everyone with a role at the units now working on the case."""
    notify_staff(staff_of(list(units)), _staff_message(case, kind))


def notify_desk(case: Case, kind: str) -> None:
    """The people who decide at the case's desk."""
    notify_staff(staff_of([case.desk_unit], _DESK_ROLES), _staff_message(case, kind))


def notify_supervisors(case: Case, kind: str) -> None:
    """Supervisors and leaders of the county the case belongs to."""
    notify_staff(staff_of([case.county], _SUPERVISOR_ROLES), _staff_message(case, kind))


def notify_requester(case: Case, kind: str) -> None:
    """A text message to the requester, if they left a phone number."""
    if case.requester_phone:
        notify_phone(case.requester_phone, render_message(f"requester_{kind}", {"case": case}))

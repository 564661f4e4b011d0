"""Who hears about what happens to a case. Messages leave after the transaction commits.

Staff hear through the inbox, mail and text after the commit. A requester's text message (the
receipt, the answer, a refusal) is a task on the durable background queue, added in the case's
own transaction (`sanfu.cases.queue`): rendering and sending it costs the request nothing, and
a text the gateway refused, or that a stopped process had not sent yet, is sent again (retried
with backoff, then shown to the operators), never silently dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.urls import reverse

from sanfu.cases import queue
from sanfu.cases.models import Case
from sanfu.cases.policies import ROLES, Capability
from sanfu.cases.selectors import case_short_code
from sanfu.directory.models import Unit
from sanfu.lib.phones import phone_is_mobile
from sanfu.notify.services import notify_staff, render_message, staff_of
from sanfu.notify.transports import Message, sms_backend, sms_text

REQUESTER_TEXT = "cases.requester_text"
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


def requester_link(case: Case) -> str:
    """The short link a requester follows their case with (the portal's `short` route).

    The 32-character tracking token stays inside the page it leads to: a code that short can
    be read out on the hotline, and a text message stays short.
    """
    path = reverse("portal:short", args=[case.number, case_short_code(case)])
    return f"{settings.SANFU_PUBLIC_URL.rstrip('/')}{path}"


def notify_requester(case: Case, kind: str) -> None:
    """A text message to the requester, if they left a mobile number: queued with the case's
    writes, rendered and sent by the worker (`send_requester_text`)."""
    if phone_is_mobile(case.requester_phone) and "sms" in settings.SANFU_NOTIFY_TRANSPORTS:
        queue.enqueue(
            REQUESTER_TEXT,
            {"case": case.pk, "kind": kind},
            subject=queue.subject_of("case", case.pk),
        )


def send_requester_text(payload: dict[str, Any]) -> queue.Write | None:
    """The queue's handler: render the message from the case as it stands and send it. A
    gateway's error propagates, so the attempt fails and is retried; nothing is written."""
    case = Case.objects.filter(pk=payload["case"]).first()
    if case is None or not phone_is_mobile(case.requester_phone):
        return None  # removed, or the number taken off the case since
    context = {"case": case, "link": requester_link(case)}
    message = render_message(f"requester_{payload['kind']}", context)
    sms_backend().send(case.requester_phone, sms_text(message))
    return None

"""Every action of the case loop. Each checks who acts, the case's state and the input, writes
in one transaction under the case's row lock, appends to the timeline and notifies on commit."""

from sanfu.cases.services.aftercare import case_callback, case_publish, case_rate, case_reopen
from sanfu.cases.services.attachments import case_attach
from sanfu.cases.services.audit import personal_data_access_record
from sanfu.cases.services.dispatch import (
    case_accept,
    case_dispatch,
    case_dispatch_by_system,
    case_merge,
    case_reject,
    case_take_on,
    case_transfer,
)
from sanfu.cases.services.handling import (
    case_co_opinion,
    case_escalate,
    case_extension_request,
    case_reply,
    case_return,
    case_sign,
)
from sanfu.cases.services.intake import (
    NewCase,
    Requester,
    Upload,
    case_create,
    case_create_solved_on_the_spot,
    case_prepare,
    case_write,
)
from sanfu.cases.services.oversight import (
    case_extension_decide,
    case_supervise,
    case_urge,
    supervision_answer,
)

__all__ = [
    "NewCase",
    "Requester",
    "Upload",
    "case_accept",
    "case_attach",
    "case_callback",
    "case_co_opinion",
    "case_create",
    "case_create_solved_on_the_spot",
    "case_dispatch",
    "case_dispatch_by_system",
    "case_escalate",
    "case_extension_decide",
    "case_extension_request",
    "case_merge",
    "case_prepare",
    "case_publish",
    "case_rate",
    "case_reject",
    "case_reopen",
    "case_reply",
    "case_return",
    "case_sign",
    "case_supervise",
    "case_take_on",
    "case_transfer",
    "case_urge",
    "case_write",
    "personal_data_access_record",
    "supervision_answer",
]

"""Actions: each endpoint is one service of the case loop, called as the token's owner.

The services check who may act, on what state, with what input; a case the caller may not see
is a 404, exactly as in the workbench. Each answers with the case as it now stands (its
summary: after a transfer the caller may no longer see the case itself).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Status
from ninja.decorators import decorate_view

from sanfu.api.keys import staff_token_revoke
from sanfu.api.staff import schemas
from sanfu.api.staff.guard import idempotency_guard
from sanfu.api.staff.present import case_summary, extension_out, order_out
from sanfu.api.staff.reads import category_by_code, user_of, visible_unit
from sanfu.api.staff.routes import router
from sanfu.cases import services
from sanfu.cases.models import Case, Category
from sanfu.directory.models import Unit
from sanfu.lib.errors import NotFound

idempotent = decorate_view(idempotency_guard)


def _unit(unit_id: int, *, field: str) -> Unit:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise NotFound(_("No such unit."), field=field)
    return unit


def _category(code: str | None) -> Category | None:
    return category_by_code(code) if code else None


def _done(case: Case) -> dict[str, Any]:
    return case_summary(case)


@router.post(
    tags=["actions"], path="/cases", response={201: schemas.CaseSummary}, summary="Take a case down"
)
@idempotent
def create(request: HttpRequest, body: schemas.CaseIn) -> Status[dict[str, Any]]:
    """A case received by phone, at a visit, on patrol, at a meeting or a reception day.

    With `solved_on_the_spot`, the case is recorded as answered at once by the caller's unit.
    """
    user = user_of(request)
    requester = body.requester
    new = services.NewCase(
        channel=body.channel,
        title=body.title,
        text=body.text,
        location_unit=visible_unit(user, body.location_unit, field="location_unit"),
        requester=services.Requester(
            kind=requester.kind,
            name=requester.name,
            phone=requester.phone,
            id_number=requester.id_number,
            unit=visible_unit(user, requester.unit, field="requester.unit")
            if requester.unit
            else None,
        ),
        address=body.address,
        latitude=body.latitude,
        longitude=body.longitude,
        category=_category(body.category),
        priority=body.priority,
        confidential=body.confidential,
    )
    if body.solved_on_the_spot:
        case = services.case_create_solved_on_the_spot(
            new=new, actor=user, reply=body.solved_on_the_spot
        )
    else:
        case = services.case_create(new=new, actor=user)
    return Status(201, _done(case))


@router.post(
    tags=["actions"],
    path="/cases/{case_id}/accept",
    response=schemas.CaseSummary,
    summary="受理: accept",
)
@idempotent
def accept(request: HttpRequest, case_id: schemas.Id, body: schemas.AcceptIn) -> dict[str, Any]:
    return _done(
        services.case_accept(
            actor=user_of(request),
            case_id=case_id,
            category=_category(body.category),
            priority=body.priority,
        )
    )


@router.post(
    tags=["actions"],
    path="/cases/{case_id}/dispatch",
    response=schemas.CaseSummary,
    summary="交办: dispatch",
)
@idempotent
def dispatch(request: HttpRequest, case_id: schemas.Id, body: schemas.DispatchIn) -> dict[str, Any]:
    return _done(
        services.case_dispatch(
            actor=user_of(request),
            case_id=case_id,
            lead_unit=_unit(body.lead_unit, field="lead_unit"),
            co_units=[_unit(pk, field="co_units") for pk in body.co_units],
            category=_category(body.category),
            priority=body.priority,
            note=body.note,
        )
    )


@router.post(
    tags=["actions"],
    path="/cases/{case_id}/take-on",
    response=schemas.CaseSummary,
    summary="本级自办: handle at the desk's own level",
)
@idempotent
def take_on(
    request: HttpRequest, case_id: schemas.Id, body: schemas.OptionalNoteIn
) -> dict[str, Any]:
    """The unit whose desk the case waits at leads it itself (a town keeps what a village
    escalated). Signed for at once when the caller handles cases at that unit."""
    return _done(services.case_take_on(actor=user_of(request), case_id=case_id, note=body.note))


@router.post(
    tags=["actions"],
    path="/cases/{case_id}/transfer",
    response=schemas.CaseSummary,
    summary="转派: transfer",
)
@idempotent
def transfer(request: HttpRequest, case_id: schemas.Id, body: schemas.TransferIn) -> dict[str, Any]:
    return _done(
        services.case_transfer(
            actor=user_of(request),
            case_id=case_id,
            lead_unit=_unit(body.lead_unit, field="lead_unit"),
            co_units=[_unit(pk, field="co_units") for pk in body.co_units],
            note=body.note,
        )
    )


@router.post(
    tags=["actions"],
    path="/cases/{case_id}/merge",
    response=schemas.CaseSummary,
    summary="Merge a duplicate",
)
@idempotent
def merge(request: HttpRequest, case_id: schemas.Id, body: schemas.MergeIn) -> dict[str, Any]:
    return _done(
        services.case_merge(
            actor=user_of(request), case_id=case_id, master_id=body.master, note=body.note
        )
    )


@router.post(
    tags=["actions"],
    path="/cases/{case_id}/reject",
    response=schemas.CaseSummary,
    summary="不予受理: reject",
)
@idempotent
def reject(request: HttpRequest, case_id: schemas.Id, body: schemas.ReasonIn) -> dict[str, Any]:
    return _done(services.case_reject(actor=user_of(request), case_id=case_id, reason=body.reason))


@router.post(
    tags=["actions"],
    path="/cases/{case_id}/sign",
    response=schemas.CaseSummary,
    summary="签收: sign for",
)
@idempotent
def sign(request: HttpRequest, case_id: schemas.Id) -> dict[str, Any]:
    return _done(services.case_sign(actor=user_of(request), case_id=case_id))


@router.post(
    tags=["actions"],
    path="/cases/{case_id}/co-opinion",
    response=schemas.CaseSummary,
    summary="A co-handler's opinion",
)
@idempotent
def co_opinion(
    request: HttpRequest, case_id: schemas.Id, body: schemas.OpinionIn
) -> dict[str, Any]:
    return _done(
        services.case_co_opinion(actor=user_of(request), case_id=case_id, opinion=body.opinion)
    )


@router.post(
    tags=["actions"],
    path="/cases/{case_id}/return",
    response=schemas.CaseSummary,
    summary="退单: return",
)
@idempotent
def return_(request: HttpRequest, case_id: schemas.Id, body: schemas.ReturnIn) -> dict[str, Any]:
    return _done(
        services.case_return(
            actor=user_of(request), case_id=case_id, reason=body.reason, note=body.note
        )
    )


@router.post(
    tags=["actions"],
    path="/cases/{case_id}/escalate",
    response=schemas.CaseSummary,
    summary="上报: escalate",
    description=(
        "From the lead unit while it handles the case, or from the desk while the case waits "
        "there (a town passes on to the county what a village escalated). The reply deadline "
        "stays."
    ),
)
@idempotent
def escalate(request: HttpRequest, case_id: schemas.Id, body: schemas.NoteIn) -> dict[str, Any]:
    return _done(services.case_escalate(actor=user_of(request), case_id=case_id, note=body.note))


@router.post(
    tags=["actions"],
    path="/cases/{case_id}/extension-request",
    response={201: schemas.ExtensionOut},
    summary="延期: ask for more time",
)
@idempotent
def extension_request(
    request: HttpRequest, case_id: schemas.Id, body: schemas.ExtensionRequestIn
) -> Status[dict[str, Any]]:
    extension = services.case_extension_request(
        actor=user_of(request), case_id=case_id, days=body.days, reason=body.reason
    )
    return Status(201, extension_out(extension))


@router.post(
    tags=["actions"],
    path="/cases/{case_id}/reply",
    response=schemas.CaseSummary,
    summary="答复: reply",
)
@idempotent
def reply(request: HttpRequest, case_id: schemas.Id, body: schemas.ReplyIn) -> dict[str, Any]:
    return _done(
        services.case_reply(actor=user_of(request), case_id=case_id, kind=body.kind, text=body.text)
    )


@router.post(
    tags=["actions"],
    path="/cases/{case_id}/urge",
    response=schemas.CaseSummary,
    summary="催办: urge",
)
@idempotent
def urge(request: HttpRequest, case_id: schemas.Id, body: schemas.OptionalNoteIn) -> dict[str, Any]:
    return _done(services.case_urge(actor=user_of(request), case_id=case_id, note=body.note))


@router.post(
    tags=["actions"],
    path="/cases/{case_id}/supervise",
    response={201: schemas.SupervisionOrderOut},
    summary="督办: issue a supervision order",
)
@idempotent
def supervise(
    request: HttpRequest, case_id: schemas.Id, body: schemas.SuperviseIn
) -> Status[dict[str, Any]]:
    order = services.case_supervise(
        actor=user_of(request), case_id=case_id, instruction=body.instruction, days=body.days
    )
    return Status(201, order_out(order))


@router.post(
    tags=["actions"],
    path="/cases/{case_id}/reopen",
    response=schemas.CaseSummary,
    summary="重办: reopen",
)
@idempotent
def reopen(request: HttpRequest, case_id: schemas.Id, body: schemas.NoteIn) -> dict[str, Any]:
    return _done(services.case_reopen(actor=user_of(request), case_id=case_id, note=body.note))


@router.post(
    tags=["actions"],
    path="/cases/{case_id}/callback",
    response=schemas.CaseSummary,
    summary="回访: record the requester's answers about the latest, unrated answer",
)
@idempotent
def callback(request: HttpRequest, case_id: schemas.Id, body: schemas.CallbackIn) -> dict[str, Any]:
    return _done(
        services.case_callback(
            actor=user_of(request),
            case_id=case_id,
            rating=body.rating,
            solved=body.solved,
            note=body.note,
        )
    )


@router.post(
    tags=["actions"],
    path="/cases/{case_id}/publish",
    response=schemas.CaseSummary,
    summary="公示: publish",
)
@idempotent
def publish(request: HttpRequest, case_id: schemas.Id, body: schemas.PublishIn) -> dict[str, Any]:
    return _done(
        services.case_publish(
            actor=user_of(request),
            case_id=case_id,
            title=body.title,
            text=body.text,
            reply=body.reply,
        )
    )


@router.post(
    tags=["actions"],
    path="/extensions/{extension_id}/decide",
    response=schemas.ExtensionOut,
    summary="Approve or refuse an extension",
)
@idempotent
def decide(
    request: HttpRequest, extension_id: schemas.Id, body: schemas.DecideIn
) -> dict[str, Any]:
    extension = services.case_extension_decide(
        actor=user_of(request), extension_id=extension_id, approve=body.approve, note=body.note
    )
    return extension_out(extension)


@router.post(
    tags=["actions"],
    path="/supervision-orders/{order_id}/answer",
    response=schemas.SupervisionOrderOut,
    summary="Answer a supervision order",
)
@idempotent
def answer(request: HttpRequest, order_id: schemas.Id, body: schemas.AnswerIn) -> dict[str, Any]:
    order = services.supervision_answer(
        actor=user_of(request), order_id=order_id, answer=body.answer
    )
    return order_out(order)


@router.delete(
    tags=["actions"],
    path="/tokens/{token_id}",
    response={204: None},
    summary="Revoke one of your tokens",
)
def token_revoke(request: HttpRequest, token_id: schemas.Id) -> Status[None]:
    staff_token_revoke(token_id=token_id, user=user_of(request))
    return Status(204, None)

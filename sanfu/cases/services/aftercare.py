"""After the reply: the requester's rating, reopening, closing, publication."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from sanfu.cases import events
from sanfu.cases.models import (
    REASON_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Case,
    CaseRating,
    CaseReply,
    CaseState,
    EventKind,
    Rating,
)
from sanfu.cases.notifications import notify_units
from sanfu.cases.policies import Capability, acting_unit
from sanfu.cases.publication import case_public_draft, public_texts_final
from sanfu.cases.services.common import (
    assign,
    lead_assignment,
    limit_text,
    lock_case,
    now,
    require_state,
    require_text,
    stamp_assignment_clocks,
    start_clocks,
)
from sanfu.directory.models import Unit, User
from sanfu.lib.errors import NotFound, ValidationFailed


def _lock_by_token(number: str, token: str) -> Case:
    # Both the number and the token must match: the token alone is the secret, the number
    # keeps a mistyped token from ever reaching another requester's case.
    case = (
        Case.objects.select_for_update(of=("self",))
        .filter(number=number.strip(), tracking_token=token.strip())
        .first()
    )
    if case is None or not token.strip():
        raise NotFound(_("No case with this number and tracking code."))
    return case


SOLVED_ANSWERS = {"yes": True, "no": False}


def _solved(value: str | bool) -> bool:
    if isinstance(value, bool):
        return value
    if value not in SOLVED_ANSWERS:
        raise ValidationFailed(_("Say whether the problem was solved."), field="solved")
    return SOLVED_ANSWERS[value]


def _unrated_reply(case: Case, *, field: str) -> CaseReply:
    """The case's latest answer, which must not have been rated yet (one rating per answer)."""
    reply = CaseReply.objects.filter(case=case).order_by("-at", "-id").first()
    if reply is None:
        raise ValidationFailed(
            _("The case has never been answered; there is nothing to rate."), field=field
        )
    if CaseRating.objects.filter(reply=reply).exists():
        raise ValidationFailed(
            _("This answer has already been rated; each answer is rated once."), field=field
        )
    return reply


def _record_rating(
    case: Case,
    reply: CaseReply,
    *,
    at: datetime,
    satisfaction: str,
    solved: bool,
    comment: str,
    actor: User | None = None,
) -> CaseRating:
    return CaseRating.objects.create(
        case=case,
        reply=reply,
        at=at,
        satisfaction=satisfaction,
        solved=solved,
        callback=actor is not None,
        actor=actor,
        comment=comment,
        first=reply.first,
    )


@transaction.atomic
def case_rate(
    *, number: str, token: str, rating: str, solved: str | bool, comment: str = ""
) -> Case:
    """The requester answers two questions about the answer: was the problem solved, and how
    satisfied they are. 不满意 sends the case back to the same lead unit."""
    case = _lock_by_token(number, token)
    require_state(case, {CaseState.REPLIED}, action=_("rated"))
    if rating not in Rating.values:
        raise ValidationFailed(_("Choose a rating."), field="rating")
    answer = _solved(solved)
    comment = limit_text(comment, field="comment", label=_("Comment"), limit=REASON_MAX)
    reply = _unrated_reply(case, field="rating")
    at = now()
    _record_rating(case, reply, at=at, satisfaction=rating, solved=answer, comment=comment)
    _apply_rating(case, at=at, rating=rating, comment=comment, solved=answer, actor=None, unit=None)
    return case


def _apply_rating(
    case: Case,
    *,
    at: datetime,
    rating: str,
    comment: str,
    solved: bool,
    actor: User | None,
    unit: Unit | None,
) -> None:
    """The case's own row follows the rating of its answer: closed, or reopened on 不满意."""
    before = case.state
    case.rating, case.rating_comment, case.rated_at = rating, comment, at
    reopen = (
        before == CaseState.REPLIED
        and rating == Rating.UNSATISFIED
        and case.reopen_count < settings.CASE_MAX_REOPENS
    )
    if before == CaseState.REPLIED and not reopen:
        case.state = CaseState.CLOSED
        case.closed_at = at
    case.save()
    data: dict[str, object] = {"rating": rating, "solved": solved}
    if actor is not None:
        data["callback"] = True
    events.append(
        case=case,
        kind=EventKind.RATED,
        at=at,
        from_state=before,
        actor=actor,
        unit=unit,
        note=comment,
        data=data,
    )
    if reopen:
        _reopen(case, at=at, actor=None, unit=None, note=comment)


@transaction.atomic
def case_callback(
    *, actor: User, case_id: int, rating: str, solved: str | bool, note: str = ""
) -> Case:
    """回访: staff call the requester back and record their two answers about the latest
    answer, when the requester gave none. Marked as a callback in the figures."""
    case = lock_case(actor=actor, case_id=case_id)
    unit = acting_unit(actor, Capability.DISPATCH, case.desk_unit, from_above=True)
    if rating not in Rating.values:
        raise ValidationFailed(_("Choose a rating."), field="rating")
    answer = _solved(solved)
    note = limit_text(note, field="note", label=_("Note"), limit=REASON_MAX)
    reply = _unrated_reply(case, field="case")
    if case.state not in {CaseState.REPLIED, CaseState.CLOSED}:
        raise ValidationFailed(
            _("A callback asks about an answer the case is waiting on or was closed with."),
            field="case",
        )
    at = now()
    _record_rating(
        case, reply, at=at, satisfaction=rating, solved=answer, comment=note, actor=actor
    )
    _apply_rating(case, at=at, rating=rating, comment=note, solved=answer, actor=actor, unit=unit)
    return case


def _reopen(case: Case, *, at: datetime, actor: User | None, unit: Unit | None, note: str) -> None:
    """重办: back to the same lead unit, to be signed for again, with new deadlines."""
    before = case.state
    assignment = lead_assignment(case)
    co_units = [a.unit for a in case.assignments.filter(active=True, role="co")]
    # A new assignment of the same units, with its own clock: the first one's sign-for and
    # deadlines stay as they were, facts of the answer that was reopened.
    assign(case, lead=assignment.unit, co_units=co_units, at=at)
    case.state = CaseState.ASSIGNED
    case.reopen_count += 1
    case.signed_at = case.replied_at = case.closed_at = None
    case.reply_kind, case.reply_text = "", ""
    # The rating belonged to the answer being reopened (its CaseRating row keeps it); the next
    # answer waits for a rating of its own, and the sweep closes it if none comes.
    case.rating, case.rating_comment, case.rated_at = "", "", None
    case.signed_on_time = case.replied_on_time = None
    case.handling_working_days = None
    # The answer was not accepted, so the unit answers anew: both clocks start from the reopen
    # (the old reply deadline belonged to the answer just rejected), and the event says when.
    start_clocks(case, at)
    stamp_assignment_clocks(case)
    case.save()
    events.append(
        case=case,
        kind=EventKind.REOPENED,
        at=at,
        from_state=before,
        actor=actor,
        unit=unit,
        note=note,
        data={
            "reopen_count": case.reopen_count,
            "sign_deadline": _iso(case.sign_deadline),
            "reply_deadline": _iso(case.reply_deadline),
        },
    )
    notify_units(case, "reopened", [assignment.unit])


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment is not None else ""


@transaction.atomic
def case_reopen(*, actor: User, case_id: int, note: str) -> Case:
    """The desk reopens a case closed as unsatisfied after the automatic reopens ran out."""
    case = lock_case(actor=actor, case_id=case_id)
    require_state(case, {CaseState.CLOSED}, action=_("reopened"))
    if case.rating != Rating.UNSATISFIED:
        raise ValidationFailed(
            _("Only a case the requester was unsatisfied with can be reopened."), field="case"
        )
    unit = acting_unit(actor, Capability.DISPATCH, case.desk_unit, from_above=True)
    note = require_text(note, field="note", label=_("Reason"), limit=REASON_MAX)
    _reopen(case, at=now(), actor=actor, unit=unit, note=note)
    return case


@transaction.atomic
def case_publish(*, actor: User, case_id: int, title: str, text: str, reply: str) -> Case:
    """公示: the request and its answer for the public list, as the publisher reviewed them.

    The publisher starts from publication.case_public_draft and may edit it; what is sent is
    published after the rules no edit may undo are applied again (numbers, the requester's
    name). All three texts are required, so nothing is published without being looked at.
    Never a confidential case."""
    case = lock_case(actor=actor, case_id=case_id)
    require_state(case, {CaseState.CLOSED}, action=_("published"))
    unit = acting_unit(actor, Capability.DISPATCH, case.desk_unit, from_above=True)
    if case.confidential:
        raise ValidationFailed(
            _("The requester asked that this case never be published."), field="case"
        )
    if not case.reply_text:
        raise ValidationFailed(_("A case without an answer cannot be published."), field="case")
    if case.published_at is not None:
        raise ValidationFailed(_("The case is already published."), field="case")
    final = public_texts_final(
        title=require_text(title, field="title", label=_("Public title"), limit=TITLE_MAX),
        text=require_text(text, field="text", label=_("Public request"), limit=TEXT_MAX),
        reply=require_text(reply, field="reply", label=_("Public answer"), limit=TEXT_MAX),
        requester_name=case.requester_name,
    )
    draft = case_public_draft(case)
    edited = [
        field
        for field, mine, theirs in (
            ("title", final.title, draft.title),
            ("text", final.text, draft.text),
            ("reply", final.reply, draft.reply),
        )
        if mine != theirs
    ]
    at = now()
    case.public_title = final.title
    case.public_text = final.text
    case.public_reply = final.reply
    case.published_at = at
    case.save(update_fields=["public_title", "public_text", "public_reply", "published_at"])
    events.append(
        case=case,
        kind=EventKind.PUBLISHED,
        at=at,
        from_state=case.state,
        actor=actor,
        unit=unit,
        data={"edited": edited, "names_found": len(draft.names)},
    )
    return case

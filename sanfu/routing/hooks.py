"""Routing's answers to the case loop's two announcements (`sanfu.cases.announce`, subscribed in
RoutingConfig.ready()): a case came in, a case was sent to a unit.

Each answer is a task on the background queue (`sanfu.cases.queue`), added in the case's own
transaction: nothing routing does — loading the model, segmenting text, writing the index —
runs in, delays or can roll back the taking in or dispatch of a citizen's request, and the
work is never lost: a task that fails is retried with backoff and shown to the operators.
The handlers below run in the worker and raise on any error, so a failed attempt is retried
instead of being marked done.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sanfu.cases import queue
from sanfu.cases.models import Case, Category
from sanfu.directory.models import Unit, User

RECEIVED = "routing.case_received"
ROUTED = "routing.case_routed"


def case_received(case: Case) -> None:
    """Index the new case and record what was suggested for it (at its reception time)."""
    queue.enqueue(RECEIVED, {"case": case.pk}, subject=queue.subject_of("case", case.pk))


def case_routed(case: Case, lead_unit: Unit, actor: User | None, at: datetime) -> None:
    """Record the category and lead unit the desk chose (dispatch, transfer, on the spot)."""
    payload = {
        "case": case.pk,
        "category": case.category_id,
        "lead_unit": lead_unit.pk,
        "actor": actor.pk if actor is not None else None,
        "at": at.isoformat(),
    }
    queue.enqueue(ROUTED, payload, subject=queue.subject_of("case", case.pk))


def run_received(payload: dict[str, Any]) -> queue.Write | None:
    """Segment and suggest outside the transaction; then index and record in it."""
    from sanfu.routing.names import place_segmenter
    from sanfu.routing.selectors import suggestions_for
    from sanfu.routing.services import case_index, suggestion_record
    from sanfu.routing.similar import case_terms

    case = Case.objects.select_related("location_unit").filter(pk=payload["case"]).first()
    if case is None:  # removed since (a test database, a purge): nothing to do
        return None
    terms = case_terms(case, place_segmenter())
    suggestions = suggestions_for(title=case.title, text=case.text, place=case.location_unit)

    def write() -> None:
        case_index(case=case, terms=terms)
        suggestion_record(case=case, suggestions=suggestions, at=case.received_at)

    return write


def run_routed(payload: dict[str, Any]) -> queue.Write | None:
    from sanfu.routing.services import choice_record

    case = Case.objects.filter(pk=payload["case"]).first()
    if case is None:
        return None
    category_id, actor_id = payload["category"], payload["actor"]
    category = Category.objects.filter(pk=category_id).first() if category_id else None
    lead_unit = Unit.objects.filter(pk=payload["lead_unit"]).first()
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    at = datetime.fromisoformat(payload["at"])

    def write() -> None:
        choice_record(case=case, category=category, lead_unit=lead_unit, actor=actor, at=at)

    return write

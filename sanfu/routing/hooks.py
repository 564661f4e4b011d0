"""Routing's answers to the case loop's two announcements (`sanfu.cases.announce`, subscribed in
RoutingConfig.ready()): a case came in, a case was sent to a unit.

Both run after the case's transaction commits (`on_commit(robust=True)`), never inside it: the
case loop keeps its row locks only as long as its own work needs, and nothing routing does —
loading the model, segmenting text, writing the index — can roll back or delay the taking in
or dispatch of a citizen's request. A failure is logged and the case goes on; `sanfu routing
index` fills in any case missing from the similar-cases index.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction

from sanfu.cases.models import Case
from sanfu.directory.models import Unit, User

logger = logging.getLogger(__name__)


def case_received(case: Case) -> None:
    """Index the new case and record what was suggested for it (at its reception time)."""
    case_id = case.pk
    transaction.on_commit(lambda: _received(case_id), robust=True)


def case_routed(case: Case, lead_unit: Unit, actor: User | None, at: datetime) -> None:
    """Record the category and lead unit the desk chose (dispatch, transfer, on the spot)."""
    case_id, category_id, lead_id = case.pk, case.category_id, lead_unit.pk
    actor_id = actor.pk if actor is not None else None
    transaction.on_commit(lambda: _routed(case_id, category_id, lead_id, actor_id, at), robust=True)


def _received(case_id: int) -> None:
    from sanfu.routing.selectors import suggestions_for
    from sanfu.routing.services import case_index, suggestion_record

    try:
        case = Case.objects.select_related("location_unit").get(pk=case_id)
        case_index(case=case)
        suggestions = suggestions_for(title=case.title, text=case.text, place=case.location_unit)
        suggestion_record(case=case, suggestions=suggestions, at=case.received_at)
    except Exception:
        logger.exception("routing: case %s not indexed or suggested for", case_id)


def _routed(
    case_id: int, category_id: int | None, lead_id: int, actor_id: int | None, at: datetime
) -> None:
    from sanfu.cases.models import Category
    from sanfu.routing.services import choice_record

    try:
        case = Case.objects.get(pk=case_id)
        category = Category.objects.filter(pk=category_id).first() if category_id else None
        choice_record(
            case=case,
            category=category,
            lead_unit=Unit.objects.filter(pk=lead_id).first(),
            actor=User.objects.filter(pk=actor_id).first() if actor_id else None,
            at=at,
        )
    except Exception:
        logger.exception("routing: choice for case %s not recorded", case_id)

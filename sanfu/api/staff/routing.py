"""Smart routing in the staff API: suggestions and similar cases for a text being taken in, and
a case's possible duplicates. Scoped like the workbench: only cases the caller may see, a
place or case outside their area is a 404."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Schema
from pydantic import Field

from sanfu.api.staff import schemas
from sanfu.api.staff.actions import idempotent
from sanfu.api.staff.present import case_summary, category_ref, unit_ref
from sanfu.api.staff.reads import user_of, visible_unit
from sanfu.api.staff.routes import router
from sanfu.cases.selectors import case_get_for_user
from sanfu.routing.selectors import similar_cases, similar_to_case, suggestions_for
from sanfu.routing.similar import SimilarCase
from sanfu.routing.suggest import Suggestions

# Long enough for any pasted message: the router itself reads only the first few thousand
# characters, and an enormous text is answered, not refused, up to this bound.
TEXT_LIMIT = 100_000


class SuggestIn(Schema):
    title: Annotated[str, Field(max_length=1000)] = ""
    text: Annotated[str, Field(max_length=TEXT_LIMIT)] = ""
    location_unit: schemas.Id | None = None


class CategorySuggestionOut(Schema):
    label: str
    category: schemas.CategoryRef | None
    confidence: float | None
    source: str
    rule_id: int | None


class UnitSuggestionOut(Schema):
    unit: schemas.UnitRef
    source: str
    rule_id: int | None


class SimilarOut(Schema):
    case: schemas.CaseSummary
    score: float
    similarity: float
    same_village: bool
    is_open: bool


class SuggestOut(Schema):
    categories: list[CategorySuggestionOut]
    lead_unit: UnitSuggestionOut | None
    model_version: str
    similar: list[SimilarOut]


class SimilarList(Schema):
    similar: list[SimilarOut]


def _suggestions(found: Suggestions) -> dict[str, Any]:
    lead = found.lead_unit
    return {
        "categories": [
            {
                "label": item.label,
                "category": category_ref(item.category),
                "confidence": item.confidence,
                "source": item.source,
                "rule_id": item.rule.pk if item.rule else None,
            }
            for item in found.categories
        ],
        "lead_unit": (
            {
                "unit": unit_ref(lead.unit),
                "source": lead.source,
                "rule_id": lead.rule.pk if lead.rule else None,
            }
            if lead is not None
            else None
        ),
        "model_version": found.model_version,
    }


def _similar(found: list[SimilarCase]) -> list[dict[str, Any]]:
    return [
        {
            "case": case_summary(item.case),
            "score": item.score,
            "similarity": item.similarity,
            "same_village": item.same_village,
            "is_open": item.is_open,
        }
        for item in found
    ]


@router.post(
    tags=["routing"],
    path="/routing/suggest",
    response=SuggestOut,
    summary="Suggested category and lead unit, and similar cases, for a text being taken in",
)
@idempotent
def suggest(request: HttpRequest, body: SuggestIn) -> dict[str, Any]:
    """Changes nothing. Similar cases need the place (`location_unit`): the same town, the
    last 90 days, only cases the caller may see."""
    user = user_of(request)
    place = (
        visible_unit(user, body.location_unit, field="location_unit")
        if body.location_unit is not None
        else None
    )
    found = suggestions_for(title=body.title, text=body.text, place=place)
    similar = (
        similar_cases(user=user, title=body.title, text=body.text, place=place)
        if place is not None
        else []
    )
    return {**_suggestions(found), "similar": _similar(similar)}


@router.get(
    tags=["routing"],
    path="/cases/{case_id}/similar",
    response=SimilarList,
    summary="Possible duplicates of a case, best first",
)
def case_similar(request: HttpRequest, case_id: schemas.Id) -> dict[str, Any]:
    user = user_of(request)
    case = case_get_for_user(user=user, case_id=case_id)
    return {"similar": _similar(similar_to_case(user=user, case=case))}

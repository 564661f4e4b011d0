"""Similar and duplicate cases: "open and recent cases in the same place that say the same
thing", fast enough to ask while someone types.

How it stays fast with millions of cases: each case's top keywords are written once, at intake,
into an inverted index (CaseTerm) keyed by the case's town. A search reads only the index
entries for the new text's keywords, in the same town, since the start of the window — a few
thousand index rows at most, whatever the size of the table — counts shared keywords per case,
and scores the best candidates exactly with their stored weights.

Score of a candidate = cosine of the keyword vectors, + PLACE_BONUS when it lies in the same
village or community (or is the same grid), + OPEN_BONUS when it is still open (a duplicate of
an open case is the one worth merging). Candidates below MIN_SIMILARITY are not shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count

from sanfu.cases.models import OPEN_STATES, Case, CaseState
from sanfu.directory.models import Unit, UnitKind
from sanfu.lib.treepath import path_ids
from sanfu.routing.keywords import (
    cosine,
    hashed,
    keyword_weights,
    signature_parse,
    signature_text,
)
from sanfu.routing.models import CaseSignature, CaseTerm
from sanfu.routing.text import Segmenter

WINDOW_DAYS = 90
CANDIDATES = 60
MIN_SHARED = 2
MIN_SIMILARITY = 0.25
PLACE_BONUS = 0.1
OPEN_BONUS = 0.05
# Not offered as duplicates: a merged case points at its master, which is offered itself.
HIDDEN_STATES = frozenset({CaseState.MERGED})


def town_id_of(path: str) -> int:
    """The town or sub-district a place lies in (the county itself for a county-level place)."""
    ids = path_ids(path)
    return ids[1] if len(ids) > 1 else ids[0]


def village_path_of(unit: Unit) -> str:
    """The village or community a place lies in, as a path prefix (a grid → its village)."""
    path = str(unit.path)
    if unit.kind == UnitKind.GRID:
        return path[: -len(path.split(".")[-2]) - 1]
    return path


def case_terms(case: Case, segmenter: Segmenter | None = None) -> dict[int, float]:
    return hashed(keyword_weights(case.title, case.text, segmenter=segmenter))


def index_rows(case: Case, terms: dict[int, float]) -> tuple[CaseSignature, list[CaseTerm]]:
    town = town_id_of(case.location_unit.path)
    signature = CaseSignature(case=case, terms=signature_text(terms))
    rows = [
        CaseTerm(case=case, town_id=town, term=term, received_at=case.received_at) for term in terms
    ]
    return signature, rows


@dataclass(frozen=True)
class SimilarCase:
    case: Case
    score: float
    similarity: float  # cosine of the keyword vectors, 0..1
    same_village: bool
    is_open: bool


@dataclass(frozen=True)
class Query:
    terms: dict[int, float]
    place: Unit
    since: datetime
    exclude: int | None = None


def candidate_ids(query: Query) -> list[int]:
    """Cases in the same town since `since` sharing the most keywords with the query."""
    if not query.terms:
        return []
    rows = CaseTerm.objects.filter(
        town_id=town_id_of(query.place.path),
        term__in=list(query.terms),
        received_at__gte=query.since,
    )
    if query.exclude is not None:
        rows = rows.exclude(case_id=query.exclude)
    shared = (
        rows.values("case_id")
        .annotate(shared=Count("*"))
        .filter(shared__gte=min(MIN_SHARED, len(query.terms)))
        .order_by("-shared", "-case_id")[:CANDIDATES]
    )
    return [row["case_id"] for row in shared]


def similarities(query: Query, ids: list[int], keep: int) -> dict[int, float]:
    """The candidates' exact keyword cosine, best `keep` at or above MIN_SIMILARITY.

    Computed from the stored signatures before any case row is read: building a few dozen
    Case objects costs more than all the queries together.
    """
    signatures = CaseSignature.objects.filter(case_id__in=ids).values_list("case_id", "terms")
    scored = {pk: cosine(query.terms, signature_parse(terms)) for pk, terms in signatures}
    best = sorted(
        ((pk, value) for pk, value in scored.items() if value >= MIN_SIMILARITY),
        key=lambda item: (-item[1], -item[0]),
    )
    return dict(best[:keep])


def rank(
    query: Query, cases: Iterable[Case], similarity: dict[int, float], limit: int
) -> list[SimilarCase]:
    village = village_path_of(query.place)
    found = []
    for case in cases:
        value = similarity[case.pk]
        same_village = case.location_unit.path.startswith(village)
        is_open = case.state in OPEN_STATES
        score = value + PLACE_BONUS * same_village + OPEN_BONUS * is_open
        found.append(SimilarCase(case, round(score, 4), round(value, 4), same_village, is_open))
    found.sort(key=lambda s: (-s.score, -s.case.received_at.timestamp(), -s.case.pk))
    return found[:limit]


def window_start(now: datetime, days: int = WINDOW_DAYS) -> datetime:
    return now - timedelta(days=days)

"""Reads of the routing app, each scoped by `Case.objects.visible_to(user)`.

- `suggestions_for`: suggested categories and lead unit for a draft (intake forms, Open311);
- `similar_cases` / `similar_to_case`: possible duplicates to show and merge;
- `hotspots_for`: the leaders' hot-spot view over the cases a person may see;
- `routing_accuracy`: how often dispatchers took the suggestion, from the recorded choices.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from sanfu.cases import queue
from sanfu.cases.models import Case, CaseState, Category
from sanfu.directory.models import Unit
from sanfu.directory.querysets import AnyUser
from sanfu.routing.hotspots import (
    GAP_DAYS,
    SIMILARITY,
    Hotspot,
    Item,
    cluster_items,
    describe,
    rank_hotspots,
)
from sanfu.routing.keywords import hashed, keyword_weights, signature_parse
from sanfu.routing.models import CaseSignature, Choice, Suggestion, SuggestionKind
from sanfu.routing.names import place_segmenter
from sanfu.routing.review import Flag, case_reply_review
from sanfu.routing.similar import (
    HIDDEN_STATES,
    WINDOW_DAYS,
    Query,
    SimilarCase,
    candidate_ids,
    rank,
    similarities,
    village_path_of,
    window_start,
)
from sanfu.routing.suggest import (
    CategorySuggestion,
    Suggestions,
    UnitSuggestion,
    load_router,
    suggest,
)

SIMILAR_LIMIT = 10
# Published answers stay useful longer than open duplicates.
PUBLISHED_WINDOW_DAYS = 365
HOTSPOT_DAYS = 30
HOTSPOT_MAX_CASES = 20_000


def suggestions_for(*, title: str, text: str, place: Unit | None) -> Suggestions:
    """What to suggest for a case being written; works with or without a trained model."""
    return suggest(title=title, text=text, place=place, router=load_router())


def similar_cases(
    *,
    user: AnyUser,
    title: str,
    text: str,
    place: Unit,
    exclude_case_id: int | None = None,
    days: int = WINDOW_DAYS,
    limit: int = SIMILAR_LIMIT,
    now: datetime | None = None,
) -> list[SimilarCase]:
    """Cases this person may see, in the same town within `days`, that say the same thing."""
    terms = hashed(keyword_weights(title, text, segmenter=place_segmenter()))
    return _similar(
        user, Query(terms, place, window_start(now or timezone.now(), days), exclude_case_id), limit
    )


def similar_to_case(
    *, user: AnyUser, case: Case, days: int = WINDOW_DAYS, limit: int = SIMILAR_LIMIT
) -> list[SimilarCase]:
    """Possible duplicates of a case, around the time it came in (for its page)."""
    stored = CaseSignature.objects.filter(case=case).values_list("terms", flat=True).first()
    terms = (
        signature_parse(stored)
        if stored is not None
        else hashed(keyword_weights(case.title, case.text, segmenter=place_segmenter()))
    )
    since = case.received_at - timedelta(days=days)
    return _similar(user, Query(terms, case.location_unit, since, case.pk), limit)


def similar_published_cases(
    *, title: str, text: str, place: Unit, limit: int = SIMILAR_LIMIT, now: datetime | None = None
) -> list[SimilarCase]:
    """For the public portal while someone writes: similar cases already answered and
    published (公示), so they can read the answer instead of asking again. Show only their
    public_title / public_reply: the rest of a case is not public."""
    terms = hashed(keyword_weights(title, text, segmenter=place_segmenter()))
    since = window_start(now or timezone.now(), PUBLISHED_WINDOW_DAYS)
    published = Case.objects.filter(published_at__isnull=False, confidential=False)
    return _similar_in(published, Query(terms, place, since), limit)


def _similar(user: AnyUser, query: Query, limit: int) -> list[SimilarCase]:
    return _similar_in(Case.objects.visible_to(user), query, limit)


def _similar_in(base: QuerySet[Case], query: Query, limit: int) -> list[SimilarCase]:
    # Twice the limit: some candidates may be invisible to this person, or merged, and the
    # place and open bonuses may reorder the best few.
    similarity = similarities(query, candidate_ids(query), keep=2 * limit)
    if not similarity:
        return []
    cases = (
        base.filter(pk__in=list(similarity))
        .exclude(state__in=HIDDEN_STATES)
        .select_related("location_unit", "category")
    )
    return rank(query, cases, similarity, limit)


def hotspots_for(
    *,
    user: AnyUser,
    area: Unit | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    top: int = 10,
) -> list[Hotspot]:
    """Hot spots among the cases this person may see, placed in `area`, received in
    [since, until) (default: the last 30 days). Each hot spot's `keys` are case ids."""
    until = until or timezone.now()
    since = since or until - timedelta(days=HOTSPOT_DAYS)
    cases = _hotspot_cases(user, area, since, until)
    signatures = dict(
        CaseSignature.objects.filter(case_id__in=[c.pk for c in cases]).values_list(
            "case_id", "terms"
        )
    )
    items = [_item(case, signatures.get(case.pk, "")) for case in cases]
    clusters = cluster_items(items, similarity=SIMILARITY, gap_days=GAP_DAYS)
    places = {c.pk: c.location_unit for c in cases}
    hotspots = []
    for cluster in clusters:
        if len(cluster.items) < 2:
            continue
        unit = places[int(cluster.items[0].key)]
        hotspots.append(describe(cluster, _place_name(unit)))
    return rank_hotspots(hotspots, top)


def _hotspot_cases(
    user: AnyUser, area: Unit | None, since: datetime, until: datetime
) -> list[Case]:
    cases: QuerySet[Case] = Case.objects.visible_to(user).filter(
        received_at__gte=since, received_at__lt=until
    )
    if area is not None:
        cases = cases.filter(location_unit__path__descendant=area.path)
    # The newest first, so a window too wide for one request still shows what is hot now.
    return list(
        cases.exclude(state=CaseState.REJECTED)
        .select_related("location_unit", "location_unit__parent")
        .order_by("-received_at")[:HOTSPOT_MAX_CASES]
    )


def _item(case: Case, signature: str) -> Item:
    person = case.requester_id_number or case.requester_phone or f"case:{case.pk}"
    return Item(
        key=str(case.pk),
        title=case.title,
        at=case.received_at,
        terms=dict(signature_parse(signature)),
        place=village_path_of(case.location_unit),
        person=person,
    )


def _place_name(unit: Unit) -> str:
    if unit.kind == "grid" and unit.parent is not None:
        return unit.parent.name
    return unit.name


@dataclass(frozen=True)
class Accuracy:
    cases: int  # cases with a recorded choice in the period
    category_top1: float | None  # share whose first suggested category was chosen
    category_top3: float | None
    lead_unit: float | None  # share whose suggested lead unit was chosen
    by_source: dict[str, float]  # top-1 category share per source (rule, model)


def routing_accuracy(
    *, user: AnyUser, since: datetime | None = None, until: datetime | None = None
) -> Accuracy:
    """From real use: each case's last choice against what was suggested before it, with
    categories compared at the first level (a rule may name a finer category)."""
    choices = Choice.objects.filter(case__in=Case.objects.visible_to(user))
    if since is not None:
        choices = choices.filter(at__gte=since)
    if until is not None:
        choices = choices.filter(at__lt=until)
    last: dict[int, Choice] = {}
    for choice in choices.select_related("category").order_by("at", "pk"):
        last[choice.case_id] = choice
    suggestions = Suggestion.objects.filter(case_id__in=list(last)).select_related("category")
    fields = _field_names()
    hits = {"top1": 0, "top3": 0, "unit": 0, "unit_n": 0, "cat_n": 0}
    per_source: dict[str, list[int]] = {}
    by_case: dict[int, list[Suggestion]] = {}
    for row in suggestions.order_by("rank"):
        by_case.setdefault(row.case_id, []).append(row)
    for case_id, choice in last.items():
        before = [r for r in by_case.get(case_id, []) if r.at <= choice.at]
        # The last set of suggestions shown before the decision (a case may be suggested
        # for again, e.g. after a return).
        latest = max((r.at for r in before), default=None)
        rows = [r for r in before if r.at == latest]
        _score(choice, rows, fields, hits, per_source)
    return Accuracy(
        cases=len(last),
        category_top1=_share(hits["top1"], hits["cat_n"]),
        category_top3=_share(hits["top3"], hits["cat_n"]),
        lead_unit=_share(hits["unit"], hits["unit_n"]),
        by_source={k: round(v[0] / v[1], 4) for k, v in per_source.items() if v[1]},
    )


def _score(
    choice: Choice,
    rows: list[Suggestion],
    fields: dict[int, str],
    hits: dict[str, int],
    per_source: dict[str, list[int]],
) -> None:
    categories = [r for r in rows if r.kind == SuggestionKind.CATEGORY]
    if categories and choice.category_id is not None:
        chosen = fields.get(choice.category_id)
        named = [fields.get(r.category_id) if r.category_id else r.label for r in categories]
        hits["cat_n"] += 1
        hits["top1"] += named[0] == chosen
        hits["top3"] += chosen in named[:3]
        tally = per_source.setdefault(categories[0].source, [0, 0])
        tally[0] += named[0] == chosen
        tally[1] += 1
    units = [r for r in rows if r.kind == SuggestionKind.LEAD_UNIT]
    if units and choice.lead_unit_id is not None:
        hits["unit_n"] += 1
        hits["unit"] += units[-1].unit_id == choice.lead_unit_id


def _field_names() -> dict[int, str]:
    """Every category's first-level name, by id (the catalogue has a few hundred rows)."""
    rows = {c.pk: c for c in Category.objects.all()}
    names: dict[int, str] = {}
    for pk, category in rows.items():
        node = category
        while node.parent_id is not None and node.parent_id in rows:
            node = rows[node.parent_id]
        names[pk] = node.name
    return names


def _share(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def suggestion_pending(*, case: Case) -> bool:
    """Whether the case's suggestion is still waiting for the background worker."""
    from sanfu.routing.hooks import RECEIVED

    return queue.task_pending(queue.subject_of("case", case.pk), kind=RECEIVED)


def suggestions_for_case(*, case: Case) -> Suggestions:
    """What was suggested for a case when it came in (the record), or, for a case taken in
    before routing was wired, what would be suggested now. The caller has read `case`
    through `visible_to`."""
    rows = list(
        Suggestion.objects.filter(case=case)
        .select_related("category", "unit", "rule")
        .order_by("-at", "kind", "rank")
    )
    if not rows:
        return suggestions_for(title=case.title, text=case.text, place=case.location_unit)
    latest = [row for row in rows if row.at == rows[0].at]
    categories = [
        CategorySuggestion(row.label, row.category, row.confidence, row.source, row.rule)
        for row in latest
        if row.kind == SuggestionKind.CATEGORY
    ]
    units = [
        UnitSuggestion(row.unit, row.source, row.rule)
        for row in latest
        if row.kind == SuggestionKind.LEAD_UNIT and row.unit is not None
    ]
    version = next((row.model_version for row in latest if row.model_version), "")
    return Suggestions(categories, units[0] if units else None, version)


REVIEW_DAYS = 14
REVIEW_LIMIT = 60


@dataclass(frozen=True)
class ReviewedReply:
    case: Case
    flags: list[Flag]


def replies_to_review(
    *, user: AnyUser, days: int = REVIEW_DAYS, limit: int = REVIEW_LIMIT
) -> list[ReviewedReply]:
    """Answers sent in the last `days` to cases this person sees, that reply review flags;
    the newest `limit` answers are read."""
    since = timezone.now() - timedelta(days=days)
    cases = (
        Case.objects.visible_to(user)
        .filter(replied_at__gte=since, state__in=[CaseState.REPLIED, CaseState.CLOSED])
        .exclude(reply_text="")
        .select_related("reply_unit")
        .order_by("-replied_at", "-pk")[:limit]
    )
    found = []
    for case in cases:
        flags = case_reply_review(case)
        if flags:
            found.append(ReviewedReply(case, flags))
    return found


def replay_pending() -> QuerySet[Case]:
    """Closed cases with a final category and lead unit for which routing recorded neither a
    suggestion nor a choice: history from before routing watched, for `history_replay`."""
    return (
        Case.objects.filter(state=CaseState.CLOSED, category__isnull=False, lead_unit__isnull=False)
        .exclude(pk__in=Suggestion.objects.values("case_id"))
        .exclude(pk__in=Choice.objects.values("case_id"))
        .select_related("location_unit", "category", "lead_unit")
        .order_by("pk")
    )

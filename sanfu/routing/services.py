"""Writes of the routing app: recording suggestions and choices, indexing cases, rules.

The case loop's announcements reach `case_index` and `suggestion_record` (intake) and
`choice_record` (dispatch) through tasks on the background queue (`routing.hooks`), never in
the request. They raise on a database error: inside a task, an error must fail the attempt so
that it is retried, not be logged away and the task marked done.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.cases.models import Case, Category
from sanfu.directory.models import Unit, User
from sanfu.lib.errors import ValidationFailed
from sanfu.routing.keywords import hashed, keyword_weights
from sanfu.routing.model import Router
from sanfu.routing.models import (
    KEYWORDS_MAX,
    CaseSignature,
    CaseTerm,
    Choice,
    Rule,
    Source,
    Suggestion,
    SuggestionKind,
)
from sanfu.routing.names import place_segmenter
from sanfu.routing.selectors import replay_pending
from sanfu.routing.similar import case_terms, index_rows
from sanfu.routing.suggest import Suggestions, field_of, suggest
from sanfu.routing.text import Segmenter, clean, is_meaningful

# Administrators separate keywords with spaces, commas or enumeration commas.
_SEPARATORS = re.compile(r"[\s,，、;；]+")


def suggestion_record(
    *, case: Case, suggestions: Suggestions, at: datetime | None = None
) -> list[Suggestion]:
    """Keep what was suggested for `case`, so accuracy can be reported from real use."""
    at = at or timezone.now()
    rows = [
        Suggestion(
            case=case,
            kind=SuggestionKind.CATEGORY,
            source=item.source,
            rank=rank,
            label=item.label[:100],
            category=item.category,
            rule=item.rule,
            confidence=item.confidence,
            model_version=suggestions.model_version if item.source == Source.MODEL else "",
            at=at,
        )
        for rank, item in enumerate(suggestions.categories, start=1)
    ]
    if suggestions.lead_unit is not None:
        rows.append(
            Suggestion(
                case=case,
                kind=SuggestionKind.LEAD_UNIT,
                source=suggestions.lead_unit.source,
                rank=1,
                unit=suggestions.lead_unit.unit,
                rule=suggestions.lead_unit.rule,
                at=at,
            )
        )
    with transaction.atomic():
        created = Suggestion.objects.bulk_create(rows)
        # The desk may have decided before the worker got here: mark what it followed, as
        # `choice_record` would have had the suggestions been there first.
        for choice in Choice.objects.filter(case=case).order_by("at", "pk"):
            _mark_chosen(choice)
    return created


def choice_record(
    *,
    case: Case,
    category: Category | None,
    lead_unit: Unit | None,
    actor: User | None = None,
    at: datetime | None = None,
) -> Choice:
    """Keep the dispatcher's decision and mark which suggestions it followed."""
    at = at or timezone.now()
    with transaction.atomic():
        choice = Choice.objects.create(
            case=case, category=category, lead_unit=lead_unit, actor=actor, at=at
        )
        _mark_chosen(choice)
    return choice


def _mark_chosen(choice: Choice) -> None:
    """Mark which of the case's still unmarked suggestions the choice followed."""
    case, category, lead_unit = choice.case, choice.category, choice.lead_unit
    pending = Suggestion.objects.filter(case=case, chosen__isnull=True)
    # Fields are compared: a rule may suggest a matter, the model a first-level field.
    field = field_of(category) if category is not None else None
    for row in pending.filter(kind=SuggestionKind.CATEGORY).select_related("category"):
        named = field_of(row.category) if row.category is not None else row.label
        row.chosen = field is not None and named == field
        row.save(update_fields=["chosen"])
    pending.filter(kind=SuggestionKind.LEAD_UNIT).update(chosen=False)
    if lead_unit is not None:
        Suggestion.objects.filter(
            case=case, kind=SuggestionKind.LEAD_UNIT, unit=lead_unit, at__lte=choice.at
        ).update(chosen=True)


@dataclass(frozen=True)
class Replayed:
    cases: int
    suggestions: int


def history_replay(
    *, router: Router | None, progress: Callable[[int], None] | None = None
) -> Replayed:
    """Record suggestions and choices for cases routed before routing recorded them (the
    demo's seeded history, a county's imported past; `selectors.replay_pending`): what today's
    rules and model suggest from each case's title and text, as at its reception, and its final
    category and lead unit as the choice, at its dispatch. The same writes as live intake and
    dispatch, so the accuracy page then reads the model against the decisions actually taken.
    A case that already has a recorded suggestion or choice is not pending: left as it is."""
    done = suggested = 0
    for case in replay_pending().iterator(chunk_size=500):
        suggestions = suggest(
            title=case.title, text=case.text, place=case.location_unit, router=router
        )
        received = case.received_at
        decided = max(received, case.dispatched_at or case.closed_at or received)
        suggested += len(suggestion_record(case=case, suggestions=suggestions, at=received))
        choice_record(case=case, category=case.category, lead_unit=case.lead_unit, at=decided)
        done += 1
        if progress is not None and done % 500 == 0:
            progress(done)
    return Replayed(done, suggested)


def case_index(
    *, case: Case, segmenter: Segmenter | None = None, terms: dict[int, float] | None = None
) -> bool:
    """Add (or refresh) the case in the similar-cases index (True); raises if it cannot.

    `terms`, computed before (outside the transaction), spares segmenting in it."""
    if terms is None:
        terms = case_terms(case, segmenter or place_segmenter())
    with transaction.atomic():
        CaseTerm.objects.filter(case=case).delete()
        signature, rows = index_rows(case, terms)
        CaseSignature.objects.update_or_create(case=case, defaults={"terms": signature.terms})
        CaseTerm.objects.bulk_create(rows)
    return True


def cases_index(
    *,
    cases: Iterable[Case],
    batch_size: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Index many cases (a backfill); texts seen before in the run are not segmented again."""
    memo: dict[tuple[str, str], dict[int, float]] = {}
    done = 0
    batch: list[Case] = []
    for case in cases:
        batch.append(case)
        if len(batch) >= batch_size:
            done += _index_batch(batch, memo)
            batch = []
            if progress is not None:
                progress(done)
    done += _index_batch(batch, memo)
    if progress is not None:
        progress(done)
    return done


def _index_batch(batch: Sequence[Case], memo: dict[tuple[str, str], dict[int, float]]) -> int:
    if not batch:
        return 0
    signatures, terms = [], []
    for case in batch:
        key = (case.title, case.text)
        if key not in memo:
            if len(memo) > 200_000:  # bound the memory of a huge backfill
                memo.clear()
            memo[key] = hashed(keyword_weights(case.title, case.text, segmenter=place_segmenter()))
        signature, rows = index_rows(case, memo[key])
        signatures.append(signature)
        terms.extend(rows)
    ids = [case.pk for case in batch]
    with transaction.atomic():
        CaseTerm.objects.filter(case_id__in=ids).delete()
        CaseSignature.objects.filter(case_id__in=ids).delete()
        CaseSignature.objects.bulk_create(signatures)
        CaseTerm.objects.bulk_create(terms, batch_size=5000)
    return len(batch)


def keywords_normalise(keywords: str) -> str:
    """A rule's keywords as matching reads them: cleaned, lower case, one space apart, each
    once; refused when nothing meaningful is left or it is too long."""
    words = [w for w in _SEPARATORS.split(clean(keywords, limit=1000)) if is_meaningful(w)]
    if not words:
        raise ValidationFailed(_("Give at least one keyword."), field="keywords")
    joined = " ".join(dict.fromkeys(words))
    if len(joined) > KEYWORDS_MAX:
        raise ValidationFailed(
            _("At most %(limit)d characters of keywords.") % {"limit": KEYWORDS_MAX},
            field="keywords",
        )
    return joined


@transaction.atomic
def rule_create(
    *,
    keywords: str,
    category: Category,
    lead_unit: Unit | None = None,
    area: Unit | None = None,
    note: str = "",
) -> Rule:
    joined = keywords_normalise(keywords)
    if lead_unit is not None and not lead_unit.is_active:
        raise ValidationFailed(_("This unit is no longer active."), field="lead_unit")
    return Rule.objects.create(
        keywords=joined, category=category, lead_unit=lead_unit, area=area, note=note[:200]
    )

"""Suggested category and lead unit for a new case: rules first, the model as fallback.

The dispatcher always decides. What is suggested:
1. categories, up to three, best first: every active rule whose keywords all appear (most
   keywords first, so the more specific rule wins), then the matters the text names in
   residents' words (`categories.leaves_suggested`), then the model's first-level categories
   with calibrated confidence, skipping a field already named;
2. the lead unit: the first matching rule's unit if it names one, otherwise the catalogue's
   unit for the top category and the place (`cases.catalogue.suggest_lead_unit`).

`load_router()` reads the model file once per process and again only when the file changes;
it returns None when no model has been trained, so intake works before any training.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from sanfu.cases.catalogue import suggest_lead_unit
from sanfu.cases.models import Category
from sanfu.directory.models import Unit
from sanfu.routing import storage
from sanfu.routing.categories import leaves_suggested
from sanfu.routing.model import Router
from sanfu.routing.models import Rule, Source
from sanfu.routing.names import place_segmenter
from sanfu.routing.text import Segmenter, clean

logger = logging.getLogger(__name__)
TOP = 3
# Below this the model's guess is not shown: with seven fields a uniform guess is 0.14.
MIN_CONFIDENCE = 0.05


@dataclass(frozen=True)
class CategorySuggestion:
    label: str
    category: Category | None
    confidence: float | None
    source: str
    rule: Rule | None = None


@dataclass(frozen=True)
class UnitSuggestion:
    unit: Unit
    source: str
    rule: Rule | None = None


@dataclass(frozen=True)
class Suggestions:
    categories: list[CategorySuggestion] = field(default_factory=list)
    lead_unit: UnitSuggestion | None = None
    model_version: str = ""


_cache: dict[str, tuple[float, Router | None]] = {}
_cache_lock = threading.Lock()


def load_router(path: Path | None = None, *, segmenter: Segmenter | None = None) -> Router | None:
    """The trained model, or None when there is none (or it cannot be trusted or read)."""
    target = path or storage.default_model_path()
    try:
        stamp = target.stat().st_mtime
    except OSError:
        return None
    key = str(target)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            router: Router | None = Router.load(target, segmenter=segmenter or place_segmenter())
        except (storage.UntrustedModel, storage.ModelFormatError, OSError) as exc:
            logger.warning("routing model not loaded: %s", exc)
            router = None
        _cache[key] = (stamp, router)
        return router


def forget_router() -> None:
    with _cache_lock:
        _cache.clear()


def matching_rules(title: str, text: str, place: Unit | None) -> list[Rule]:
    """Active rules whose keywords all appear and whose area (if any) holds the place."""
    haystack = f"{clean(title, limit=200)} {clean(text)}"
    found = []
    for rule in Rule.objects.filter(is_active=True).select_related("category", "lead_unit", "area"):
        words = [clean(w) for w in rule.words]
        if not words or not all(w and w in haystack for w in words):
            continue
        if rule.area is not None and (place is None or not place.path.startswith(rule.area.path)):
            continue
        found.append(rule)
    found.sort(key=lambda r: (-len(r.words), -len(r.keywords), r.pk))
    return found


def field_of(category: Category) -> str:
    """The first-level name a category belongs to."""
    node = category
    while node.parent_id is not None:
        node = Category.objects.get(pk=node.parent_id)
    return node.name


def suggest(
    *, title: str, text: str, place: Unit | None, router: Router | None = None
) -> Suggestions:
    rules = matching_rules(title, text, place)
    categories: list[CategorySuggestion] = []
    fields: set[str] = set()
    for rule in rules:
        if len(categories) == TOP:
            break
        if any(c.category == rule.category for c in categories):
            continue
        categories.append(
            CategorySuggestion(rule.category.name, rule.category, 1.0, Source.RULE, rule)
        )
        fields.add(field_of(rule.category))
    # Then the matters the text names in residents' words (路灯 → 城市公共设施), finer than
    # the model's fields, which fill what is left.
    if len(categories) < TOP:
        for leaf in leaves_suggested(title=title, text=text, limit=TOP, router=router):
            if len(categories) == TOP:
                break
            if any(c.category == leaf for c in categories):
                continue
            categories.append(CategorySuggestion(leaf.name, leaf, None, Source.CATALOGUE))
            fields.add(field_of(leaf))
    version = ""
    if router is not None and len(categories) < TOP:
        version = router.version
        predictions = [
            p
            for p in router.predict(title, text, top=len(router.labels))
            if p.label not in fields and p.probability >= MIN_CONFIDENCE
        ]
        by_name = {
            c.name: c
            for c in Category.objects.filter(level=1, name__in=[p.label for p in predictions])
        }
        for prediction in predictions[: TOP - len(categories)]:
            categories.append(
                CategorySuggestion(
                    prediction.label,
                    by_name.get(prediction.label),
                    prediction.probability,
                    Source.MODEL,
                )
            )
    return Suggestions(categories, _lead_unit(rules, categories, place), version)


def _lead_unit(
    rules: list[Rule], categories: list[CategorySuggestion], place: Unit | None
) -> UnitSuggestion | None:
    for rule in rules:
        if rule.lead_unit is not None and rule.lead_unit.is_active:
            return UnitSuggestion(rule.lead_unit, Source.RULE, rule)
    if place is None:
        return None
    top = categories[0].category if categories else None
    unit = suggest_lead_unit(category=top, location_unit=place)
    return UnitSuggestion(unit, Source.CATALOGUE) if unit is not None else None

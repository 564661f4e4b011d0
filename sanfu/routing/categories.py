"""Finding a matter (a level-3 category) by what a resident or a call-taker types.

Two reads over the catalogue, both using the colloquial words in data/category_synonyms.csv
(路灯 → 城市公共设施, 欠薪 → 工资发放, 噪音 → 噪音污染): residents name what they see, the
catalogue names what the office calls it, and the two rarely share a character.

- `category_search(query)`: the search box. The front door's index does the matching (words
  inside names, another word for the matter, pinyin `ludeng`, initials `ld`, typos), with each
  matter's synonyms and broader categories as its other names. A sentence typed into the box
  that names nothing also gets the suggestion below.
- `leaves_suggested(title=…, text=…)`: the matters a request most likely belongs to, for the
  submit form and intake: synonyms and matter names found in the text, weighted by length, with
  the routing model's first-level probabilities as a tie-breaker (rules first, model second).
"""

from __future__ import annotations

import csv
import re
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

from sanfu.cases.models import Category
from sanfu.frontdoor.search import Entry, SearchIndex
from sanfu.routing.model import Router
from sanfu.routing.text import clean

SYNONYMS_PATH = Path(__file__).resolve().parent / "data" / "category_synonyms.csv"
SEARCH_LIMIT = 8
SUGGEST_LIMIT = 3
# A sentence typed into the search box (not a word) also gets the text's suggestion.
SENTENCE_CHARS = 4
# Leaves named this way say nothing about a request's subject.
_VAGUE = frozenset({"其他", "其他污染", "其他补贴", "其他野生资源管理"})
# How much the model's first-level probability adds: enough to order matters found by the same
# words, too little to outweigh a word found in the text.
MODEL_WEIGHT = 1.5
# A shared two-character word with a matter's name: weaker evidence than a synonym.
BIGRAM_WEIGHT = 0.5
RELATIVE_FLOOR = 0.25
_HAN = re.compile(r"[\u4e00-\u9fff]+")
SHORT_CHINESE = 3
_HAN_OR_WORD = re.compile(r"[\u4e00-\u9fff]|[a-z0-9]+")


def _path(category: Category) -> str:
    names = [category.name]
    node = category
    while node.parent is not None:
        node = node.parent
        names.append(node.name)
    return "/".join(reversed(names))


@cache
def synonyms() -> dict[str, tuple[str, ...]]:
    """Category path (`level1/level2/level3`) → the colloquial words for it."""
    found: dict[str, list[str]] = defaultdict(list)
    with SYNONYMS_PATH.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            word = clean(row["word"])
            if word and word not in found[row["category"]]:
                found[row["category"]].append(word)
    return {path: tuple(words) for path, words in found.items()}


@dataclass(frozen=True)
class Leaf:
    category: Category
    path: str
    field: str
    words: tuple[str, ...]
    name_bigrams: frozenset[str]


@dataclass(frozen=True)
class Catalogue:
    leaves: list[Leaf]
    index: SearchIndex
    by_pk: dict[int, Leaf]


_lock = threading.Lock()
_cached: tuple[tuple[tuple[int, str, int | None, int, bool], ...], Catalogue] | None = None


def _bigrams(text: str) -> frozenset[str]:
    tokens = _HAN_OR_WORD.findall(text)
    return frozenset(a + b for a, b in pairwise(tokens))


def catalogue() -> Catalogue:
    """The active matters with their words, rebuilt only when a category changes."""
    global _cached
    # Plain tuples of every category (a path depends on its parents' names): a few
    # milliseconds, where building model objects for the check cost ~100 ms a call.
    version = tuple(
        Category.objects.order_by("pk").values_list("pk", "name", "parent_id", "level", "is_active")
    )
    with _lock:
        if _cached is not None and _cached[0] == version:
            return _cached[1]
        rows = list(
            Category.objects.filter(level=3, is_active=True)
            .select_related("parent__parent")
            .order_by("code")
        )
        words = synonyms()
        leaves = []
        for category in rows:
            path = _path(category)
            leaves.append(
                Leaf(
                    category=category,
                    path=path,
                    field=path.split("/", 1)[0],
                    words=words.get(path, ()),
                    name_bigrams=_bigrams(category.name)
                    if category.name not in _VAGUE
                    else frozenset(),
                )
            )
        entries = [
            Entry(
                pk=leaf.category.pk,
                name=leaf.category.name,
                keywords=(*leaf.words, *reversed(leaf.path.split("/")[:-1])),
            )
            for leaf in leaves
        ]
        built = Catalogue(
            leaves, SearchIndex.build(entries), {leaf.category.pk: leaf for leaf in leaves}
        )
        _cached = (version, built)
        return built


def category_search(query: str, *, limit: int = SEARCH_LIMIT) -> list[Category]:
    """Matters for what was typed into a search box, best first."""
    if not query.strip():
        return []
    found = catalogue()
    entries = found.index.search(query, limit=limit)
    typed = clean(query).replace(" ", "")
    if _HAN.fullmatch(typed) and len(typed) <= SHORT_CHINESE:
        # A typo allowance of one character turns 供水 into anything with 供 (刑讯逼供): for a
        # short Chinese word, matters that hold the whole word are all worth offering.
        whole = [e for e in entries if any(typed in word for word in (e.name, *e.keywords))]
        entries = whole or entries
    hits = [found.by_pk[entry.pk].category for entry in entries]
    if len(clean(query)) >= SENTENCE_CHARS and len(hits) < limit:
        for category in leaves_suggested(title="", text=query, limit=limit):
            if category not in hits:
                hits.append(category)
    return hits[:limit]


def leaves_suggested(
    *, title: str, text: str, limit: int = SUGGEST_LIMIT, router: Router | None = None
) -> list[Category]:
    """The matters a request most likely belongs to, best first; [] when nothing in it is known."""
    fields: dict[str, float] = {}
    if router is not None:
        fields = {
            p.label: p.probability for p in router.predict(title, text, top=len(router.labels))
        }
    return _ranked(catalogue(), title, text, fields, limit)


def leaves_fitted(
    messages: Iterable[tuple[str, str]], *, router: Router | None = None, least: float = 0.0
) -> list[Category | None]:
    """For each (title, text), the matter its words name most strongly, or None when no
    matter's words reach `least`: the suggestion for many texts at once (the catalogue is
    read once, the model asked once per text)."""
    found = catalogue()
    fitted: list[Category | None] = []
    for title, text in messages:
        fields: dict[str, float] = {}
        if router is not None:
            fields = {
                p.label: p.probability for p in router.predict(title, text, top=len(router.labels))
            }
        best = _ranked(found, title, text, fields, 1, least=least)
        fitted.append(best[0] if best else None)
    return fitted


def _ranked(
    found: Catalogue,
    title: str,
    text: str,
    fields: dict[str, float],
    limit: int,
    *,
    least: float = 0.0,
) -> list[Category]:
    head = clean(title, limit=200)
    body = f"{head} {clean(text)}"
    body_bigrams = _bigrams(body)
    evidence = {}
    for leaf in found.leaves:
        score = _evidence(leaf, head, body, body_bigrams)
        if score > 0 and score >= least:
            evidence[leaf] = score
    # A matter that shares only a stray two-character word (危险 in 危险化学品污染) is not
    # offered beside one the text names outright.
    floor = RELATIVE_FLOOR * max(evidence.values(), default=0.0)
    scored = [
        (-(score + MODEL_WEIGHT * fields.get(leaf.field, 0.0)), leaf.category.code, leaf.category)
        for leaf, score in evidence.items()
        if score >= floor
    ]
    scored.sort(key=lambda row: row[:2])
    return [row[2] for row in scored[:limit]]


def _evidence(leaf: Leaf, head: str, body: str, body_bigrams: frozenset[str]) -> float:
    """How strongly the text names this matter: each of its words found counts its length
    (twice in the title), its own name found counts more, shared two-character words less."""
    score = 0.0
    for word in leaf.words:
        if word in body:
            score += len(word) * (2 if word in head else 1)
    name = leaf.category.name
    if name not in _VAGUE and len(name) >= 2 and name in body:
        score += len(name) + 1
    score += BIGRAM_WEIGHT * len(leaf.name_bigrams & body_bigrams)
    return score

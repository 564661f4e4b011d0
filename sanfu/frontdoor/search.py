"""Finding a service by what a resident types: Chinese words, pinyin, initials, or a typo.

One in-memory index per process, rebuilt when the catalogue changes (a cheap count and
latest-update query tells). Matching, best first:
  0  the name contains the query (汉字), or the initials start with it (`hjzm` → 户籍证明)
  1  another name of the service contains it, or the pinyin contains it (`huji`)
  2  the query's pinyin is in the name's pinyin (homophone typos: 户籍正明 → hujizhengming)
  3+ within a small edit distance of part of the name or its pinyin (typos: `hujizhengmng`)
The edit-distance stage looks only at entries that share enough character trigrams with the
query (the q-gram lemma), so it stays fast over thousands of services.
"""

from __future__ import annotations

import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pypinyin import Style, lazy_pinyin

RESULT_LIMIT = 20
# Typos are looked for only when the plain matches are this few: a query that already finds
# several services is not a misspelling worth the time.
FUZZY_BELOW = 5
_LATIN = re.compile(r"[a-z0-9]+")
_SPACE = re.compile(r"[\s·•,，、/]+")


@dataclass(frozen=True)
class Entry:
    pk: int
    name: str
    keywords: tuple[str, ...] = ()


def _pinyin(text: str) -> str:
    return "".join(lazy_pinyin(text, errors="ignore")).lower()


def _initials(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")).lower()


def _grams(text: str, size: int) -> set[str]:
    if len(text) < size:
        return {text} if text else set()
    return {text[i : i + size] for i in range(len(text) - size + 1)}


def infix_distance(query: str, text: str) -> int:
    """The fewest edits that turn `query` into some part of `text`.

    Myers' bit-parallel algorithm (1999) in its searching form: one pass over `text` with a
    few integer operations per character, where the plain dynamic programme (Sellers) costs a
    row of len(query) cells per character.
    """
    size = len(query)
    if not size:
        return 0
    full = (1 << size) - 1
    last = 1 << (size - 1)
    peq: dict[str, int] = {}
    for i, char in enumerate(query):
        peq[char] = peq.get(char, 0) | (1 << i)
    pv, mv, score = full, 0, size
    best = size
    for char in text:
        eq = peq.get(char, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = (mv | ~(xh | pv)) & full
        mh = pv & xh
        if ph & last:
            score += 1
        elif mh & last:
            score -= 1
        # Searching: the top row is all zeros (a match may start anywhere), so nothing is
        # shifted in.
        ph = (ph << 1) & full
        mh = (mh << 1) & full
        pv = (mh | ~(xv | ph)) & full
        mv = ph & xv
        best = min(best, score)
    return best


def normalise(query: str) -> str:
    return _SPACE.sub("", query.strip().lower())[:40]


@dataclass
class SearchIndex:
    entries: list[Entry] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)
    pinyins: list[str] = field(default_factory=list)
    initials: list[str] = field(default_factory=list)
    # trigram (of pinyin) or character (of Chinese) -> entry positions
    postings: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def build(cls, entries: Iterable[Entry]) -> SearchIndex:
        index = cls()
        for entry in entries:
            position = len(index.entries)
            words = [entry.name, *entry.keywords]
            pinyin = "|".join(_pinyin(word) for word in words)
            index.entries.append(entry)
            index.names.append(entry.name)
            index.others.append("|".join(entry.keywords))
            index.pinyins.append(pinyin)
            index.initials.append("|".join(_initials(word) for word in words))
            for gram in _grams(pinyin, 3) | set("".join(words)):
                index.postings[gram].append(position)
        return index

    def search(self, query: str, limit: int = RESULT_LIMIT) -> list[Entry]:
        query = normalise(query)
        if not query:
            return []
        latin = bool(_LATIN.fullmatch(query))
        spelled = query if latin else _pinyin(query)
        scores: dict[int, int] = {}
        for position in range(len(self.entries)):
            score = self._exact(position, query, spelled, latin)
            if score is not None:
                scores[position] = score
        if len(scores) < FUZZY_BELOW:
            self._fuzzy(query, spelled, latin, scores)
        ranked = sorted(scores, key=lambda p: (scores[p], len(self.names[p]), self.names[p]))
        return [self.entries[p] for p in ranked[:limit]]

    def _exact(self, position: int, query: str, spelled: str, latin: bool) -> int | None:
        if latin:
            initials = self.initials[position]
            if initials.startswith(query) or f"|{query}" in initials:
                return 0
            if query in initials and len(query) >= 3:
                return 1
            if spelled in self.pinyins[position]:
                return 1
            return None
        if query in self.names[position]:
            return 0
        if query in self.others[position]:
            return 1
        if spelled and spelled in self.pinyins[position]:
            return 2
        return None

    def _fuzzy(self, query: str, spelled: str, latin: bool, scores: dict[int, int]) -> None:
        """Typos: entries within a small edit distance of part of their name or pinyin."""
        if latin:
            if len(spelled) < 5:
                return
            allowed = 1 if len(spelled) < 9 else 2
            grams = _grams(spelled, 3)
            needed = max(1, len(grams) - 3 * allowed)
        else:
            if len(query) < 2:
                return
            allowed = 1 if len(query) < 5 else 2
            grams = set(query)
            needed = max(1, len(grams) - allowed)
        shared: Counter[int] = Counter()
        for gram in grams:
            shared.update(self.postings.get(gram, ()))
        for position, count in shared.items():
            if count < needed or position in scores:
                continue
            target = (
                self.pinyins[position]
                if latin
                else self.names[position] + "|" + self.others[position]
            )
            distance = infix_distance(spelled if latin else query, target)
            if distance <= allowed:
                scores[position] = 3 + distance


_lock = threading.Lock()
_cached: tuple[tuple[object, ...], SearchIndex] | None = None


def index_for(
    version: tuple[object, ...], load: Sequence[Entry] | None = None
) -> SearchIndex | None:
    """The cached index if it was built for `version`; else build it from `load` if given."""
    global _cached
    with _lock:
        if _cached is not None and _cached[0] == version:
            return _cached[1]
        if load is None:
            return None
        index = SearchIndex.build(load)
        _cached = (version, index)
        return index

"""What the category model reads from a message: weighted bags of words and character n-grams.

The same code turns text into terms when training (then scikit-learn's TfidfVectorizer counts
them) and when predicting (then `FeatureBlock.vector` applies the stored IDF itself), so the two
cannot drift apart. The recipe (`FeatureSpec`) is stored in the model file.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from itertools import pairwise, repeat
from typing import Any

import numpy as np

from sanfu.routing.text import (
    CODE_MAX_N,
    Segmenter,
    char_codes,
    char_ngrams,
    clean,
    term_codes,
)

Array = np.ndarray[Any, Any]


@dataclass(frozen=True)
class FeatureSpec:
    """How a message becomes terms; every field was chosen by cross-validation."""

    # Word n-grams from jieba: 1 = words, 2 = words and pairs of adjacent words, 0 = none.
    word_ngrams: int = 1
    # Character n-gram sizes, inclusive; (0, 0) for none.
    char_low: int = 1
    char_high: int = 3
    # The title's terms are counted this many times: a title is the writer's own summary.
    title_weight: int = 3
    # Only the start of the text is read: the first lines say what a message is about, and
    # it bounds the work on a 100 KB paste. Segmentation (jieba-rs, ~0.1 µs a character)
    # reads further than the character n-grams (see char_text_chars).
    text_chars: int = 1500
    word_text_chars: int = 1500
    # Character n-grams read only this much of the text (0: all of `text_chars`). Words are
    # cheap to find since segmentation runs compiled, character n-grams are not: the model
    # reads words further into a message than n-grams.
    char_text_chars: int = 400
    # Weight of the character block against the word block after each is L2-normalised.
    char_block_weight: float = 1.0
    min_df: int = 2
    max_df: float = 0.5

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> FeatureSpec:
        known = {key: values[key] for key in cls.__dataclass_fields__ if key in values}
        # Models written before char_text_chars existed read n-grams over all of text_chars.
        known.setdefault("char_text_chars", 0)
        return cls(**known)


@dataclass(frozen=True)
class Message:
    title: str
    text: str


@dataclass
class Terms:
    """A message's terms per block, as lists (repeats count)."""

    words: list[str] = field(default_factory=list)
    chars: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.words and not self.chars


@dataclass(frozen=True)
class Cleaned:
    """A message's title and text as the model reads them, and the part n-grams are read from."""

    title: str
    text: str
    char_text: str


def cleaned(message: Message, spec: FeatureSpec) -> Cleaned:
    title = clean(message.title, limit=200)
    text = clean(message.text, limit=spec.text_chars)
    char_text = text[: spec.char_text_chars] if spec.char_text_chars else text
    return Cleaned(title, text, char_text)


def message_terms(message: Message, spec: FeatureSpec, segmenter: Segmenter) -> Terms:
    """The terms of each block, as training counts them (Router.scores reads the same)."""
    parts = cleaned(message, spec)
    return Terms(words=message_words(parts, spec, segmenter), chars=_chars(parts, spec))


def message_words(
    parts: Cleaned, spec: FeatureSpec, segmenter: Segmenter, *, lookup: bool = False
) -> list[str]:
    """The word block's terms. `lookup`: for a vocabulary lookup only, so tokens that are never
    terms (punctuation, spaces) may stay in; pairs of words still need them filtered out."""
    if not spec.word_ngrams:
        return []
    text = parts.text[: spec.word_text_chars]
    if lookup and spec.word_ngrams < 2:
        return segmenter.tokens_of(parts.title) * spec.title_weight + segmenter.tokens_of(text)
    title_words = _with_pairs(segmenter.words_of(parts.title), spec)
    return title_words * spec.title_weight + _with_pairs(segmenter.words_of(text), spec)


def _chars(parts: Cleaned, spec: FeatureSpec) -> list[str]:
    if not spec.char_high:
        return []
    chars = char_ngrams(parts.title, spec.char_low, spec.char_high) * spec.title_weight
    return chars + char_ngrams(parts.char_text, spec.char_low, spec.char_high)


def _with_pairs(words: list[str], spec: FeatureSpec) -> list[str]:
    if spec.word_ngrams < 2:
        return words
    return words + [f"{a} {b}" for a, b in pairwise(words)]


class FeatureBlock:
    """One TF-IDF block at prediction time: sublinear tf × idf, L2-normalised, × weight.

    The same formula as TfidfVectorizer(sublinear_tf=True, norm="l2"), so a model trained by
    scikit-learn scores identically here without scikit-learn loaded.
    """

    def __init__(self, vocabulary: np.ndarray[Any, Any], idf: np.ndarray[Any, Any], offset: int):
        self.index = {str(term): i for i, term in enumerate(vocabulary.tolist())}
        self.idf = idf.astype(np.float64)
        self.offset = offset
        self.size = len(self.index)

    def vector(self, terms: list[str], weight: float) -> tuple[Array, Array]:
        # Counter and map() keep the per-term work in C: a message has ~2,000 terms, about
        # half of them repeats, and each distinct term is looked up once.
        counts = Counter(terms)
        size = len(counts)
        found = np.fromiter(map(self.index.get, counts, repeat(-1)), np.int64, size)
        known = found >= 0
        if not known.any():
            return _EMPTY_INT, _EMPTY_FLOAT
        columns = found[known]
        tally = np.fromiter(counts.values(), np.float64, size)[known]
        values = (1.0 + np.log(tally)) * self.idf[columns]
        norm = float(np.sqrt(values @ values)) or 1.0
        return columns + self.offset, values * (weight / norm)


class CharBlock:
    """The character n-gram block at prediction time, on integer codes (see text.char_codes):
    the same values as `FeatureBlock.vector` over `message_terms(...).chars`, several times
    faster. Recipes with n-grams too long for a code read strings through a FeatureBlock."""

    def __init__(self, vocabulary: Array, idf: Array, offset: int, spec: FeatureSpec):
        self.spec = spec
        self.offset = offset
        self.size = len(vocabulary)
        long_grams = spec.char_high > CODE_MAX_N
        self.strings = FeatureBlock(vocabulary, idf, offset) if long_grams else None
        codes = term_codes(vocabulary) if self.strings is None else np.zeros(0, np.int64)
        known = np.flatnonzero(codes >= 0)
        order = np.argsort(codes[known], kind="stable")
        self.codes = codes[known][order]
        self.columns = known[order]
        self.idf = idf.astype(np.float64)

    def vector(self, parts: Cleaned, weight: float) -> tuple[Array, Array]:
        spec = self.spec
        if not spec.char_high:
            return _EMPTY_INT, _EMPTY_FLOAT
        if self.strings is not None:
            return self.strings.vector(_chars(parts, spec), weight)
        title = char_codes(parts.title, spec.char_low, spec.char_high)
        text = char_codes(parts.char_text, spec.char_low, spec.char_high)
        codes, tally = np.unique(
            np.concatenate([title] * spec.title_weight + [text]), return_counts=True
        )
        if not len(codes) or not len(self.codes):
            return _EMPTY_INT, _EMPTY_FLOAT
        where = np.searchsorted(self.codes, codes)
        np.minimum(where, len(self.codes) - 1, out=where)
        known = self.codes[where] == codes
        if not known.any():
            return _EMPTY_INT, _EMPTY_FLOAT
        columns = self.columns[where[known]]
        values = (1.0 + np.log(tally[known])) * self.idf[columns]
        norm = float(np.sqrt(values @ values)) or 1.0
        return columns + self.offset, values * (weight / norm)


_EMPTY_INT: Array = np.zeros(0, dtype=np.int64)
_EMPTY_FLOAT: Array = np.zeros(0, dtype=np.float64)

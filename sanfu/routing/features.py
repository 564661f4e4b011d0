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

from sanfu.routing.text import Segmenter, char_ngrams, clean

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


def message_terms(message: Message, spec: FeatureSpec, segmenter: Segmenter) -> Terms:
    title = clean(message.title, limit=200)
    text = clean(message.text, limit=spec.text_chars)
    words: list[str] = []
    if spec.word_ngrams:
        title_words = segmenter.words_of(title)
        text_words = segmenter.words_of(text[: spec.word_text_chars])
        words = _with_pairs(title_words, spec) * spec.title_weight + _with_pairs(text_words, spec)
    chars: list[str] = []
    if spec.char_high:
        chars = char_ngrams(title, spec.char_low, spec.char_high) * spec.title_weight
        char_text = text[: spec.char_text_chars] if spec.char_text_chars else text
        chars += char_ngrams(char_text, spec.char_low, spec.char_high)
    return Terms(words=words, chars=chars)


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


_EMPTY_INT: Array = np.zeros(0, dtype=np.int64)
_EMPTY_FLOAT: Array = np.zeros(0, dtype=np.float64)

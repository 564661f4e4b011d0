"""What the category model reads from a message: weighted bags of words and character n-grams.

The same code turns text into terms when training (then scikit-learn's TfidfVectorizer counts
them) and when predicting (then `FeatureBlock.vector` applies the stored IDF itself), so the two
cannot drift apart. The recipe (`FeatureSpec`) is stored in the model file.
"""

from __future__ import annotations

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
    # it bounds the work on a 100 KB paste. Segmentation (jieba, ~2 µs a character) reads
    # less than the character n-grams, which cost a tenth as much.
    text_chars: int = 600
    word_text_chars: int = 200
    # Weight of the character block against the word block after each is L2-normalised.
    char_block_weight: float = 1.0
    min_df: int = 2
    max_df: float = 0.5

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> FeatureSpec:
        known = {key: values[key] for key in cls.__dataclass_fields__ if key in values}
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
        chars += char_ngrams(text, spec.char_low, spec.char_high)
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
        # map() and np.unique keep the per-term work in C: a message has ~2,000 terms.
        found = np.fromiter(map(self.index.get, terms, repeat(-1)), np.int64, len(terms))
        found = found[found >= 0]
        if not len(found):
            return _EMPTY_INT, _EMPTY_FLOAT
        columns, counts = np.unique(found, return_counts=True)
        values = (1.0 + np.log(counts)) * self.idf[columns]
        norm = float(np.sqrt(values @ values)) or 1.0
        return columns + self.offset, values * (weight / norm)


_EMPTY_INT: Array = np.zeros(0, dtype=np.int64)
_EMPTY_FLOAT: Array = np.zeros(0, dtype=np.float64)

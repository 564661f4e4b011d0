"""Chinese text for the routing models: cleaning untrusted input, segmentation, n-grams.

Everything here is pure (no database) so that training, prediction, similar cases and hot spots
read text the same way. Messages come from the public: they may hold HTML, entities, emoji,
control characters, full-width letters and 100 KB of pasted text, so `clean` runs first and
bounds the work every later step does.
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import rjieba

# High enough that a whole place name wins over its parts in jieba's segmentation.
NAME_FREQUENCY = 100_000
# Long enough for any real complaint's substance (the 95th percentile of the 2020 messages is
# ~1,200 characters); an enormous paste is cut before any per-character work is done on it.
MAX_CHARS = 3000
# HTML is cut before unescaping, so "&lt;b&gt;" stays text and a tag cannot be smuggled in.
_TAG = re.compile(r"<[^<>]{0,500}>")
# Control characters other than whitespace, and invisible format characters.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
)
_SPACE = re.compile(r"\s+")
# A token worth counting holds a CJK ideograph, a letter or a digit.
_MEANINGFUL = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z0-9]")
_DIGITS = re.compile(r"\d+")
# Runs the character n-grams are taken from: CJK, Latin letters or digits; punctuation and
# emoji split runs so no n-gram spans a sentence boundary.
_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffa-z0-9]+")


def clean(value: str | None, *, limit: int = MAX_CHARS) -> str:
    """The text as the models read it: no tags or invisible characters, NFKC, lower case,
    single spaces, at most `limit` characters. Never raises on any str."""
    if not value:
        return ""
    # Cut generously before the regexes so a 100 KB paste costs microseconds, then exactly.
    text = value[: limit * 4]
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text).lower()
    return _SPACE.sub(" ", text).strip()[:limit]


def is_meaningful(token: str) -> bool:
    return bool(_MEANINGFUL.search(token))


def char_runs(text: str) -> list[str]:
    """Runs of CJK, letters and digits; digits collapsed to one placeholder."""
    return _RUN.findall(_DIGITS.sub("0", text))


def char_ngrams(text: str, low: int, high: int) -> list[str]:
    """Character n-grams of each run, sizes low..high; zip and map keep the loop in C."""
    grams: list[str] = []
    for run in char_runs(text):
        for n in range(low, high + 1):
            if len(run) < n:
                break
            if n == 1:
                grams.extend(run)
            elif n == 2:
                grams.extend(map(str.__add__, run, run[1:]))
            else:
                shifted = (run[i : len(run) - n + 1 + i] for i in range(n))
                grams.extend(map("".join, zip(*shifted, strict=True)))
    return grams


class Segmenter:
    """A private jieba tokenizer with the county's own place and unit names added.

    jieba-rs (rjieba): jieba's dictionary and algorithm compiled, about thirty times faster
    than the pure-Python jieba, which is what lets a prediction finish in well under a
    millisecond with segmentation included. Private because a shared tokenizer would give one
    county's names to every caller. The dictionary loads lazily on first use (a fraction of a
    second) and once per process. One lock serialises adding names and cutting: the Rust
    tokenizer may not be read while a word is being added, and a cut takes microseconds.
    """

    def __init__(self, words: Iterable[str] = ()) -> None:
        self._words = sorted({w.strip() for w in words if len(w.strip()) >= 2})
        self._tokenizer: rjieba.Jieba | None = None
        self._lock = threading.Lock()

    @property
    def words(self) -> Sequence[str]:
        return self._words

    def _ready(self) -> rjieba.Jieba:
        # Called with the lock held.
        if self._tokenizer is None:
            import rjieba

            tokenizer = rjieba.Jieba()
            for word in self._words:
                tokenizer.add_word(word, NAME_FREQUENCY, None)
            self._tokenizer = tokenizer
        return self._tokenizer

    def add_words(self, words: Iterable[str]) -> None:
        """Add names (a new village) without reloading the dictionary."""
        new = sorted({w.strip() for w in words if len(w.strip()) >= 2} - set(self._words))
        if not new:
            return
        with self._lock:
            self._words = sorted({*self._words, *new})
            if self._tokenizer is not None:
                for word in new:
                    self._tokenizer.add_word(word, NAME_FREQUENCY, None)

    def words_of(self, text: str, *, hmm: bool = False) -> list[str]:
        """The meaningful words of cleaned text, digits collapsed (a date is not a topic).

        HMM off by default (the category model): it guesses words from unknown character
        pairs, which adds noise to a linear model. Keywords turn it on, because there the
        unknown words are the point: the names of estates and roads.
        """
        if not text:
            return []
        # Digits are collapsed before cutting: one pass over the text instead of one per word.
        text = _DIGITS.sub("0", text)
        with self._lock:
            tokens: list[str] = self._ready().cut(text, hmm)
        meaningful = _MEANINGFUL.search
        return [t for t in tokens if meaningful(t)]


_default: Segmenter | None = None
_default_lock = threading.Lock()


def default_segmenter() -> Segmenter:
    """The process's segmenter without local names (training from files, tests)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Segmenter()
    return _default

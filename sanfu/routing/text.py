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
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import rjieba

# High enough that a whole place name wins over its parts in jieba's segmentation.
NAME_FREQUENCY = 100_000
# Long enough for any real complaint's substance (the 95th percentile of the 2020 messages is
# ~1,200 characters); an enormous paste is cut before any per-character work is done on it.
MAX_CHARS = 3000
# HTML is cut before unescaping, so "&lt;b&gt;" stays text and a tag cannot be smuggled in.
_TAG = re.compile(r"<[^<>]{0,500}>")
# Control characters other than whitespace, invisible format characters, and lone surrogates
# (JSON's "\ud800" decodes to one; jieba-rs cannot encode it and would raise).
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\ud800-\udfff]"
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


# --- character n-grams as integers (prediction) ---------------------------------------------
#
# At prediction time a message's n-grams are looked up in a vocabulary of ~200,000 terms. As
# Python strings that is one dictionary probe per distinct n-gram, each a cache miss: more than
# half of a prediction's time. As integers the whole message is a few NumPy operations and one
# `searchsorted`. Each character that can be in a run (the `_RUN` class) gets a number 1..28,132
# (0: not in a run), and an n-gram of up to four such characters is the number written in base
# 2^15 with those digits: distinct n-grams (of any length) get distinct codes, and 4 × 15 bits
# fit in an int64.

Array = np.ndarray[Any, Any]
CODE_BASE = 1 << 15
CODE_MAX_N = 4
_RUN_RANGES = ((0x30, 0x39), (0x61, 0x7A), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


def _code_table() -> Array:
    table = np.zeros(1 << 16, dtype=np.int64)
    number = 1
    for low, high in _RUN_RANGES:
        table[low : high + 1] = np.arange(number, number + high - low + 1)
        number += high - low + 1
    if number >= CODE_BASE:  # pragma: no cover - a constant table
        raise RuntimeError("the run characters do not fit the code base")
    return table


# UTF-16 code unit -> digit. Characters beyond the BMP become surrogates, which are not in any
# run either, so they split runs exactly where `_RUN` does.
_CODE_TABLE = _code_table()


def char_codes(text: str, low: int, high: int) -> Array:
    """The codes of `char_ngrams(text, low, high)` (same n-grams, same repeats, any order)."""
    if high > CODE_MAX_N:
        raise ValueError(f"n-grams longer than {CODE_MAX_N} characters have no code")
    encoded = _DIGITS.sub("0", text).encode("utf-16-le", "surrogatepass")
    units = np.frombuffer(encoded, dtype=np.uint16)
    digits = _CODE_TABLE[units]
    codes, inside = digits, digits > 0
    parts = [codes[inside]] if low <= 1 else []
    for n in range(2, high + 1):
        if len(codes) < 2:
            break
        codes = codes[:-1] * CODE_BASE + digits[n - 1 :]
        inside = inside[:-1] & (digits[n - 1 :] > 0)
        if n >= low:
            parts.append(codes[inside])
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def term_codes(terms: Array) -> Array:
    """Each n-gram's code (as `char_codes` gives it), or -1 for a term that has none."""
    terms = np.asarray(terms, dtype=np.str_)
    if not len(terms):
        return np.zeros(0, dtype=np.int64)
    width = max(1, terms.dtype.itemsize // 4)
    points = np.ascontiguousarray(terms).view(np.uint32).reshape(len(terms), width)
    codes = np.zeros(len(terms), dtype=np.int64)
    bad = (points[:, 0] == 0) | ((points > 0).sum(axis=1) > CODE_MAX_N)
    for column in range(min(width, CODE_MAX_N)):
        point = points[:, column]
        present = point > 0
        digit = _CODE_TABLE[np.minimum(point, 0xFFFF)]
        bad |= present & ((digit == 0) | (point > 0xFFFF))
        codes = np.where(present, codes * CODE_BASE + digit, codes)
    codes[bad] = -1
    return codes


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
        meaningful = _MEANINGFUL.search
        return [t for t in self.tokens_of(text, hmm=hmm) if meaningful(t)]

    def tokens_of(self, text: str, *, hmm: bool = False) -> list[str]:
        """Every token of cleaned text, punctuation and spaces included, digits collapsed.

        For lookups in a vocabulary built from `words_of`: a token that is not meaningful is
        never in it, so filtering first would only cost time."""
        if not text:
            return []
        # Digits are collapsed before cutting: one pass over the text instead of one per word.
        text = _DIGITS.sub("0", text)
        with self._lock:
            tokens: list[str] = self._ready().cut(text, hmm)
        return tokens


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

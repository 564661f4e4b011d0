"""A message's keywords: the words that say what it is about, weighted TF-IDF.

Similar cases, hot spots and reply review compare messages by these keywords. The IDF is the
general-Chinese table that ships inside jieba (`jieba/analyse/idf.txt`, ~270,000 words): it
needs no training, so similar cases work from the first day, before any model exists. Words
it does not know — mostly local names of villages, estates and roads — get its median weight
plus a little, because in a complaint an unknown name is usually the place.
"""

from __future__ import annotations

import importlib.util
import math
import re
import threading
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sanfu.routing.text import Segmenter, clean, default_segmenter

KEYWORDS_PER_MESSAGE = 16
TEXT_CHARS = 600
TITLE_WEIGHT = 2
UNKNOWN_BONUS = 1.0
# What every complaint says, whatever it is about: greetings, requests, the addressee.
_BOILERPLATE_WORDS = (
    "您好 你好 领导 书记 市长 县长 区长 局长 尊敬 谢谢 感谢 希望 请求 "
    "恳请 要求 请问 问题 反映 情况 相关 部门 有关 政府 解决 处理 关注 "
    "重视 我们 他们 你们 自己 什么 怎么 为什么 如何 是否 这个 那个 这些 "
    "那些 现在 目前 已经 一直 还是 但是 因为 所以 如果 可以 没有 不能 "
    "不是 就是 多次 非常 严重 已经 及时 尽快 帮助 咨询 投诉 举报 建议 "
    "留言 网友 市民 居民 群众 老百姓 年月日 一个 一些 进行 存在 造成 导致 "
    "影响 工作 单位 人员 时间 今年 去年 每天 一下 能否 能不能 "
)
BOILERPLATE = frozenset(_BOILERPLATE_WORDS.split())


@dataclass(frozen=True)
class Idf:
    weights: dict[str, float]
    median: float

    def of(self, word: str) -> float:
        known = self.weights.get(word)
        return known if known is not None else self.median + UNKNOWN_BONUS


_idf: Idf | None = None
_idf_lock = threading.Lock()


def idf_table() -> Idf:
    """jieba's IDF table, read once per process (~0.3 s, ~30 MB)."""
    global _idf
    if _idf is None:
        with _idf_lock:
            if _idf is None:
                # Found beside jieba rather than imported from jieba.analyse, which would load
                # its part-of-speech tagger too.
                spec = importlib.util.find_spec("jieba")
                if spec is None or spec.origin is None:
                    raise RuntimeError("jieba is not installed")
                path = Path(spec.origin).resolve().parent / "analyse" / "idf.txt"
                weights: dict[str, float] = {}
                with path.open(encoding="utf-8") as lines:
                    for line in lines:
                        word, _space, value = line.strip().rpartition(" ")
                        if word:
                            weights[word] = float(value)
                values = sorted(weights.values())
                _idf = Idf(weights, values[len(values) // 2])
    return _idf


def term_hash(word: str) -> int:
    """A stable signed 32-bit id for a word (Python's hash() changes between processes)."""
    value = zlib.crc32(word.encode())
    return value - (1 << 32) if value >= 1 << 31 else value


def keyword_weights(
    title: str,
    text: str,
    *,
    segmenter: Segmenter | None = None,
    limit: int = KEYWORDS_PER_MESSAGE,
) -> dict[str, float]:
    """The message's top `limit` keywords with L2-normalised TF-IDF weights."""
    segmenter = segmenter or default_segmenter()
    words = segmenter.words_of(_split_codes(clean(title, limit=200)), hmm=True) * TITLE_WEIGHT
    words += segmenter.words_of(_split_codes(clean(text, limit=TEXT_CHARS)), hmm=True)
    counts = Counter(w for w in words if _is_keyword(w))
    if not counts:
        return {}
    idf = idf_table()
    scored = {w: (1 + math.log(n)) * idf.of(w) for w, n in counts.items()}
    top = sorted(scored.items(), key=lambda item: (-item[1], item[0]))[:limit]
    norm = math.sqrt(sum(v * v for _w, v in top)) or 1.0
    return {w: round(v / norm, 4) for w, v in top}


# Coded place names ("a2区", as anonymised data and some forms write districts) end a word:
# without the space jieba glues the suffix to the next name ("区丽发").
_CODE = re.compile(r"([a-z]\d{1,3}[省市区县镇乡村])")
_HAS_DIGIT_OR_LATIN = re.compile(r"[0-9a-z]")


def _split_codes(text: str) -> str:
    return _CODE.sub(r" \1 ", text)


def _is_keyword(word: str) -> bool:
    """Two characters or more, not boilerplate, and no digits or Latin letters (dates,
    amounts and codes say nothing about the topic)."""
    return len(word) >= 2 and word not in BOILERPLATE and not _HAS_DIGIT_OR_LATIN.search(word)


def hashed(weights: dict[str, float]) -> dict[int, float]:
    return {term_hash(w): v for w, v in weights.items()}


def cosine(a: dict[int, float], b: dict[int, float]) -> float:
    """Both vectors are L2-normalised, so the dot product is the cosine."""
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b[t] for t, v in a.items() if t in b)


def signature_text(terms: dict[int, float]) -> str:
    return " ".join(f"{t}:{v}" for t, v in terms.items())


def signature_parse(value: str) -> dict[int, float]:
    terms: dict[int, float] = {}
    for part in value.split():
        term, _colon, weight = part.partition(":")
        try:
            terms[int(term)] = float(weight)
        except ValueError:
            continue
    return terms

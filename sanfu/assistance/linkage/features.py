"""Columns computed in Python before Splink runs: normalised fields, pinyin, blocking keys.

Splink then compares plain columns with built-in SQL functions on every backend; nothing here
needs a user-defined SQL function. Empty values become NULL so blocking never pairs two blanks.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

import pyarrow as pa
from pypinyin import lazy_pinyin

from sanfu.lib.idnumber import id_number_widen, is_valid_id_number

if TYPE_CHECKING:
    from sanfu.assistance.linkage import Record

_T = TypeVar("_T")

__all__ = [
    "COLUMNS",
    "features_table",
    "id_for_matching",
    "matching_name",
    "name_counts",
    "normalise_address",
    "pinyin_of",
]

COLUMNS = (
    "unique_id",
    "source",
    "name",
    "name_pinyin",
    "surname_pinyin",
    "id_number",
    "id_valid",
    "id_bc",
    "id_ac",
    "id_ad",
    "id_ab",
    "phone",
    "birth_date",
    "birth_year",
    "address",
    "address_place",
    "town",
    "rare_pinyin_town",
)
# Names (by pinyin) at most this frequent in a batch block with the town alone.
RARE_NAME = 30

_ID_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")  # ASCII digits only: \d takes any script's
_ID_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―﹣]+")
_SPACES = re.compile(r"\s+")
# Administrative prefixes (省, 市, 县, 区 …) that some bodies write and others drop; the part
# before the suffix must not look like a street, village or housing estate.
_ADMIN_PREFIX = re.compile(
    r"^[^镇乡街村路道巷弄号小社园苑\d]{1,8}?(?:省|自治区|特别行政区|自治州|地区|盟|市|县|区|旗)"
)
_TOWN_PREFIX = re.compile(r"^[^村路道巷弄号\d]{1,6}?(?:街道办事处|街道|镇|乡)")
_PLACE = re.compile(r"^\D+")
_TOWN_SUFFIX = re.compile(r"(?:街道办事处|街道|镇|乡)$")
# 组 (a village's 村民小组) after a number is a unit too: 上村3组12号 is written 上村3-12.
_UNIT_WORDS = re.compile(r"(?:号楼|幢|栋|弄|单元|号院|室|号|(?<=\d)组|－|—|-|之)")


@lru_cache(maxsize=65_536)
def _char_pinyin(char: str) -> str:
    return lazy_pinyin(char)[0].lower() if char.strip() else ""


@lru_cache(maxsize=1 << 18)
def pinyin_of(name: str) -> str:
    """Toneless pinyin syllables of a name, space-separated; Latin names as they are."""
    return " ".join(filter(None, (_char_pinyin(c) for c in name if c != "·"))).lower()


@lru_cache(maxsize=1 << 20)
def id_for_matching(value: str) -> tuple[str, bool]:
    """An ID number for comparison: ``(number, valid)``; ``("", False)`` when not an ID.

    Unlike ``clean_id_number`` this keeps numbers whose check digit or birth date is wrong:
    those are the typos matching exists to see through. 15-digit numbers are widened.
    """
    text = id_number_widen(_ID_SEPARATORS.sub("", unicodedata.normalize("NFKC", value)).upper())
    if not _ID_SHAPE.match(text):
        return "", False
    # Valid as everywhere else (lib.idnumber): a real birth date, the right check digit.
    return text, is_valid_id_number(text)


@lru_cache(maxsize=262_144)
def split_address(value: str) -> tuple[str, str]:
    """``(town, rest)`` of an address: no province/city/county prefix, one unit separator.

    ``浙江省台州市云溪县石门镇人民路12弄3号`` gives ``("石门", "人民路12-3")`` and
    ``人民路１２-３`` gives ``("", "人民路12-3")``: the town is compared on its own.
    """
    text = _SPACES.sub("", unicodedata.normalize("NFKC", value))
    for _ in range(4):
        match = _ADMIN_PREFIX.match(text)
        if not match or len(text) - match.end() < 3:
            break
        text = text[match.end() :]
    town = ""
    match = _TOWN_PREFIX.match(text)
    if match and len(text) - match.end() >= 2:
        town, text = normalise_town(match.group(0)), text[match.end() :]
    return town, _UNIT_WORDS.sub("-", text).strip("-")


def normalise_address(value: str) -> str:
    return split_address(value)[1]


def address_place(address: str) -> str:
    """The village, road or estate of a normalised address: what comes before the number."""
    match = _PLACE.match(address)
    return match.group(0).strip("-") if match else ""


@lru_cache(maxsize=4096)
def normalise_town(value: str) -> str:
    text = _SPACES.sub("", unicodedata.normalize("NFKC", value))
    return _TOWN_SUFFIX.sub("", text) or text


def matching_name(value: str) -> str:
    """The spelling of a name that comparisons and term frequencies use."""
    return unicodedata.normalize("NFKC", value).replace(" ", "").upper()


def name_counts(records: Iterable[Record]) -> Counter[str]:
    return Counter(name for r in records if (name := matching_name(r.name)))


def _by_value(values: list[str], function: Callable[[str], _T], empty: _T) -> list[_T]:
    """``function`` of each value, computed once per distinct value (values repeat a lot)."""
    table = {v: function(v) for v in set(values) if v}
    return [table[v] if v else empty for v in values]


def _name_parts(name: str) -> tuple[str | None, str | None, str | None]:
    cleaned = matching_name(name)
    if not cleaned:
        return None, None, None
    pinyin = pinyin_of(cleaned)
    return cleaned, pinyin.replace(" ", "") or None, pinyin.split(" ", 1)[0] or None


def features_table(records: Sequence[Record]) -> pa.Table:
    """The records as an Arrow table with ``COLUMNS``, built column by column."""
    no_name: tuple[str | None, str | None, str | None] = (None, None, None)
    names = _by_value([r.name for r in records], _name_parts, no_name)
    ids = _by_value([r.id_number for r in records], id_for_matching, ("", False))
    numbers = [n or None for n, _ in ids]
    valid = [ok for _, ok in ids]
    births = [
        r.birth_date or (f"{n[6:10]}-{n[10:12]}-{n[12:14]}" if ok and n else "")
        for r, (n, ok) in zip(records, ids, strict=True)
    ]
    addresses = _by_value([r.address for r in records], split_address, ("", ""))
    towns = _by_value([r.town for r in records], normalise_town, "")
    surnames = [surname for _, _, surname in names]
    places = _by_value([a for _, a in addresses], address_place, "")
    columns: dict[str, list[Any]] = {
        "unique_id": [r.record_id for r in records],
        "source": [r.source for r in records],
        "name": [n for n, _, _ in names],
        "name_pinyin": [p for _, p, _ in names],
        "surname_pinyin": surnames,
        "id_number": numbers,
        "id_valid": valid,
        "id_bc": [n[6:] if n else None for n in numbers],
        # Region + year + sequence + check (a typo in month or day), region + month and day +
        # sequence + check (a typo in the year), region + birth date + surname (a typo in the
        # sequence or check digit).
        "id_ac": [n[:10] + n[14:] if n else None for n in numbers],
        "id_ad": [n[:6] + n[10:] if n else None for n in numbers],
        "id_ab": [
            f"{n[:14]}{s}" if n and s else None for n, s in zip(numbers, surnames, strict=True)
        ],
        "phone": [r.phone or None for r in records],
        "birth_date": [b or None for b in births],
        "birth_year": [b[:4] or None for b in births],
        "address": [a or None for _, a in addresses],
        "address_place": [p or None for p in places],
        "town": [t or at or None for t, (at, _) in zip(towns, addresses, strict=True)],
    }
    pinyin_counts = Counter(p for p in columns["name_pinyin"] if p)
    columns["rare_pinyin_town"] = [
        f"{p}|{t}" if p and t and pinyin_counts[p] <= RARE_NAME else None
        for p, t in zip(columns["name_pinyin"], columns["town"], strict=True)
    ]
    return pa.table(
        {
            name: pa.array(columns[name], type=pa.bool_() if name == "id_valid" else pa.string())
            for name in COLUMNS
        }
    )

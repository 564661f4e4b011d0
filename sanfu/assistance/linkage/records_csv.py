"""Reading the records CSV of ``sanfu assistance match`` and writing its answer.

Columns ``record_id,source,name,id_number,phone,birth_date,address,town`` in any order; only
``record_id`` and ``source`` are required, in the header and in every row. UTF-8 (with or
without BOM) or GBK/GB18030, as Chinese Excel saves CSV.

What a row may hold, and what is refused (the row number and the field are named; nothing is
written when any row is refused):

- ``id_number``: full-width digits, spaces and dashes are folded; a 15-digit number is widened.
  A number of 16 to 19 digits (an X last) is kept **even when its check digit, birth date or
  length is wrong**: those are the typos matching exists to see through, and they only count
  as weak evidence. A number Excel turned into a float (``3.30102E+17``, ``…1234.0``) is
  refused, since its digits are lost; so is anything else (letters, too few digits).
- ``phone``: separators and the +86/0086 prefix go; 5 to 15 digits are kept (a mistyped
  mobile is still evidence); anything with other characters is refused.
- ``birth_date``: any spelling ``clean_date`` reads; an impossible date is refused.
- ``name``: ``clean_name``; digits or symbols are refused.
- ``record_id`` must be unique.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext as _

from sanfu.assistance.linkage import Record
from sanfu.assistance.linkage.clean import clean_date, clean_id_number, clean_name, clean_text
from sanfu.lib.files import atomic_write

__all__ = ["COLUMNS", "RowError", "read_records_csv", "write_persons_csv"]

COLUMNS = ("record_id", "source", "name", "id_number", "phone", "birth_date", "address", "town")
REQUIRED = ("record_id", "source")
_ID_DIGITS = re.compile(r"^\d{15,18}[\dX]$")
_CLEAN_ID = re.compile(r"^\d{17}[\dX]$")
_MOBILE = re.compile(r"^1\d{10}$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―﹣－()（）.]+")
# CJK unified ideographs (U+4E00-U+9FFF) are unchanged by NFKC.
_PLAIN_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_EARLIEST, _LATEST = date(1890, 1, 1), date(2100, 12, 31)
_FLOAT = re.compile(r"^\d+(?:\.\d+)?[eE][+-]?\d+$|^\d+\.\d*$")


@dataclass(frozen=True)
class RowError:
    row: int  # line of the file, the header being row 1
    field: str
    message: str

    def __str__(self) -> str:
        return _("row %(row)d, %(field)s: %(message)s") % {
            "row": self.row,
            "field": self.field,
            "message": self.message,
        }


class CsvRefused(ValueError):
    """The file as a whole cannot be read (encoding, header), or some rows were refused."""

    def __init__(self, message: str, errors: Iterable[RowError] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.errors = list(errors)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")  # a superset of GBK and GB2312
    except UnicodeDecodeError:
        raise CsvRefused(_("The file is neither UTF-8 nor GBK text.")) from None


def _match_id(value: str) -> str:
    if _CLEAN_ID.match(value):  # the common case, already clean
        return value
    text = unicodedata_fold(value)
    if _CLEAN_ID.match(text):
        return text
    if _FLOAT.match(text):
        return clean_id_number(text)  # raises the "stored as a number" message
    text = _SEPARATORS.sub("", text).upper()
    if len(text) == 15 and text.isdigit():
        return clean_id_number(text)
    if _ID_DIGITS.match(text) or (len(text) == 16 and text.isdigit()):
        return text
    raise ValueError(
        _("%(value)s is not an ID number (17 digits and a digit or X).") % {"value": value}
    )


@lru_cache(maxsize=1 << 16)
def unicodedata_fold(value: str) -> str:
    return clean_text(value)


def _match_phone(value: str) -> str:
    if _MOBILE.match(value):
        return value
    text = clean_text(value)
    if _MOBILE.match(text):
        return text
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    digits = _SEPARATORS.sub("", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if digits.isdigit() and 5 <= len(digits) <= 15:
        return digits
    raise ValueError(_("%(value)s is not a phone number.") % {"value": value})


@lru_cache(maxsize=1 << 18)
def _match_date(value: str) -> str:
    if _ISO.match(value):
        try:
            if _EARLIEST <= date.fromisoformat(value) <= _LATEST:
                return value
        except ValueError:
            pass  # clean_date says what is wrong
    return clean_date(value)


def _match_name(value: str) -> str:
    if _PLAIN_NAME.match(value):  # two to four common Chinese characters: nothing to clean
        return value
    return _clean_name_cached(value)


@lru_cache(maxsize=1 << 18)
def _clean_name_cached(value: str) -> str:
    return clean_name(value)


@lru_cache(maxsize=1 << 16)
def _fold_repeated(value: str) -> str:
    """``clean_text`` for columns whose values repeat (source, town)."""
    return clean_text(value)


_CLEANERS: dict[str, Callable[[str], str]] = {
    "name": _match_name,
    "id_number": _match_id,
    "phone": _match_phone,
    "birth_date": _match_date,
}


def _record(row: list[str], at: list[int], line: int, errors: list[RowError]) -> Record | None:
    """The row as a Record; ``at[i]`` is the cell of ``COLUMNS[i]`` (-1: no such column)."""
    width = len(row)
    cells = [row[i] if 0 <= i < width else "" for i in at]
    before = len(errors)
    for index, column in enumerate(COLUMNS):
        raw = cells[index]
        if not raw:
            if index < 2:
                errors.append(RowError(line, column, _("must not be empty")))
            continue
        if index < 2 or index == 7:  # record_id, source, town
            cells[index] = value = _fold_repeated(raw)
            if index < 2 and not value:
                errors.append(RowError(line, column, _("must not be empty")))
        elif index == 6:  # address
            cells[index] = clean_text(raw)
        else:
            stripped = raw.strip()
            if not stripped:
                cells[index] = ""
                continue
            try:
                cells[index] = _CLEANERS[column](stripped)
            except ValueError as exc:
                errors.append(RowError(line, column, str(exc)))
    if len(errors) > before:
        return None
    return Record(*cells)


def read_records_csv(path: Path) -> list[Record]:
    """All records of the file, or ``CsvRefused`` naming every bad row (up to 1,000)."""
    try:
        text = _decode(path.read_bytes())
    except OSError as exc:
        raise CsvRefused(
            _("Cannot read %(path)s: %(reason)s") % {"path": path, "reason": exc.strerror}
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [clean_text(h).lower() for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise CsvRefused(
            _("The header lacks the column(s) %(columns)s; expected %(expected)s.")
            % {"columns": ", ".join(missing), "expected": ",".join(COLUMNS)}
        )
    # Cell of each known column (-1 when absent); unknown columns are ignored.
    at = [header.index(c) if c in header else -1 for c in COLUMNS]
    width = len(header)
    id_at = header.index("record_id")
    records: list[Record] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        if not row or not any(cell.strip() for cell in row):
            continue  # a blank line
        if len(row) > width:
            errors.append(RowError(line, "-", _("more cells than the header has columns")))
            continue
        if id_at < len(row) and row[id_at].strip().lower() == "record_id":
            continue  # the header repeated mid-file, as concatenated exports have it
        record = _record(row, at, line, errors)
        if record is None:
            continue
        if record.record_id in seen:
            errors.append(
                RowError(
                    line,
                    "record_id",
                    _("%(id)s already appears in row %(row)d")
                    % {"id": record.record_id, "row": seen[record.record_id]},
                )
            )
            continue
        seen[record.record_id] = line
        records.append(record)
    if errors:
        raise CsvRefused(
            _("%(count)d row(s) refused; nothing was written.")
            % {"count": len({e.row for e in errors})},
            errors[:1000],
        )
    return records


def write_persons_csv(path: Path, person_of: Mapping[str, str], order: Iterable[str]) -> None:
    """``record_id,person_id`` in ``order``, written to a temporary file and renamed."""
    with atomic_write(path, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "person_id"])
        writer.writerows((record_id, person_of[record_id]) for record_id in order)

"""Streaming the cells of one worksheet straight from its XML.

openpyxl's read-only mode builds a cell object per cell, which for 200,000 rows costs most of
an import; here each row's values come out of ElementTree's C parser as plain Python values.
openpyxl still opens the workbook (to find the first sheet and its date formats), so what is
read is what openpyxl would read: shared and inline strings, numbers (a float where the XML
has a decimal point or an exponent), booleans, and numbers in a date format as datetimes.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import IO, Any
from xml.etree.ElementTree import iterparse

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import from_excel

from sanfu.assistance.imports.cells import Cell

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _VALUE, _TEXT = _NS + "row", _NS + "c", _NS + "v", _NS + "t"


def date_styles(book: Any) -> frozenset[int]:
    """Indexes of the cell styles whose number format shows a date."""
    found = set()
    custom = list(getattr(book, "_number_formats", []))
    for index, style in enumerate(getattr(book, "_cell_styles", [])):
        number = style.numFmtId
        fmt = BUILTIN_FORMATS.get(number) or (
            custom[number - 164] if 164 <= number < 164 + len(custom) else ""
        )
        if fmt and is_date_format(fmt):
            found.add(index)
    return frozenset(found)


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    try:
        handle = archive.open("xl/sharedStrings.xml")
    except KeyError:
        return []
    strings = []
    with handle:
        for _event, element in _parse(handle):
            if element.tag == _NS + "si":
                strings.append("".join(t.text or "" for t in element.iter(_TEXT)))
                element.clear()
    return strings


def _parse(handle: IO[bytes]) -> Iterator[tuple[str, Any]]:
    # Uploaded files are untrusted: ElementTree never fetches external entities, and expat
    # (2.4 and later, which Python 3.11 ships) refuses entity-expansion bombs itself.
    return iterparse(handle)  # noqa: S314


def _column(reference: str) -> int:
    number = 0
    for char in reference:
        if not "A" <= char <= "Z":
            break
        number = number * 26 + ord(char) - 64
    return number


def sheet_rows(
    archive: zipfile.ZipFile, path: str, dates: frozenset[int]
) -> Iterator[tuple[int, list[Cell]]]:
    """(row number, values) of each row present in the sheet, in order."""
    strings = _shared_strings(archive)
    with archive.open(path.lstrip("/")) as handle:
        for _event, element in _parse(handle):
            if element.tag != _ROW:
                continue
            cells: list[Cell] = []
            for cell in element.iter(_CELL):
                reference = cell.get("r")
                position = _column(reference) if reference else len(cells) + 1
                if position > len(cells) + 1:
                    cells.extend([None] * (position - 1 - len(cells)))
                cells.append(_value(cell, strings, dates))
            number = element.get("r")
            yield (int(number) if number else 0), cells
            element.clear()


def _value(cell: Any, strings: list[str], dates: frozenset[int]) -> Cell:
    kind = cell.get("t")
    found = cell.find(_VALUE)
    raw = found.text if found is not None else None
    if kind == "s":
        return strings[int(raw)] if raw is not None else None
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(_TEXT))
    if kind in ("str", "e"):
        return raw
    if kind == "b":
        return "TRUE" if raw == "1" else "FALSE"
    if raw is None:
        return None
    try:
        number: int | float = int(raw)
    except ValueError:
        number = float(raw)
    style = cell.get("s")
    if style is not None and int(style) in dates:
        converted = from_excel(number)
        return converted if converted is not None else number
    return number

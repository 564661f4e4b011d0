"""Reading the first worksheet of an .xlsx file straight from its XML, at C speed.

An .xlsx file is a zip of XML parts. Here the workbook's parts are found through their
relationships (the first sheet, the shared strings, the styles), the sheet is scanned once for
its row count and merged ranges (bytes searched, never parsed into objects), then streamed
with lxml's iterparse, which hands Python one finished row at a time: libxml2 reads the cells.
Values come out as openpyxl would read them: shared and inline strings, numbers (a float where
the XML has a decimal point or an exponent), booleans, and numbers in a date format as
datetimes. openpyxl is used only for its table of built-in number formats.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import from_excel

from sanfu.assistance.imports.cells import Cell
from sanfu.lib.errors import ValidationFailed

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_ROW, _CELL, _VALUE, _TEXT = _NS + "row", _NS + "c", _NS + "v", _NS + "t"
_RUN = _NS + "r"
# A row element's start tag, with or without a namespace prefix; <rowBreaks> is not one.
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_MERGE = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')
_SCAN_BYTES = 1 << 20

Merge = tuple[int, int, int, int]  # min_col, min_row, max_col, max_row


def _parser() -> Any:
    # Uploaded files are untrusted: no entity expansion, no network, no DTD loading.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


def _xml(archive: zipfile.ZipFile, path: str) -> Any:
    return etree.fromstring(archive.read(path), _parser())


def _relations(archive: zipfile.ZipFile, part: str) -> list[tuple[str, str, str]]:
    """(id, type, target part's path in the zip) of each relationship of `part`."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in archive.namelist():
        return []
    found = []
    for rel in _xml(archive, rels).iter(_REL_NS + "Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        found.append((rel.get("Id", ""), rel.get("Type", ""), posixpath.normpath(path)))
    return found


@dataclass(frozen=True)
class Book:
    """Where the first sheet is, its row count and merged ranges, and how to read its cells."""

    sheet: str
    rows: int
    merges: list[Merge]
    strings: list[str]
    dates: frozenset[int]


def open_book(archive: zipfile.ZipFile) -> Book:
    """The first worksheet's parts; raises ValidationFailed when the zip is not a workbook."""
    try:
        workbook = next(
            (
                path
                for _id, kind, path in _relations(archive, "")
                if kind.endswith("/officeDocument")
            ),
            "xl/workbook.xml",
        )
        relations = _relations(archive, workbook)
        first = next(_xml(archive, workbook).iter(_NS + "sheet"), None)
        sheets = {rel_id: path for rel_id, _kind, path in relations}
        if first is None or first.get(_DOC_REL) not in sheets:
            raise ValueError(_("the workbook names no worksheet"))
        sheet = sheets[first.get(_DOC_REL)]
        parts = {kind.rsplit("/", 1)[-1]: path for _id, kind, path in relations}
        strings = _shared_strings(archive, parts.get("sharedStrings"))
        dates = _date_styles(archive, parts.get("styles"))
        rows, merges = _scan(archive, sheet)
    except (KeyError, ValueError, etree.XMLSyntaxError, zipfile.BadZipFile, OSError) as error:
        raise ValidationFailed(
            _("The file cannot be read as an Excel workbook (%(error)s).") % {"error": error},
            field="file",
        ) from None
    return Book(sheet=sheet, rows=rows, merges=merges, strings=strings, dates=dates)


def _text(item: Any) -> str:
    """The text of a shared or inline string: its <t>, or its runs' <t> (not phonetic hints)."""
    direct = item.find(_TEXT)
    if direct is not None:
        return str(direct.text or "")
    return "".join(run.findtext(_TEXT) or "" for run in item.iterchildren(_RUN))


def _shared_strings(archive: zipfile.ZipFile, path: str | None) -> list[str]:
    if path is None:
        return []
    strings = []
    with archive.open(path) as handle:
        for _event, item in etree.iterparse(
            handle, tag=_NS + "si", resolve_entities=False, no_network=True, huge_tree=True
        ):
            strings.append(_text(item))
            item.clear(keep_tail=True)
    return strings


def _date_styles(archive: zipfile.ZipFile, path: str | None) -> frozenset[int]:
    """Indexes of the cell styles whose number format shows a date."""
    if path is None:
        return frozenset()
    styles = _xml(archive, path)
    formats: dict[int, str] = dict(BUILTIN_FORMATS)
    for number_format in styles.iter(_NS + "numFmt"):
        formats[int(number_format.get("numFmtId", "0"))] = number_format.get("formatCode", "")
    cell_styles = styles.find(_NS + "cellXfs")
    if cell_styles is None:
        return frozenset()
    found = set()
    for index, style in enumerate(cell_styles.iterchildren(_NS + "xf")):
        code = formats.get(int(style.get("numFmtId", "0")), "")
        if code and is_date_format(code):
            found.add(index)
    return frozenset(found)


def _scan(archive: zipfile.ZipFile, path: str) -> tuple[int, list[Merge]]:
    """The sheet's row count and merged ranges, from its bytes (split only after a '>', so no
    tag is cut in two)."""
    rows = 0
    merges: list[Merge] = []
    carry = b""
    with archive.open(path) as handle:
        while True:
            block = handle.read(_SCAN_BYTES)
            data = carry + block
            cut = data.rfind(b">") + 1 if block else len(data)
            whole, carry = data[:cut], data[cut:]
            rows += len(_ROW_TAG.findall(whole))
            for found in _MERGE.finditer(whole):
                bounds = range_boundaries(found.group(1).decode())
                min_col, min_row, max_col, max_row = (int(b or 0) for b in bounds)
                merges.append((min_col, min_row, max_col, max_row))
            if not block:
                return rows, merges


_DIGITS = "0123456789"


def _column(reference: str, known: dict[str, int]) -> int:
    """The 1-based column of a cell reference (B7 -> 2), its letters remembered."""
    letters = reference.rstrip(_DIGITS)
    found = known.get(letters)
    if found is None:
        found = 0
        for char in letters:
            if not "A" <= char <= "Z":
                break
            found = found * 26 + ord(char) - 64
        known[letters] = found
    return found


def sheet_rows(archive: zipfile.ZipFile, book: Book) -> Iterator[tuple[int, list[Cell]]]:
    """(row number, values) of each row present in the sheet, in order."""
    strings, dates = book.strings, book.dates
    columns: dict[str, int] = {}
    with archive.open(book.sheet) as handle:
        rows = etree.iterparse(
            handle, tag=_ROW, resolve_entities=False, no_network=True, huge_tree=True
        )
        try:
            for _event, row in rows:
                cells: list[Cell] = []
                for cell in row.iterchildren(_CELL):
                    reference = cell.get("r")
                    if reference:
                        position = _column(reference, columns)
                        if position > len(cells) + 1:
                            cells.extend([None] * (position - 1 - len(cells)))
                    cells.append(_value(cell, strings, dates))
                number = row.get("r")
                yield (int(number) if number else 0), cells
                # Free what is read: the row's cells and the rows before it.
                row.clear(keep_tail=True)
                parent = row.getparent()
                while parent is not None and row.getprevious() is not None:
                    del parent[0]
        except etree.XMLSyntaxError as error:
            raise ValidationFailed(
                _("The worksheet's XML is damaged (%(error)s).") % {"error": error}, field="file"
            ) from None


def _value(cell: Any, strings: list[str], dates: frozenset[int]) -> Cell:
    kind = cell.get("t")
    if kind == "inlineStr":
        # libxml2 joins the <t> of <is> (and of its runs) without a Python object per element.
        return "".join(cell.itertext(_TEXT))
    raw: str | None = cell.findtext(_VALUE)
    if kind == "s":
        if raw is None:
            return None
        try:
            return strings[int(raw)]
        except (ValueError, IndexError):
            raise ValidationFailed(
                _("A cell refers to shared string %(index)s, which the file lacks.")
                % {"index": raw},
                field="file",
            ) from None
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

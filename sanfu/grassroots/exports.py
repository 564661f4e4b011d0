"""The three lists as a file: Excel here (openpyxl), PDF through a headless Chromium.

Every cell is written as text: a name or a case title that starts with "=" stays what it was
typed, never a formula (openpyxl would otherwise store it as one).
"""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from sanfu.grassroots.lists import ThreeLists
from sanfu.lib.exports import xlsx_cells

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _text_row(sheet: WriteOnlyWorksheet, values: list[str]) -> list[Any]:
    # Text as text, characters XML cannot hold dropped: sanfu.lib.exports, the one rule.
    return xlsx_cells(sheet, values)


def lists_workbook(three: ThreeLists) -> bytes:
    """One sheet per list; each section a heading row, a header row and its rows."""
    book = Workbook(write_only=True)
    as_of = timezone.localtime(three.as_of).strftime("%Y-%m-%d %H:%M")
    for unit_list in three.lists:
        sheet = book.create_sheet(unit_list.title[:31])
        sheet.append(_text_row(sheet, [f"{three.unit.name} · {unit_list.title}"]))
        sheet.append(_text_row(sheet, [_("As of %(time)s") % {"time": as_of}]))
        for section in unit_list.sections:
            sheet.append([])
            sheet.append(_text_row(sheet, [section.title]))
            sheet.append(_text_row(sheet, section.columns))
            for row in section.rows:
                sheet.append(_text_row(sheet, row))
            if not section.rows:
                sheet.append(_text_row(sheet, [section.empty]))
            if section.more:
                sheet.append(_text_row(sheet, [_("…and %(count)d more") % {"count": section.more}]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

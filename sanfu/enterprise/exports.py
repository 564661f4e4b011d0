"""Excel exports of the enterprise pages. Every text cell is written as text, so a name that
begins with "=" stays a name and never becomes a formula."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from sanfu.enterprise.models import Policy, PolicyMatch

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


Value = str | int | float | Decimal | datetime | None


def _row(sheet: WriteOnlyWorksheet, values: Sequence[Value]) -> list[Cell]:
    cells = []
    for value in values:
        if isinstance(value, datetime) and value.tzinfo is not None:
            # Excel has no time zones: local (Asia/Shanghai) wall-clock time.
            value = timezone.localtime(value).replace(tzinfo=None)
        cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
        if isinstance(value, str):
            cell.data_type = "s"  # text, even when it starts with "=", "+", "-" or "@"
        cells.append(cell)
    return cells


def review_list_workbook(policy: Policy, rows: Iterable[PolicyMatch]) -> HttpResponse:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Qualified but not received"))
    sheet.append(
        _row(
            sheet,
            [
                _("Enterprise"),
                _("Credit code"),
                _("Town"),
                _("State"),
                _("Reason"),
                _("found at"),
            ],
        )
    )
    for m in rows:
        sheet.append(
            _row(
                sheet,
                [
                    m.enterprise.name,
                    m.enterprise.credit_code,
                    m.enterprise.town.name,
                    str(m.get_state_display()),
                    m.reason,
                    m.found_at,
                ],
            )
        )
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="policy-{policy.pk}.xlsx"'
    return response

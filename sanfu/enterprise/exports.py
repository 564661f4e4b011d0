"""Excel exports of the enterprise pages. Every text cell is written as text, so a name that
begins with "=" stays a name and never becomes a formula."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from sanfu.enterprise.models import Policy, PolicyMatch
from sanfu.lib.exports import xlsx_cells

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


Value = str | int | float | Decimal | datetime | None


def _row(sheet: WriteOnlyWorksheet, values: Sequence[Value]) -> list[Cell]:
    # Text as text, local times, characters XML cannot hold dropped: sanfu.lib.exports.
    return xlsx_cells(sheet, values)


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

"""The project list as Excel. Text is written as text: no cell of user text becomes a formula."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from sanfu.lib.exports import xlsx_cells
from sanfu.projects.models import Project

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text_cell(sheet: WriteOnlyWorksheet, value: str) -> Cell:
    """A string cell even when the text starts with "=" (openpyxl would make it a formula), and
    without the characters XML cannot hold: sanfu.lib.exports, the one rule for exports."""
    return xlsx_cells(sheet, [value])[0]


def _local(value: datetime | None) -> datetime | None:
    # Excel has no time zones: local (Asia/Shanghai) wall-clock times.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def projects_workbook(projects: Iterable[Project], *, filename: str) -> HttpResponse:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Projects"))
    sheet.append(
        [
            _("Number"),
            _("Title"),
            _("Kind"),
            _("Origin"),
            _("State"),
            _("Owning unit"),
            _("Answering unit"),
            _("Leading leader"),
            _("Posed at"),
            _("Planned end"),
            _("Finished at"),
        ]
    )
    for project in projects:
        sheet.append(
            [
                project.pk,
                text_cell(sheet, project.title),
                str(project.get_kind_display()),
                str(project.get_origin_display()),
                str(project.get_state_display()),
                text_cell(sheet, project.owning_unit.name),
                text_cell(sheet, project.answering_unit.name if project.answering_unit else ""),
                text_cell(sheet, str(project.lead_leader or "")),
                _local(project.posed_at),
                project.ends_on,
                _local(project.finished_at),
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response

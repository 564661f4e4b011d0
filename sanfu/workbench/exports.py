"""Excel exports of case lists (counties exchange data as Excel)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from sanfu.cases.models import Case

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _local(value: object) -> object:
    # Excel has no time zones: write local (Asia/Shanghai) wall-clock times.
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None)  # type: ignore[arg-type]


def cases_workbook(
    cases: Iterable[Case], *, filename: str, cut: tuple[int, int] | None = None
) -> HttpResponse:
    """The list as an .xlsx download. No personal data: it leaves the system.

    `cut` = (rows written, rows in the list) when the list was longer than an export holds:
    the workbook then opens on a sheet that says so and how to get the rest, and the response
    carries the same in a header, so no one takes a part for the whole.
    """
    book = Workbook(write_only=True)
    if cut is not None:
        note = book.create_sheet(_("Read first"))
        note.append(
            [
                _(
                    "This export holds the first %(written)d of %(total)d cases, newest "
                    "first. Narrow the period, the unit, the category or the channel to "
                    "export the rest."
                )
                % {"written": cut[0], "total": cut[1]}
            ]
        )
    sheet = book.create_sheet(_("Cases"))
    sheet.append(
        [
            _("Case number"),
            _("Title"),
            _("State"),
            _("Category"),
            _("Channel"),
            _("Place"),
            _("Lead unit"),
            _("Received at"),
            _("Reply deadline"),
            _("Deadline"),
            _("Replied at"),
            _("Rating"),
        ]
    )
    for case in cases:
        sheet.append(
            [
                case.number,
                case.title,
                str(case.get_state_display()),
                case.category.name if case.category else "",
                str(case.get_channel_display()),
                case.location_unit.name,
                case.lead_unit.name if case.lead_unit else "",
                _local(case.received_at),
                _local(case.reply_deadline),
                str(case.get_reply_clock_display()) if case.reply_clock else "",
                _local(case.replied_at),
                str(case.get_rating_display()) if case.rating else "",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    if cut is not None:
        response["X-Export-Cut"] = f"{cut[0]}/{cut[1]}"
    return response

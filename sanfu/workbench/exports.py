"""Excel exports of case lists (counties exchange data as Excel)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.http import HttpResponse
from django.utils.translation import gettext as _

from sanfu.cases.models import Case
from sanfu.lib.exports import xlsx_response


def _rows(cases: Iterable[Case]) -> Iterator[list[object]]:
    yield [
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
    for case in cases:
        yield [
            case.number,
            case.title,
            case.get_state_display(),
            case.category.name if case.category else "",
            case.get_channel_display(),
            case.location_unit.name,
            case.lead_unit.name if case.lead_unit else "",
            case.received_at,
            case.reply_deadline,
            case.get_reply_clock_display() if case.reply_clock else "",
            case.replied_at,
            case.get_rating_display() if case.rating else "",
        ]


def cases_workbook(
    cases: Iterable[Case], *, filename: str, cut: tuple[int, int] | None = None
) -> HttpResponse:
    """The list as an .xlsx download. No personal data: it leaves the system. Titles are
    written as text, never as formulas (sanfu.lib.exports).

    `cut` = (rows written, rows in the list) when the list was longer than an export holds:
    the workbook then opens on a sheet that says so and how to get the rest, and the response
    carries the same in a header, so no one takes a part for the whole.
    """
    preface = None
    if cut is not None:
        note = _(
            "This export holds the first %(written)d of %(total)d cases, newest "
            "first. Narrow the period, the unit, the category or the channel to "
            "export the rest."
        ) % {"written": cut[0], "total": cut[1]}
        preface = (_("Read first"), [[note]])
    response = xlsx_response(
        _rows(cases), sheet_title=_("Cases"), filename=filename, preface=preface
    )
    if cut is not None:
        response["X-Export-Cut"] = f"{cut[0]}/{cut[1]}"
    return response

"""The figures of `sanfu.cases.figures`, computed for many groups in one query.

The dashboard needs the same figures per month, per town, per department, per category and
per channel. Calling `case_figures` once per group costs a scan of the county's cases each
time (some 80 scans per dashboard on a million cases); grouping gives the same numbers in one
scan per dimension. The conditions below are those of `case_figures`, term for term, and
`tests/workbench/test_dashboard_figures.py` holds them equal to it for every group, so a
change to a definition there fails here until it is made here too.
(Better still: `case_figures` could be built from these parts; see the issue 4 report.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from sanfu.cases.figures import Figures
from sanfu.cases.models import OPEN_STATES, CaseState, Rating, ReplyKind

Counts = dict[str, Any]
COUNT_NAMES = (
    "received",
    "open",
    "open_overdue",
    "handled",
    "late",
    "solved",
    "on_the_spot",
    "reopened",
    "days_sum",
    "days_n",
    "rated",
    "satisfied",
    "signed",
    "signed_on_time",
)
# Which period each count belongs to, for grouping by month: the date that puts it there.
FAMILIES: dict[str, tuple[str, ...]] = {
    "received_at": ("received", "open", "open_overdue"),
    "replied_at": ("handled", "late", "solved", "on_the_spot", "reopened", "days_sum", "days_n"),
    "rated_at": ("rated", "satisfied"),
    "signed_at": ("signed", "signed_on_time"),
}


def conditions(start: datetime, end: datetime) -> dict[str, Q]:
    received = Q(received_at__gte=start, received_at__lt=end)
    handled = Q(replied_at__gte=start, replied_at__lt=end) & ~Q(state=CaseState.MERGED)
    return {
        "received": received,
        "open": received & Q(state__in=OPEN_STATES),
        "overdue_open": received & Q(state__in=OPEN_STATES, reply_clock="overdue"),
        "handled": handled,
        "late": handled & Q(replied_on_time=False),
        "rated": Q(rated_at__gte=start, rated_at__lt=end) & ~Q(rating=""),
        "signed": Q(signed_at__gte=start, signed_at__lt=end),
    }


def in_period(start: datetime, end: datetime) -> Q:
    """Cases that count for anything in the period (the rows the aggregates read)."""
    terms = conditions(start, end)
    return terms["received"] | terms["handled"] | terms["rated"] | terms["signed"]


def aggregates(start: datetime, end: datetime) -> dict[str, Any]:
    terms = conditions(start, end)
    handled, rated, signed = terms["handled"], terms["rated"], terms["signed"]
    return {
        "received": Count("pk", filter=terms["received"]),
        "open": Count("pk", filter=terms["open"]),
        "open_overdue": Count("pk", filter=terms["overdue_open"]),
        "handled": Count("pk", filter=handled),
        "late": Count("pk", filter=terms["late"]),
        "solved": Count(
            "pk", filter=handled & Q(reply_kind__in=[ReplyKind.SOLVED, ReplyKind.ON_THE_SPOT])
        ),
        "on_the_spot": Count("pk", filter=handled & Q(reply_kind=ReplyKind.ON_THE_SPOT)),
        "reopened": Count("pk", filter=handled & Q(reopen_count__gt=0)),
        # Sum and count rather than Avg, so groups can be added up before dividing.
        "days_sum": Sum("handling_working_days", filter=handled),
        "days_n": Count("handling_working_days", filter=handled),
        "rated": Count("pk", filter=rated),
        "satisfied": Count("pk", filter=rated & Q(rating__in=[Rating.SATISFIED, Rating.BASICALLY])),
        "signed": Count("pk", filter=signed),
        "signed_on_time": Count("pk", filter=signed & Q(signed_on_time=True)),
    }


def empty() -> Counts:
    return dict.fromkeys(COUNT_NAMES, 0)


def add(total: Counts, row: Mapping[str, Any], names: Iterable[str] = COUNT_NAMES) -> None:
    for name in names:
        total[name] = total[name] + (row[name] or 0)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def to_figures(counts: Mapping[str, Any]) -> Figures:
    handled = counts["handled"]
    average = None
    if counts["days_n"]:
        average = (Decimal(counts["days_sum"]) / counts["days_n"]).quantize(Decimal("0.01"))
    return Figures(
        received=counts["received"],
        handled=handled,
        open=counts["open"],
        overdue=counts["late"] + counts["open_overdue"],
        response_rate=_rate(counts["signed_on_time"], counts["signed"]),
        resolution_rate=_rate(counts["solved"], handled),
        satisfaction_rate=_rate(counts["satisfied"], counts["rated"]),
        on_time_rate=_rate(handled - counts["late"], handled),
        on_the_spot_rate=_rate(counts["on_the_spot"], handled),
        average_handling_days=average,
        reopen_rate=_rate(counts["reopened"], handled),
    )

"""Reads of the daily aggregates: the parts of the figures per unit and month, and per
category and channel. Callers decide who may see which unit (the dashboard's form does).

A category is read from the broad grains when it is a broad (level 1) one, else from the
narrow grains (`narrow=True`), whose rows are keyed by the case's own category: a level-2
category is read as its rows and its children's."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from django.db import OperationalError, connection, transaction
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from sanfu.cases import figures as f
from sanfu.cases.models import Category
from sanfu.directory.models import Unit
from sanfu.insight.build import NARROW_DEPTH
from sanfu.insight.models import DailyParts, Grain, Rebuild, Watermark
from sanfu.lib.treepath import path_depth

Parts = f.Parts

# How long a reader of the aggregates waits for a lock before it says they are being rebuilt.
READ_LOCK_WAIT_MS = 2000
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for lock_timeout


class AggregatesBusy(Exception):
    """The aggregates are locked by a full rebuild (`sanfu insight rebuild` without --since)."""


@contextmanager
def aggregates_read() -> Iterator[None]:
    """Read the aggregates inside this block without waiting out a full rebuild.

    On PostgreSQL a full rebuild holds the table locked until it commits (minutes at a million
    cases). A page that waited would hold a server thread all that time, and a few leaders
    refreshing the dashboard would stall every page, intake included. Here a read waits
    `READ_LOCK_WAIT_MS` at most, then `AggregatesBusy` is raised for the page to say so.
    SQLite readers never wait for a writer: nothing to do there."""
    if connection.vendor != "postgresql":
        yield
        return
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = {int(READ_LOCK_WAIT_MS)}")
            yield
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            raise AggregatesBusy from error
        raise


def _sums() -> dict[str, Any]:
    return {
        name: Sum(name, output_field=f.DAYS_SUM_FIELD) if name in f.SUMS else Sum(name)
        for name in f.PART_NAMES
    }


def _parts(row: dict[str, Any]) -> Parts:
    parts = f.empty()
    f.add(parts, row)
    return parts


def narrow_rows_kept(*, unit: Unit, first: date) -> bool:
    """Whether the aggregates hold every narrow row a dashboard of this unit from this day
    reads: the unit's and its children's (kept down to `NARROW_DEPTH`), for every day since."""
    if path_depth(unit.path) + 1 > NARROW_DEPTH:
        return False
    since = Watermark.objects.filter(pk=1).values_list("narrow_from", flat=True).first()
    return since is not None and since <= first


def _of_category(
    rows: QuerySet[DailyParts], category_id: int, narrow: bool
) -> QuerySet[DailyParts]:
    if not narrow:
        return rows.filter(category_id=category_id)
    below = Category.objects.filter(Q(pk=category_id) | Q(parent_id=category_id))
    return rows.filter(category_id__in=list(below.values_list("pk", flat=True)))


def _days(*, unit_ids: list[int], first: date, after: date) -> QuerySet[DailyParts]:
    """The units' rows of the days [first, after), of both grains."""
    return DailyParts.objects.filter(unit_id__in=unit_ids, day__gte=first, day__lt=after)


def unit_month_parts(
    *,
    unit_ids: Iterable[int],
    first: date,
    after: date,
    category_id: int | None = None,
    narrow: bool = False,
) -> dict[tuple[int, date], Parts]:
    """Parts per (unit, first day of the month) for the days [first, after), of all cases or
    of one category's."""
    rows = _days(unit_ids=list(unit_ids), first=first, after=after)
    if category_id is None:
        rows = rows.filter(grain=Grain.UNIT)
    else:  # the breakdown rows of that category, every channel
        grain = Grain.NARROW if narrow else Grain.BREAKDOWN
        rows = _of_category(rows.filter(grain=grain), category_id, narrow)
    grouped = rows.values("unit_id", month=TruncMonth("day")).annotate(**_sums()).order_by()
    result: dict[tuple[int, date], Parts] = {}
    for row in grouped:
        month = row["month"]
        if not isinstance(month, date):  # pragma: no cover - backend dependent
            month = date.fromisoformat(str(month)[:10])
        result[(row["unit_id"], month.replace(day=1))] = _parts(row)
    return result


def breakdown_parts(
    *,
    unit_id: int,
    first: date,
    after: date,
    category_id: int | None = None,
    narrow: bool = False,
) -> list[tuple[int | None, str, Parts]]:
    """Parts per (category, channel) of one unit for the days [first, after), of every broad
    category or only of one category."""
    grain = Grain.NARROW if narrow and category_id is not None else Grain.BREAKDOWN
    rows = _days(unit_ids=[unit_id], first=first, after=after).filter(grain=grain)
    if category_id is not None:  # one category's rows, its children's summed into it
        rows = _of_category(rows, category_id, narrow)
        by_channel = rows.values("channel").annotate(**_sums()).order_by()
        return [(category_id, row["channel"], _parts(row)) for row in by_channel]
    grouped = rows.values("category_id", "channel").annotate(**_sums()).order_by()
    return [(row["category_id"], row["channel"], _parts(row)) for row in grouped]


def own_parts(
    *,
    unit_id: int,
    first: date,
    after: date,
    category_id: int | None = None,
    narrow: bool = False,
) -> Parts:
    """The unit's own parts for the days [first, after): the facts it counts that none of its
    places counts (Grain.OWN), of all cases or of one category's."""
    grain = Grain.NARROW_OWN if narrow and category_id is not None else Grain.OWN
    rows = _days(unit_ids=[unit_id], first=first, after=after).filter(grain=grain)
    if category_id is not None:
        rows = _of_category(rows, category_id, narrow)
    return _parts(rows.aggregate(**_sums()))


def rebuilt_months(*, first: date, after: date) -> list[tuple[date, datetime, str]]:
    """The closed months among [first, after) that an explicit rebuild recomputed after they
    had ended: (first day of the month, when, why), each month once, the latest rebuild."""
    found: dict[date, tuple[datetime, str]] = {}
    rebuilds = Rebuild.objects.filter(last_day__gte=first, first_day__lt=after).order_by("at")
    for rebuild in rebuilds:
        month = max(first, rebuild.first_day).replace(day=1)
        local = timezone.localtime(rebuild.at).date()
        while month < after and month <= rebuild.last_day:
            following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
            if following <= local:  # the month had ended: it was reported before
                found[month] = (rebuild.at, rebuild.reason)
            month = following
    return [(month, at, reason) for month, (at, reason) in sorted(found.items())]

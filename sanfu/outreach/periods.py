"""Cadence periods: calendar days, ISO weeks (Monday to Sunday), months and quarters, in the
county's time zone. A window of report (`2026-11`, `2026-Q4`, `2026-W48`, `2026-11-30`, `2026`)
is parsed here too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from django.utils.translation import gettext as _

from sanfu.lib.errors import ValidationFailed


@dataclass(frozen=True, order=True)
class Span:
    """The days from `first` to `last`, both included."""

    first: date
    last: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


@lru_cache(maxsize=65536)
def period_of(period: str, day: date) -> Span:
    """The cadence period of kind `period` that holds `day` (remembered: compliance asks for
    the same few hundred days over and over)."""
    if period == "daily":
        return Span(day, day)
    if period == "weekly":
        monday = day - timedelta(days=day.weekday())
        return Span(monday, monday + timedelta(days=6))
    if period == "monthly":
        return Span(day.replace(day=1), _month_end(day.year, day.month))
    if period == "quarterly":
        first_month = 3 * ((day.month - 1) // 3) + 1
        return Span(date(day.year, first_month, 1), _month_end(day.year, first_month + 2))
    raise ValueError(period)


def periods_starting_in(period: str, window: Span) -> Iterator[Span]:
    """Every cadence period whose first day lies in `window`: each period belongs to exactly one
    window of a partition, so figures of consecutive windows add up."""
    span = period_of(period, window.first)
    if span.first < window.first:
        span = period_of(period, span.last + timedelta(days=1))
    while span.first <= window.last:
        yield span
        span = period_of(period, span.last + timedelta(days=1))


_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), "day"),
    (re.compile(r"^(\d{4})-W(\d{1,2})$"), "week"),
    (re.compile(r"^(\d{4})-Q([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "month"),
    (re.compile(r"^(\d{4})$"), "year"),
)


def parse_window(text: str) -> Span:
    """`2026-11-30`, `2026-W48`, `2026-Q4`, `2026-11` or `2026`, as a span of days."""
    value = text.strip().upper()
    for pattern, kind in _PATTERNS:
        match = pattern.match(value)
        if match is None:
            continue
        numbers = [int(part) for part in match.groups()]
        if not 2000 <= numbers[0] <= 2100:
            break
        try:
            return _window(kind, numbers)
        except (ValueError, OverflowError):
            break
    raise ValidationFailed(
        _("“%(value)s” is not a period: write 2026-11, 2026-Q4, 2026-W48, 2026-11-30 or 2026.")
        % {"value": text},
        field="period",
    )


def _window(kind: str, numbers: list[int]) -> Span:
    if kind == "day":
        day = date(numbers[0], numbers[1], numbers[2])
        return Span(day, day)
    if kind == "week":
        monday = date.fromisocalendar(numbers[0], numbers[1], 1)
        return Span(monday, monday + timedelta(days=6))
    if kind == "quarter":
        return period_of("quarterly", date(numbers[0], 3 * numbers[1] - 2, 1))
    if kind == "month":
        return period_of("monthly", date(numbers[0], numbers[1], 1))
    return Span(date(numbers[0], 1, 1), date(numbers[0], 12, 31))


def month_label(window: Span) -> str:
    return f"{window.first:%Y-%m}"

"""Deadlines in working days and working hours over China's official calendar.

Everything here but `load_calendar` is a pure function of an immutable `WorkCalendar`
snapshot, so a sweep over thousands of cases reads the tables once and every answer is
reproducible in a test without a database.

A year without a `CalendarYear` row has no official schedule yet (it is announced late in the
autumn before). Such a year is still counted as a plain Monday-to-Friday week, because a
deadline is needed all the same, but the result says `unconfirmed` instead of passing a guess
off as the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from sanfu.cases.models import CalendarDay, CalendarYear, DayKind

# Deadlines are set by the local working day, whatever zone the caller's datetime is in.
LOCAL_ZONE = ZoneInfo("Asia/Shanghai")

# No time limit in the catalogue comes near ten years; anything larger is a bug upstream, and
# refusing it keeps every loop below bounded.
MAX_DAYS = 3650
MAX_HOURS = MAX_DAYS * 24

_DAY = timedelta(days=1)
_MICROSECONDS_PER_DAY = Decimal(86_400_000_000)
_HUNDREDTHS = Decimal("0.01")


# Office hours: time limits in hours count only these hours of each working day.
DEFAULT_OPENS = timedelta(hours=8, minutes=30)
DEFAULT_CLOSES = timedelta(hours=17, minutes=30)


@dataclass(frozen=True)
class WorkCalendar:
    """The exceptions to the Monday-to-Friday week, the years they are official for, and the
    working hours of a working day (offsets from local midnight; 00:00-24:00 is the whole day).
    """

    holidays: frozenset[date]
    workdays: frozenset[date]
    known_years: frozenset[int]
    opens: timedelta = DEFAULT_OPENS
    closes: timedelta = DEFAULT_CLOSES

    def __post_init__(self) -> None:
        # An empty working day would let add_working_hours search for ever.
        if not timedelta(0) <= self.opens < self.closes <= _DAY:
            raise ValueError("working hours must open before they close, within one day")

    def is_working_day(self, d: date) -> bool:
        if d in self.holidays:
            return False
        if d in self.workdays:
            return True
        return d.weekday() < 5

    def is_confirmed(self, d: date) -> bool:
        return d.year in self.known_years


@dataclass(frozen=True)
class Deadline:
    at: datetime
    # True when any day the computation looked at lies in a year with no official schedule.
    unconfirmed: bool


def add_working_days(cal: WorkCalendar, start: datetime, days: int) -> Deadline:
    """The end of the `days`-th working day after the local day of `start`.

    The day of receipt does not count, whatever the hour: "within 3 working days" from a
    Friday-evening request ends on Wednesday at midnight when no holiday intervenes.
    """
    _check_aware(start, "start")
    _check_amount(days, MAX_DAYS, "days")
    day = start.astimezone(LOCAL_ZONE).date()
    unconfirmed = False
    counted = 0
    # Terminates: `days` is bounded and only the finitely many holidays can be skipped.
    while counted < days:
        day += _DAY
        unconfirmed = unconfirmed or not cal.is_confirmed(day)
        if cal.is_working_day(day):
            counted += 1
    end_of_day = datetime.combine(day, time.max, tzinfo=LOCAL_ZONE)
    return Deadline(at=end_of_day, unconfirmed=unconfirmed)


def add_working_hours(cal: WorkCalendar, start: datetime, hours: int) -> Deadline:
    """`start` plus `hours` hours counted only in the working hours of working days.

    A request that arrives at night or over a weekend starts counting when the office opens:
    with 08:30-17:30, 4 hours from Friday 22:45 is Monday 12:30 (not Monday 02:45), and 4
    hours from Thursday 16:00 is Friday 11:00. Time left when the office closes carries over.
    """
    _check_aware(start, "start")
    _check_amount(hours, MAX_HOURS, "hours")
    cursor = start.astimezone(LOCAL_ZONE)
    remaining = timedelta(hours=hours)
    unconfirmed = False
    while True:
        day = cursor.date()
        unconfirmed = unconfirmed or not cal.is_confirmed(day)
        if cal.is_working_day(day):
            midnight = _local_midnight(day)
            begin = max(cursor, midnight + cal.opens)
            available = midnight + cal.closes - begin
            if remaining <= available:
                return Deadline(at=begin + remaining, unconfirmed=unconfirmed)
            if available > timedelta(0):
                remaining -= available
        cursor = _local_midnight(day + _DAY)


def working_days_between(cal: WorkCalendar, start: datetime, end: datetime) -> Decimal:
    """Time elapsed on working days only, in days of 24 hours, to two decimal places.

    This is the "handling time in working days" of a case: a weekend in between adds nothing.
    """
    _check_aware(start, "start")
    _check_aware(end, "end")
    if end < start:
        raise ValueError("end must not be before start")
    start_local = start.astimezone(LOCAL_ZONE)
    end_local = end.astimezone(LOCAL_ZONE)
    if (end_local.date() - start_local.date()).days > MAX_DAYS:
        raise ValueError(f"the span must be at most {MAX_DAYS} days")
    elapsed = timedelta(0)
    day = start_local.date()
    while day <= end_local.date():
        if cal.is_working_day(day):
            day_start = max(start_local, _local_midnight(day))
            day_end = min(end_local, _local_midnight(day + _DAY))
            elapsed += day_end - day_start
        day += _DAY
    microseconds = Decimal(elapsed // timedelta(microseconds=1))
    return (microseconds / _MICROSECONDS_PER_DAY).quantize(_HUNDREDTHS, rounding=ROUND_HALF_UP)


def load_calendar() -> WorkCalendar:
    """A snapshot of the calendar tables (a few dozen rows a year).

    Not cached: `CalendarDay` has no modification time, so no cheap key notices an
    administrator changing a day's kind in place, and a stale calendar would move deadlines
    silently. Callers that compute many deadlines (the SLA sweep) load once and pass it on.
    """
    holidays: set[date] = set()
    workdays: set[date] = set()
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (workdays if kind == DayKind.WORKDAY else holidays).add(day)
    known_years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    opens, closes = settings.CASE_WORKING_HOURS
    return WorkCalendar(
        holidays=frozenset(holidays),
        workdays=frozenset(workdays),
        known_years=known_years,
        opens=opens,
        closes=closes,
    )


def _local_midnight(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=LOCAL_ZONE)


def _check_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def _check_amount(value: int, maximum: int, name: str) -> None:
    if not 1 <= value <= maximum:
        raise ValueError(f"{name} must be between 1 and {maximum}")

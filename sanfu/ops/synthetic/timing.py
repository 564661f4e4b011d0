"""When synthetic cases arrive, and their deadlines over the working-day calendar, fast.

Arrivals follow a county's week: more on working days and in office hours, a dip at lunch and
at night, and a volume that grows towards the present (a platform takes on users over time).
Deadlines come from sanfu.cases.calendar itself, called through small caches: a reply deadline
depends only on the local day and the number of days, so a million cases need a few thousand
calls, not a million.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import accumulate

from sanfu.cases.calendar import (
    LOCAL_ZONE,
    Deadline,
    WorkCalendar,
    add_working_days,
    add_working_hours,
    working_days_between,
)

SPAN_DAYS = 730
# Cases per day grow by this factor from two years ago to today.
GROWTH = 3.0
NON_WORKING_DAY_SHARE = 0.45
# Relative arrivals per local hour: quiet at night, peaks mid-morning and mid-afternoon.
HOUR_WEIGHTS = (
    0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 3.5, 6.0, 6.5, 5.5,
    3.0, 3.5, 5.5, 6.0, 5.5, 4.0, 2.5, 2.2, 2.3, 1.8, 1.0, 0.5,
)  # fmt: skip
_HOUR_CUMULATIVE = tuple(accumulate(HOUR_WEIGHTS))
OFFICE_OPENS = time(8, 30)
OFFICE_CLOSES = time(17, 30)
_DAY = timedelta(days=1)
_MICROSECONDS_PER_DAY = Decimal(86_400_000_000)
_HUNDREDTHS = Decimal("0.01")


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_ZONE)


def daily_counts(
    rng: random.Random, cal: WorkCalendar, count: int, now: datetime
) -> list[tuple[date, int]]:
    """`count` cases spread over the SPAN_DAYS local days up to `now`, oldest first.

    Largest remainders turn the weights into whole numbers that add up to exactly `count`.
    """
    local = now.astimezone(LOCAL_ZONE)
    today = local.date()
    days = [today - timedelta(days=offset) for offset in range(SPAN_DAYS - 1, -1, -1)]
    weights = []
    for index, day in enumerate(days):
        trend = math.exp(math.log(GROWTH) * index / (SPAN_DAYS - 1))
        week = 1.0 if cal.is_working_day(day) else NON_WORKING_DAY_SHARE
        weights.append(trend * week * rng.uniform(0.85, 1.15))
    # Today is only partly over: it gets the share of its arrivals that lie before now.
    weights[-1] *= _share_of_day_passed(local)
    total = sum(weights)
    exact = [count * weight / total for weight in weights]
    counts = [math.floor(value) for value in exact]
    by_remainder = sorted(range(len(days)), key=lambda i: counts[i] - exact[i])
    for index in by_remainder[: count - sum(counts)]:
        counts[index] += 1
    return [(day, n) for day, n in zip(days, counts, strict=True) if n]


def _share_of_day_passed(local: datetime) -> float:
    hour = local.hour
    before = _HOUR_CUMULATIVE[hour - 1] if hour else 0.0
    within = HOUR_WEIGHTS[hour] * (local.minute * 60 + local.second) / 3600
    return (before + within) / _HOUR_CUMULATIVE[-1]


def arrival_times(rng: random.Random, day: date, n: int, now: datetime) -> list[datetime]:
    """`n` moments of the local `day`, sorted, none after `now`."""
    midnight = datetime.combine(day, time.min, tzinfo=LOCAL_ZONE)
    limit = min(now, midnight + _DAY)
    span = (limit - midnight).total_seconds()
    moments: list[datetime] = []
    for _index in range(n):
        hour = bisect_right(_HOUR_CUMULATIVE, rng.random() * _HOUR_CUMULATIVE[-1])
        moment = midnight + timedelta(hours=hour, seconds=rng.random() * 3600)
        if moment > limit:
            # Today, after now: anywhere in the part of the day that has passed instead.
            moment = midnight + timedelta(seconds=rng.random() * span)
        moments.append(moment)
    moments.sort()
    return moments


class Clocks:
    """Deadlines and working time, through the calendar module, cached where exact."""

    def __init__(self, cal: WorkCalendar) -> None:
        self.cal = cal
        self._reply: dict[tuple[date, int], Deadline] = {}
        self._working: dict[date, bool] = {}
        self._whole: dict[tuple[date, date], int] = {}

    def is_working_day(self, day: date) -> bool:
        known = self._working.get(day)
        if known is None:
            known = self._working[day] = self.cal.is_working_day(day)
        return known

    def reply_deadline(self, at: datetime, days: int) -> Deadline:
        # add_working_days reads only the local date of `at`.
        key = (at.astimezone(LOCAL_ZONE).date(), days)
        deadline = self._reply.get(key)
        if deadline is None:
            deadline = self._reply[key] = add_working_days(self.cal, at, days)
        return deadline

    def sign_deadline(self, at: datetime, hours: int) -> Deadline:
        local = at.astimezone(LOCAL_ZONE)
        day = local.date()
        end = local + timedelta(hours=hours)
        # The common case, where add_working_hours would return at once: during the working
        # hours of a working day, with the hours left before the office closes.
        opens, closes = _midnight(day) + self.cal.opens, _midnight(day) + self.cal.closes
        if opens <= local and end <= closes and self.is_working_day(day):
            return Deadline(at=end, unconfirmed=not self.cal.is_confirmed(day))
        return add_working_hours(self.cal, at, hours)

    def working_days(self, start: datetime, end: datetime) -> Decimal:
        """working_days_between(start, end), with the whole days in between cached.

        The whole local days strictly between the two dates count as the calendar says
        (working_days_between over midnight to midnight, cached per pair of dates); the two
        partial days at the ends are added here, then rounded as working_days_between rounds.
        """
        first = start.astimezone(LOCAL_ZONE)
        last = end.astimezone(LOCAL_ZONE)
        first_day, last_day = first.date(), last.date()
        if first_day == last_day or last < first:
            return working_days_between(self.cal, start, end)
        whole = self._whole.get((first_day, last_day))
        if whole is None:
            after_first = _midnight(first_day + _DAY)
            whole = int(working_days_between(self.cal, after_first, _midnight(last_day)))
            self._whole[(first_day, last_day)] = whole
        elapsed = timedelta(days=whole)
        if self.is_working_day(first_day):
            elapsed += _midnight(first_day + _DAY) - first
        if self.is_working_day(last_day):
            elapsed += last - _midnight(last_day)
        microseconds = Decimal(elapsed // timedelta(microseconds=1))
        return (microseconds / _MICROSECONDS_PER_DAY).quantize(_HUNDREDTHS, ROUND_HALF_UP)

    def office_hours(self, rng: random.Random, moment: datetime) -> datetime:
        """`moment` if staff are at work then, else a time early on the next working day."""
        local = moment.astimezone(LOCAL_ZONE)
        day = local.date()
        if self.is_working_day(day) and OFFICE_OPENS <= local.time() < OFFICE_CLOSES:
            return local
        if local.time() >= OFFICE_OPENS:
            day += _DAY
        while not self.is_working_day(day):
            day += _DAY
        opens = datetime.combine(day, OFFICE_OPENS, tzinfo=LOCAL_ZONE)
        return opens + timedelta(minutes=rng.uniform(0, 120))

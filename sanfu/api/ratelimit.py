"""Rate limits on public POSTs, counted in the database so every server process shares them.

A sliding window estimated from two fixed windows (the current one and the one before, the
latter weighted by how much of it still lies inside the sliding window): no burst of twice the
limit at a window boundary, and only two small rows per bucket. Counting runs in its own short
transaction before the request's work, so a slow request never holds a counter's row lock;
on PostgreSQL that transaction skips the wait for its commit to reach the disk, because a
counter lost in a crash costs nothing.
"""

from __future__ import annotations

import math
import time

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from sanfu.api.conf import Rate
from sanfu.api.models import RateCounter
from sanfu.lib.addresses import client_address

__all__ = ["client_address", "rate_limit_hit", "rate_limits_hit"]


def _count(bucket: str, window: int) -> None:
    counters = RateCounter.objects.filter(bucket=bucket, window=window)
    if counters.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            RateCounter.objects.create(bucket=bucket, window=window, count=1)
    except IntegrityError:  # another process created it a moment ago
        counters.update(count=F("count") + 1)
        return
    # The first request of a window clears the bucket's windows that no longer matter.
    RateCounter.objects.filter(bucket=bucket, window__lt=window - 1).delete()


def rate_limits_hit(limits: list[tuple[str, Rate]], *, now: float | None = None) -> int | None:
    """Count one request against each (bucket, rate): None if all allow it, else seconds to wait.

    Refused requests count too, so a client that ignores the answer stays refused.
    """
    now = time.time() if now is None else now
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        waits = [rate_limit_hit(bucket=bucket, rate=rate, now=now) for bucket, rate in limits]
    return max((wait for wait in waits if wait is not None), default=None)


def rate_limit_hit(*, bucket: str, rate: Rate, now: float | None = None) -> int | None:
    """Count one request against `bucket`: None if it is allowed, else seconds to wait."""
    if rate.count == 0:
        return None
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    _count(bucket, window)
    counts = dict(
        RateCounter.objects.filter(bucket=bucket, window__in=[window - 1, window]).values_list(
            "window", "count"
        )
    )
    current, previous = counts.get(window, 1), counts.get(window - 1, 0)
    elapsed = now - window * rate.seconds
    if previous * (1 - elapsed / rate.seconds) + current <= rate.count:
        return None
    return _wait(rate, elapsed=elapsed, current=current, previous=previous)


def _wait(rate: Rate, *, elapsed: float, current: int, previous: int) -> int:
    """Seconds until one more request would be allowed, if nothing more is sent meanwhile."""
    span = rate.seconds
    if current + 1 <= rate.count and previous:
        # Still in this window, once enough of the previous one has slid out.
        until = span * (1 - (rate.count - current - 1) / previous) - elapsed
    else:
        # Next window: this one becomes the previous and must have slid out far enough.
        until = (span - elapsed) + span * (1 - (rate.count - 1) / max(current, 1))
    return max(1, math.ceil(until))

"""Rate limits on public POSTs, counted in the database so every server process shares them.

A sliding window estimated from two fixed windows (the current one and the one before, the
latter weighted by how much of it still lies inside the sliding window): no burst of twice the
limit at a window boundary, and only two small rows per bucket. Counting is one statement,
sent on its own before the request's work and so its own transaction: a slow request never
holds a counter's row lock, and there is no BEGIN or COMMIT to wait for (on a busy machine each
round trip waits for the database's process to be scheduled). On PostgreSQL its commit skips
the wait for the disk, because a counter lost in a crash costs nothing.

The windows no count reads any more are removed by the sweep (`rate_counters_clear`), not by
the requests.
"""

from __future__ import annotations

import math
import time

from django.db import connection

from sanfu.api.conf import Rate
from sanfu.api.models import RateCounter
from sanfu.lib.addresses import client_address

__all__ = [
    "ADDRESS_BUCKET",
    "KEY_BUCKET",
    "client_address",
    "rate_counters_clear",
    "rate_limit_hit",
    "rate_limits_hit",
]

# The Open311 buckets: an API key's (by its client's id) and a client address's.
KEY_BUCKET = "o311:key:"
ADDRESS_BUCKET = "o311:ip:"


def _counted(windows: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Count one request in each bucket's window; per bucket, the window's new count and the
    count of the window before (0 when it has none).

    INSERT … ON CONFLICT DO UPDATE … RETURNING (PostgreSQL and SQLite alike), in bucket order
    so that two requests counting the same buckets take their row locks in the same order;
    the window before is read in the same RETURNING (a row this statement does not change).
    """
    quote = connection.ops.quote_name
    table = quote(RateCounter._meta.db_table)
    bucket, window, count = quote("bucket"), quote("window"), quote("count")
    rows = sorted(windows.items())
    before = (
        f"COALESCE((SELECT p.{count} FROM {table} p "  # noqa: S608 - fixed names
        f"WHERE p.{bucket} = {table}.{bucket} AND p.{window} = {table}.{window} - 1), 0)"
    )
    quick = ""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Only when the statement is its own transaction: inside a caller's, it would make
        # the caller's commit quick too.
        quick = ", set_config('synchronous_commit', 'off', true)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({bucket}, {window}, {count}) "  # noqa: S608 - fixed names
            f"VALUES {', '.join(['(%s, %s, 1)'] * len(rows))} "
            f"ON CONFLICT ({bucket}, {window}) DO UPDATE SET {count} = {table}.{count} + 1 "
            f"RETURNING {bucket}, {count}, {before}{quick}",
            [value for row in rows for value in row],
        )
        return {row[0]: (row[1], row[2]) for row in cursor.fetchall()}


def rate_limits_hit(limits: list[tuple[str, Rate]], *, now: float | None = None) -> int | None:
    """Count one request against each (bucket, rate): None if all allow it, else seconds to wait.

    Refused requests count too, so a client that ignores the answer stays refused. One
    statement for all the buckets.
    """
    now = time.time() if now is None else now
    rates = {bucket: rate for bucket, rate in limits if rate.count}
    if not rates:
        return None
    windows = {bucket: int(now // rate.seconds) for bucket, rate in rates.items()}
    counts = _counted(windows)
    waits = []
    for bucket, rate in rates.items():
        elapsed = now - windows[bucket] * rate.seconds
        counted, before = counts[bucket]
        if before * (1 - elapsed / rate.seconds) + counted > rate.count:
            waits.append(_wait(rate, elapsed=elapsed, current=counted, previous=before))
    return max(waits, default=None)


def rate_counters_clear(prefixes: list[tuple[str, Rate]], *, now: float | None = None) -> int:
    """Remove the windows of the buckets starting with each prefix that counting no longer
    reads (those before the previous window of the prefix's rate); how many were removed.

    A sweep job: safe to run in several processes at once, and a pass that fails leaves the
    rows for the next (they only take room; counting never reads them).
    """
    now = time.time() if now is None else now
    removed = 0
    for prefix, rate in prefixes:
        current = int(now // rate.seconds) if rate.count else None
        stale = RateCounter.objects.filter(bucket__startswith=prefix)
        if current is not None:
            stale = stale.filter(window__lt=current - 1)
        removed += stale.delete()[0]
    return removed


def rate_limit_hit(*, bucket: str, rate: Rate, now: float | None = None) -> int | None:
    """Count one request against `bucket`: None if it is allowed, else seconds to wait."""
    return rate_limits_hit([(bucket, rate)], now=now)


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

"""Rate limits on public POSTs, counted in the database so every server process shares them.

A sliding window estimated from two fixed windows (the current one and the one before, the
latter weighted by how much of it still lies inside the sliding window): no burst of twice the
limit at a window boundary, and only two small rows per bucket. Counting runs in its own short
transaction before the request's work, so a slow request never holds a counter's row lock.
On PostgreSQL that transaction is a single statement sent on its own (no BEGIN and COMMIT
round trips: on a busy machine each round trip waits for the server process to be scheduled),
and its commit skips the wait for the disk, because a counter lost in a crash costs nothing.
"""

from __future__ import annotations

import math
import time
from contextlib import nullcontext

from django.db import connection, transaction

from sanfu.api.conf import Rate
from sanfu.api.models import RateCounter
from sanfu.lib.addresses import client_address

__all__ = ["client_address", "rate_limit_hit", "rate_limits_hit"]


def _counted(windows: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Count one request in each bucket's window; per bucket, the window's new count and the
    count of the window before (0 when it has none).

    INSERT … ON CONFLICT DO UPDATE … RETURNING (PostgreSQL and SQLite alike), in bucket order
    so that two requests counting the same buckets take their row locks in the same order.
    On PostgreSQL the count and the read of the windows before are one statement, which also
    sets this transaction's commit not to wait for the disk; on SQLite (in-process, no round
    trips) two. Plain SQL over fixed names, prepared once: it runs on every public POST.
    """
    quote = connection.ops.quote_name
    table = quote(RateCounter._meta.db_table)
    bucket, window, count = quote("bucket"), quote("window"), quote("count")
    rows = sorted(windows.items())
    values = ", ".join(["(%s, %s, 1)"] * len(rows))
    counting = (
        f"INSERT INTO {table} ({bucket}, {window}, {count}) VALUES {values} "  # noqa: S608
        f"ON CONFLICT ({bucket}, {window}) DO UPDATE SET {count} = {table}.{count} + 1 "
        f"RETURNING {bucket}, {window}, {count}"
    )
    params = [value for row in rows for value in row]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The quick commit only when this statement is its own transaction: inside a
            # caller's, it would make the caller's commit quick too.
            quick = "" if connection.in_atomic_block else " CROSS JOIN quick"
            cursor.execute(
                "WITH quick AS (SELECT set_config('synchronous_commit', 'off', true)), "  # noqa: S608
                f"counted AS ({counting}) "
                f"SELECT c.{bucket}, c.{count}, COALESCE(p.{count}, 0) "
                f"FROM counted c{quick} LEFT JOIN {table} p "
                f"ON p.{bucket} = c.{bucket} AND p.{window} = c.{window} - 1",
                params,
            )
            return {name: (current, before) for name, current, before in cursor.fetchall()}
        cursor.execute(counting, params)
        current = {name: now for name, _window, now in cursor.fetchall()}
        wanted = " OR ".join([f"({bucket} = %s AND {window} = %s)"] * len(rows))
        cursor.execute(
            f"SELECT {bucket}, {count} FROM {table} WHERE {wanted}",  # noqa: S608
            [value for name, number in rows for value in (name, number - 1)],
        )
        before = dict(cursor.fetchall())
    return {name: (now, before.get(name, 0)) for name, now in current.items()}


def rate_limits_hit(limits: list[tuple[str, Rate]], *, now: float | None = None) -> int | None:
    """Count one request against each (bucket, rate): None if all allow it, else seconds to wait.

    Refused requests count too, so a client that ignores the answer stays refused. One
    statement for all the buckets on PostgreSQL (the counting and a read of the windows
    before), two on SQLite.
    """
    now = time.time() if now is None else now
    rates = {bucket: rate for bucket, rate in limits if rate.count}
    if not rates:
        return None
    windows = {bucket: int(now // rate.seconds) for bucket, rate in rates.items()}
    # One statement on PostgreSQL, its own transaction; SQLite's two need one around them.
    with nullcontext() if connection.vendor == "postgresql" else transaction.atomic():
        counts = _counted(windows)
    for bucket, (count, _before) in counts.items():
        if count == 1:
            # The first request of a window clears the bucket's windows that no longer matter.
            RateCounter.objects.filter(bucket=bucket, window__lt=windows[bucket] - 1).delete()
    waits = []
    for bucket, rate in rates.items():
        elapsed = now - windows[bucket] * rate.seconds
        counted, before = counts[bucket]
        if before * (1 - elapsed / rate.seconds) + counted > rate.count:
            waits.append(_wait(rate, elapsed=elapsed, current=counted, previous=before))
    return max(waits, default=None)


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

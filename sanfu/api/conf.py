"""The interfaces' settings, read from the environment by sanfu.settings and checked here.

| variable | default | meaning |
|---|---|---|
| `SANFU_API_RATE_PER_KEY` | `120/60` | POSTs per API key: N per S seconds (`0/60`: no limit) |
| `SANFU_API_RATE_PER_ADDRESS` | `30/60` | public POSTs per client address, the same way |
| `SANFU_API_IDEMPOTENCY_HOURS` | `24` | how long a POST's answer is kept for retries with its key |

Tests override the settings of the same names.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Rate:
    count: int  # 0: no limit
    seconds: int


def parse_rate(name: str, raw: str) -> Rate:
    count, slash, seconds = raw.strip().partition("/")
    try:
        rate = Rate(int(count), int(seconds)) if slash else None
    except ValueError:
        rate = None
    if rate is None or rate.count < 0 or rate.seconds < 1:
        raise ImproperlyConfigured(f"{name}: expected N/SECONDS such as 120/60, got {raw!r}")
    return rate


def rate_per_key() -> Rate:
    return parse_rate("SANFU_API_RATE_PER_KEY", settings.SANFU_API_RATE_PER_KEY)


def rate_per_address() -> Rate:
    return parse_rate("SANFU_API_RATE_PER_ADDRESS", settings.SANFU_API_RATE_PER_ADDRESS)


def idempotency_hours() -> int:
    hours: int = settings.SANFU_API_IDEMPOTENCY_HOURS
    return hours


def check() -> None:
    """Raise ImproperlyConfigured naming the variable for a bad value (run at start-up)."""
    rate_per_key()
    rate_per_address()
    idempotency_hours()

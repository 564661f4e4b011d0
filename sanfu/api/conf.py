"""The interfaces' settings: read from Django settings when set there, else from the environment.

| variable | default | meaning |
|---|---|---|
| `SANFU_API_RATE_PER_KEY` | `120/60` | POSTs per API key: N per S seconds (`0/60`: no limit) |
| `SANFU_API_RATE_PER_ADDRESS` | `30/60` | public POSTs per client address, the same way |
| `SANFU_API_IDEMPOTENCY_HOURS` | `24` | how long a POST's answer is kept for retries with its key |

Settings of the same names win over the environment, so tests can override them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sanfu.lib.env import env_int


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


def _rate(name: str, default: str) -> Rate:
    configured = getattr(settings, name, None)
    if isinstance(configured, str):
        return parse_rate(name, configured)
    return parse_rate(name, os.environ.get(name, default))


def rate_per_key() -> Rate:
    return _rate("SANFU_API_RATE_PER_KEY", "120/60")


def rate_per_address() -> Rate:
    return _rate("SANFU_API_RATE_PER_ADDRESS", "30/60")


def idempotency_hours() -> int:
    configured = getattr(settings, "SANFU_API_IDEMPOTENCY_HOURS", None)
    if isinstance(configured, int):
        return configured
    return env_int("SANFU_API_IDEMPOTENCY_HOURS", 24, minimum=1)


def check() -> None:
    """Raise ImproperlyConfigured naming the variable for a bad value (run at start-up)."""
    rate_per_key()
    rate_per_address()
    idempotency_hours()

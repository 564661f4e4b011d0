"""The case loop's catalogue and personas, shared with the notification tests, and an SMS outbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sanfu.notify.transports import MemorySmsBackend
from tests.cases.conftest import catalogue, people

__all__ = ["catalogue", "people", "sms"]


@pytest.fixture
def sms(settings) -> Iterator[list[tuple[str, str]]]:
    """Text messages sent during the test, as (phone, text), through the in-memory backend."""
    settings.SANFU_SMS_BACKEND = "sanfu.notify.transports.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    yield MemorySmsBackend.outbox
    MemorySmsBackend.outbox.clear()

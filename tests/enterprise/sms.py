"""An SMS backend for the tests: keeps what it would have sent."""

from __future__ import annotations

import re

SENT: list[tuple[str, str]] = []


class CapturingSms:
    def send(self, phone: str, text: str) -> None:
        SENT.append((phone, text))


def last_code(phone: str) -> str:
    texts = [text for to, text in SENT if to == phone]
    found = re.search(r"\d{6}", texts[-1]) if texts else None
    assert found is not None, SENT
    return found.group(0)

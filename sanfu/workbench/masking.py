"""Masking a requester's personal data for display. Knows nothing of who is looking."""

from __future__ import annotations

from sanfu.lib.idnumber import mask_id_number


def mask_phone(value: str) -> str:
    """`138****5678`: the first three and last four digits of a mobile; landlines alike."""
    digits = value.strip()
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_name(value: str) -> str:
    """`王**`: the family name only (the first character)."""
    name = value.strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""


def mask_id(value: str) -> str:
    return mask_id_number(value) if value else ""

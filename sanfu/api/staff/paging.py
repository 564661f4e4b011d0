"""Cursor paging: each page ends with an opaque cursor, the position after its last row.

Keyset paging rather than offsets: page 500 of a queue costs what page 1 costs (an index range
scan from the position), and rows added meanwhile neither repeat nor vanish between pages.
The ordering always ends in a unique field, so a position is exact.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from sanfu.api.open311.params import clean_text
from sanfu.lib.errors import ValidationFailed

_M = TypeVar("_M", bound=models.Model)
CURSOR_MAX = 500
BIGINT_MAX = 2**63 - 1


def _encode(values: Sequence[Any]) -> str:
    plain = [value.isoformat() if isinstance(value, datetime) else value for value in values]
    raw = json.dumps(plain, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _bad_cursor() -> ValidationFailed:
    return ValidationFailed(_("This cursor is not one this API gave out."), field="cursor")


def _decode(cursor: str, model: type[models.Model], fields: Sequence[str]) -> list[Any]:
    if len(cursor) > CURSOR_MAX:
        raise _bad_cursor()
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError):
        raise _bad_cursor() from None
    if not isinstance(values, list) or len(values) != len(fields):
        raise _bad_cursor()
    decoded = []
    for name, value in zip(fields, values, strict=True):
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise _bad_cursor()
        if isinstance(value, int) and not -BIGINT_MAX <= value <= BIGINT_MAX:
            raise _bad_cursor()
        try:
            if isinstance(value, str):
                clean_text(value, name="cursor")
            python = model._meta.get_field(name).to_python(value)  # type: ignore[union-attr]
        except (ValidationError, ValidationFailed, TypeError, ValueError, OverflowError):
            raise _bad_cursor() from None
        if python is None:
            raise _bad_cursor()
        decoded.append(python)
    return decoded


def _after(fields: Sequence[str], values: Sequence[Any], *, descending: bool) -> Q:
    """Rows strictly after the position: (a, b) < (x, y) spelled out for any database."""
    op = "lt" if descending else "gt"
    condition = Q()
    for index, name in enumerate(fields):
        equal = {field: values[i] for i, field in enumerate(fields[:index])}
        condition |= Q(**equal, **{f"{name}__{op}": values[index]})
    return condition


def page(
    queryset: QuerySet[_M],
    *,
    fields: Sequence[str],
    cursor: str | None,
    limit: int,
    descending: bool = True,
) -> tuple[list[_M], str | None]:
    """One page of `queryset` ordered by `fields` (the last one unique), and the next cursor."""
    ordering = [f"-{name}" if descending else name for name in fields]
    queryset = queryset.order_by(*ordering)
    if cursor:
        values = _decode(cursor, queryset.model, fields)
        queryset = queryset.filter(_after(fields, values, descending=descending))
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], _encode([getattr(last, name) for name in fields])

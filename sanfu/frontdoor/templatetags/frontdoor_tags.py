"""`{{ fraction|share }}`: an exact rate rounded once, for display; `{{ d|get:key }}`."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django import template

register = template.Library()


@register.filter
def share(value: Fraction | None) -> str:
    if value is None:
        return "—"
    return f"{float(value) * 100:.1f}%"


@register.filter
def get(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def attr(obj: Any, name: str) -> Any:
    return getattr(obj, name, None)

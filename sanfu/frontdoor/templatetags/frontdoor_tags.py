"""`{{ fraction|share }}`: an exact rate rounded once, for display; `{{ d|get:key }}`."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django import template

from sanfu.cases.figures import Rate

register = template.Library()


@register.filter
def share(value: Fraction | None) -> str:
    # Rounded by the figures' one rule (half-up, once), not by float formatting.
    if value is None:
        return "—"
    return str(Rate(value.numerator, value.denominator))


@register.filter
def get(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def attr(obj: Any, name: str) -> Any:
    return getattr(obj, name, None)

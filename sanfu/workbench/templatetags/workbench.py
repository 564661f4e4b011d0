"""Display helpers for the workbench's numbers."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(rate: float | None) -> str:
    """0.9823 → "98.2%"; no rate (nothing to divide by) → "—", never 0%."""
    if rate is None:
        return "—"
    return f"{rate * 100:.1f}%"

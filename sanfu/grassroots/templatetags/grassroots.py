from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """A rate or change as a percentage with one decimal (−53.8%); a dash when undefined."""
    if value is None:
        return "—"
    return f"{value * 100:+.1f}%".replace("-", "−") if value < 0 else f"{value * 100:.1f}%"

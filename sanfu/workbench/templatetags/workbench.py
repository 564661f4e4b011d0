"""Display helpers for the workbench's numbers."""

from __future__ import annotations

from django import template

from sanfu.cases.figures import Rate
from sanfu.directory.models import User
from sanfu.workbench.selectors.dashboard import dashboard_allowed

register = template.Library()


@register.filter
def percent(rate: Rate | float | None) -> str:
    """A rate as "98.2%" (an exact Rate rounded once, half-up); no rate (nothing to divide
    by) → "—", never 0%."""
    if rate is None:
        return "—"
    if isinstance(rate, Rate):
        return str(rate)
    return f"{rate * 100:.1f}%"


@register.filter
def fraction(rate: Rate | None) -> str:
    """The counts behind a rate, "1459/1519", for a title the reader can check."""
    return "" if rate is None else f"{rate.part}/{rate.whole}"


@register.filter
def has_dashboard(user: object) -> bool:
    """For the menu: nobody is shown a link to a dashboard they cannot open."""
    return isinstance(user, User) and dashboard_allowed(user=user)

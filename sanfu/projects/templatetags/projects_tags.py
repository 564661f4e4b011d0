"""Display helpers for the project pages, and the portal's incident banner."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

from django import template
from django.utils.translation import gettext as _

from sanfu.projects.selectors import Banner, open_incident_banners

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    """ "2 d 3 h", "5 h 20 min", "12 min": as much as a person reads at a glance."""
    if value is None:
        return ""
    minutes = max(int(value.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    return _("%(m)d min") % {"m": minutes}


@register.filter
def percent(value: Fraction | None) -> str:
    if value is None:
        return "—"
    return f"{float(value) * 100:.1f}%"


@register.simple_tag
def incident_banners() -> list[Banner]:
    return open_incident_banners()

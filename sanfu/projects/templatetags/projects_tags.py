"""Display helpers for the project pages, and the portal's incident banner."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction
from html import escape
from typing import Any

from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from sanfu.projects.models import State
from sanfu.projects.selectors import Banner, Board, open_incident_banners

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


@register.simple_tag(takes_context=True)
def board_rows(context: dict[str, Any], board: Board) -> SafeString:
    """The board's targets as HTML, written here rather than in a template loop: a wall board
    of 2,000 targets renders in milliseconds instead of seconds. Every text is escaped."""
    request = context.get("request")
    csrf = escape(get_token(request)) if request is not None else ""
    prefix = reverse("projects:board_update", args=[board.project.pk, 1]).removesuffix("1/")
    done, overdue, behind = escape(_("Done")), escape(_("Overdue")), escape(_("behind schedule"))
    label, add = escape(_("Restored since last update")), escape(_("Add"))
    left_text = _("%(left)s left")
    editable = board.project.state == State.IN_PROGRESS
    parts = []
    for row in board.rows:
        if row.status == "done":
            left = done
        elif row.status == "overdue":
            left = overdue
        elif row.left is None:
            left = ""
        else:
            left = escape(left_text % {"left": duration(row.left)})
            if row.status == "behind":
                left = f"{left} · {behind}"
        form = ""
        if editable and not row.done:
            url = f"{prefix}{row.pk}/"
            form = (
                f'<form method="post" action="{url}" hx-post="{url}" hx-target="#board" '
                f'hx-swap="outerHTML" class="bump">'
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">'
                f'<label class="sr-only" for="delta-{row.pk}">{label}</label>'
                f'<input id="delta-{row.pk}" type="number" name="delta" value="1" '
                f'min="-{row.achieved}" max="{row.goal}" inputmode="numeric"> '
                f'<button type="submit" class="small">{add}</button></form>'
            )
        parts.append(
            f'<li class="target {row.status}" data-testid="target-{row.pk}">'
            f'<div class="what"><strong>{escape(row.town)}</strong> · {escape(row.label)}</div>'
            f'<div class="count">{row.achieved}/{row.goal} {escape(row.measure)}</div>'
            f'<progress max="{row.goal}" value="{row.achieved}"></progress>'
            f'<div class="left">{left}</div>{form}</li>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or a number

"""Display helpers for the project pages, and the portal's incident banner."""

from __future__ import annotations

from datetime import datetime, timedelta
from fractions import Fraction
from html import escape
from typing import Any

from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from sanfu.projects.models import State
from sanfu.projects.selectors import Banner, Board, Series, open_incident_banners

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


_WIDTH, _HEIGHT = 320, 80


@register.simple_tag
def progress_chart(series: Series, end: datetime | None = None) -> SafeString:
    """A small line chart (inline SVG, no script) of a target's share of its goal over time."""
    end = end or timezone.now()
    start = series.opened_at
    span = max((end - start).total_seconds(), 1.0)
    coords = [(0.0, float(_HEIGHT))]
    last = 0
    for at, after in series.points:
        x = _WIDTH * min(max((at - start).total_seconds() / span, 0.0), 1.0)
        coords.append((x, _HEIGHT * (1 - last / series.goal)))
        last = after
        coords.append((x, _HEIGHT * (1 - after / series.goal)))
    coords.append((float(_WIDTH), _HEIGHT * (1 - last / series.goal)))
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    title = escape(f"{series.label}: {last}/{series.goal}")
    return mark_safe(  # noqa: S308 - numbers and an escaped title only
        f'<svg class="progress-chart" viewBox="0 0 {_WIDTH} {_HEIGHT}" role="img" '
        f'aria-label="{title}" preserveAspectRatio="none"><title>{title}</title>'
        f'<line x1="0" y1="0" x2="{_WIDTH}" y2="0" class="goal"/>'
        f'<polyline points="{line}"/></svg>'
    )

"""The outreach panel other apps' pages include (the enterprise app's page)."""

from __future__ import annotations

from typing import Any

from django import template

from sanfu.directory.models import Enterprise
from sanfu.outreach import selectors
from sanfu.outreach.models import PlanItemState

register = template.Library()

PANEL_VISITS = 10


@register.inclusion_tag("outreach/_enterprise_panel_body.html", takes_context=True)
def enterprise_outreach(context: template.Context, enterprise: Enterprise) -> dict[str, Any]:
    """Who serves the enterprise, its open plan items and its latest visits, as the viewer may
    see them (the same reads as the outreach app's own enterprise page)."""
    user = context["request"].user
    return {
        "enterprise": enterprise,
        "links": selectors.links_for_target(user=user, target=enterprise),
        "visits": selectors.visits_for_enterprise(
            user=user, enterprise=enterprise, limit=PANEL_VISITS
        ),
        "plan": enterprise.outreach_plan.filter(state=PlanItemState.OPEN)
        .select_related("owner", "case")
        .order_by("due_on", "pk"),
    }

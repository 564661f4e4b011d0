"""Choices for the operator's intake form."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sanfu.cases.models import Channel
from sanfu.cases.services.intake import PLACE_KINDS
from sanfu.directory.models import VILLAGE_KINDS, Membership, StaffRole, Unit, UnitKind, User

# How each role mostly takes cases down: the grid worker on patrol, the village cadre on a
# visit; everybody else (the dispatch centre first) by the hotline, the list's first choice.
_CHANNEL_BY_ROLE = {StaffRole.GRID_WORKER: Channel.PATROL, StaffRole.VILLAGE_CADRE: Channel.VISIT}


def intake_places(*, user: User) -> QuerySet[Unit]:
    """Towns, villages and communities this person sees; grids too where they work at a
    village or a grid (a county list of some 600 grids would bury the villages)."""
    visible = Unit.objects.visible_to(user).filter(kind__in=PLACE_KINDS, is_active=True)
    local = Membership.objects.filter(
        user=user, unit__kind__in=[*VILLAGE_KINDS, UnitKind.GRID]
    ).values_list("unit__path", flat=True)
    grids = Q()
    for path in local:
        grids |= Q(path__descendant=path)
    if grids:
        return visible.filter(~Q(kind=UnitKind.GRID) | grids).order_by("path")
    return visible.exclude(kind=UnitKind.GRID).order_by("path")


def intake_initial(*, user: User, places: QuerySet[Unit]) -> dict[str, object]:
    """What the form starts with: the person's own place when they hold a role at exactly one
    of the places offered (a grid worker's grid, a cadre's village), and their usual channel."""
    initial: dict[str, object] = {}
    held = Membership.objects.filter(user=user, unit__in=places)
    units = set(held.values_list("unit", flat=True))
    if len(units) == 1:
        initial["location_unit"] = units.pop()
    channels = {
        _CHANNEL_BY_ROLE.get(StaffRole(m.role)) for m in Membership.objects.filter(user=user)
    }
    if len(channels) == 1 and None not in channels:
        initial["channel"] = channels.pop()
    return initial

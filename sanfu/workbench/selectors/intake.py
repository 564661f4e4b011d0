"""Choices for the operator's intake form."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sanfu.cases.services.intake import PLACE_KINDS
from sanfu.directory.models import VILLAGE_KINDS, Membership, Unit, UnitKind, User


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

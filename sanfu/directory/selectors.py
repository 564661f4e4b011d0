"""Reads of the directory for staff. Lists come from `visible_to(user)`, single rows from here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

if TYPE_CHECKING:
    from sanfu.directory.querysets import AnyUser

from sanfu.directory.models import (
    Enterprise,
    Household,
    Membership,
    Resident,
    Unit,
)
from sanfu.lib.errors import NotFound
from sanfu.lib.treepath import path_depth


def unit_get_for_user(*, user: AnyUser, unit_id: int) -> Unit:
    # An outsider learns nothing, not even that the unit exists.
    unit = Unit.objects.visible_to(user).filter(pk=unit_id).first()
    if unit is None:
        raise NotFound("unit not found")
    return unit


def enterprise_get_for_user(*, user: AnyUser, enterprise_id: int) -> Enterprise:
    enterprise = Enterprise.objects.visible_to(user).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise NotFound("enterprise not found")
    return enterprise


def resident_get_for_user(*, user: AnyUser, resident_id: int) -> Resident:
    resident = Resident.objects.visible_to(user).filter(pk=resident_id).first()
    if resident is None:
        raise NotFound("resident not found")
    return resident


@dataclass(frozen=True)
class TreeRow:
    unit: Unit
    depth: int


def unit_tree_for_user(*, user: AnyUser, levels: int = 3) -> list[TreeRow]:
    """The units this user sees, in tree order, down to `levels` below their topmost unit.

    Each row carries its depth below that top. A county's grids would add some 600 rows, so by
    default they are left to the village pages.
    """
    rows = list(Unit.objects.visible_to(user).order_by("path"))
    if not rows:
        return []
    top = min(path_depth(unit.path) for unit in rows)
    tree = [TreeRow(unit=unit, depth=path_depth(unit.path) - top) for unit in rows]
    return [row for row in tree if row.depth < levels]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    unit: str


def demo_logins() -> list[DemoLogin]:
    """The named demo accounts (one or two per role), for the start-up banner of the demo."""
    memberships = (
        Membership.objects.filter(user__username__startswith="demo-")
        .select_related("user", "unit")
        .order_by("unit__path", "user__username")
    )
    return [
        DemoLogin(
            username=membership.user.username,
            role=str(membership.get_role_display()),
            unit=membership.unit.name,
        )
        for membership in memberships
    ]


@dataclass(frozen=True)
class UnitSummary:
    children: list[Unit]
    staff: list[Membership]
    enterprises: int
    households: int
    residents: int


def unit_summary(*, unit: Unit) -> UnitSummary:
    """Counts under a unit the caller has already been allowed to see (whole subtree)."""
    subtree = Unit.objects.subtree(unit.path)
    return UnitSummary(
        children=list(unit.children.order_by("path")),
        staff=list(Membership.objects.filter(unit=unit).select_related("user").order_by("role")),
        enterprises=Enterprise.objects.filter(Q(town__in=subtree) | Q(village__in=subtree)).count(),
        households=Household.objects.filter(Q(village__in=subtree) | Q(grid__in=subtree)).count(),
        residents=Resident.objects.filter(
            Q(village__in=subtree) | Q(household__grid__in=subtree)
        ).count(),
    )

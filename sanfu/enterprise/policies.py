"""Who may administer what of the enterprise app. Each rule on its own line.

- the service menu (providers and offers, approving them): staff of the county the provider
  serves, who answer for the menu county-wide, or a superuser (`menu_counties`);
- policies: the staff of the issuing unit or a unit above it (Policy.objects.reviewable_by),
  and they issue only from units in their scope.
"""

from __future__ import annotations

from django.db.models import QuerySet

from sanfu.directory.models import Membership, Unit, UnitKind, User
from sanfu.directory.querysets import AnyUser

# The units a policy may be issued by: a department, or the county or a town itself.
ISSUING_KINDS = (UnitKind.COUNTY, UnitKind.TOWN, UnitKind.STREET, UnitKind.DEPARTMENT)


def menu_counties(user: User) -> QuerySet[Unit]:
    """The counties whose service menu `user` administers."""
    counties = Unit.objects.filter(kind=UnitKind.COUNTY, is_active=True)
    if user.is_superuser:
        return counties
    return counties.filter(pk__in=Membership.objects.filter(user_id=user.pk).values("unit_id"))


def may_administer_menu(user: User) -> bool:
    return menu_counties(user).exists()


def issuing_units(user: AnyUser) -> QuerySet[Unit]:
    """The units `user` may issue a policy from."""
    return Unit.objects.visible_to(user).filter(kind__in=ISSUING_KINDS, is_active=True)

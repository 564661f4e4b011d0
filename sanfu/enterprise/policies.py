"""Who may administer what of the enterprise app. Each rule on its own line.

- the service menu (providers and offers, approving them): staff of the county, who answer
  for the menu county-wide, or a superuser;
- policies: the staff of the issuing unit or a unit above it (Policy.objects.reviewable_by),
  and they issue only from units in their scope.
"""

from __future__ import annotations

from django.db.models import QuerySet

from sanfu.directory.models import Membership, Unit, UnitKind, User
from sanfu.directory.querysets import AnyUser

# The units a policy may be issued by: a department, or the county or a town itself.
ISSUING_KINDS = (UnitKind.COUNTY, UnitKind.TOWN, UnitKind.STREET, UnitKind.DEPARTMENT)


def may_administer_menu(user: User) -> bool:
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user_id=user.pk, unit__kind=UnitKind.COUNTY, unit__is_active=True
    ).exists()


def issuing_units(user: AnyUser) -> QuerySet[Unit]:
    """The units `user` may issue a policy from."""
    return Unit.objects.visible_to(user).filter(kind__in=ISSUING_KINDS, is_active=True)

"""Who may act in the grassroots app, each rule on its own line, each refusal named."""

from __future__ import annotations

from django.utils.translation import gettext as _

from sanfu.cases.policies import Capability, acting_unit
from sanfu.directory.models import VILLAGE_KINDS, Membership, StaffRole, Unit, UnitKind, User
from sanfu.lib.errors import PermissionDenied

# The county office (县委办/县府办) decides on burdens: its leaders, supervisors, administrators.
COUNTY_OFFICE_ROLES = frozenset({StaffRole.LEADER, StaffRole.SUPERVISOR, StaffRole.ADMINISTRATOR})


def village_actor(user: User, village: Unit) -> Unit:
    """The unit `user` acts for on `village`'s meetings: the village, or a unit above it."""
    if village.kind not in VILLAGE_KINDS:
        raise PermissionDenied(_("Meetings are held in villages and communities."))
    return acting_unit(user, Capability.HANDLE, village, from_above=True)


def department_actor(user: User, department: Unit) -> Unit:
    """The department `user` proposes burdens for (its handlers and leaders)."""
    if department.kind != UnitKind.DEPARTMENT:
        raise PermissionDenied(_("Only departments make demands of villages."))
    return acting_unit(user, Capability.HANDLE, department)


def is_county_office(user: User, county: Unit) -> bool:
    if not user.is_active:
        return False
    return Membership.objects.filter(
        user=user, unit=county, role__in=COUNTY_OFFICE_ROLES, unit__is_active=True
    ).exists()


def require_county_office(user: User, county: Unit) -> None:
    if not is_county_office(user, county):
        raise PermissionDenied(
            _("Only the county office of %(county)s decides on burdens.") % {"county": county.name}
        )

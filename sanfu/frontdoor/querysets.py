"""The one way staff code reads reports against cadres."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from sanfu.directory.models import Membership, StaffRole, UnitKind

if TYPE_CHECKING:
    from sanfu.frontdoor.models import Report  # noqa: F401


class ReportQuerySet(models.QuerySet["Report"]):
    def visible_to(self, user: Any) -> ReportQuerySet:
        """Reports of the counties where `user` holds the discipline-inspection role, except
        those about a person of a unit `user` also works at (or above, below the county): an
        inspector is never shown a report about their own colleagues."""
        if not user.is_authenticated:
            return self.none()
        if not user.is_active:
            return self.none()
        memberships = Membership.objects.filter(user_id=user.pk, unit__is_active=True)
        counties = memberships.filter(role=StaffRole.DISCIPLINE).values("unit_id")
        own_units = list(
            memberships.exclude(role=StaffRole.DISCIPLINE)
            .exclude(unit__kind=UnitKind.COUNTY)
            .values_list("unit__path", flat=True)
        )
        found = self.filter(county_id__in=counties)
        for path in own_units:
            found = found.exclude(person_unit__path__descendant=path)
        return found

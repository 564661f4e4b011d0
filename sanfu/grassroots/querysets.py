"""The access choke point for grassroots rows: staff read them only through `visible_to(user)`.

A village's meetings and problems belong to the village: its cadres see them, a town sees its
subtree, the county everything. A burden demand is seen by the county (its office), the
department that makes it and the villages it is made of (all of the county's, for a demand of
every village). Everybody else sees nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from sanfu.directory.querysets import AnyUser, scope_filter, scope_paths
from sanfu.lib.treepath import path_ids

if TYPE_CHECKING:
    # Named in the querysets' generic bases as strings, which ruff does not follow.
    from sanfu.grassroots.models import BurdenDemand, BurdenReport, Meeting, Problem  # noqa: F401


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: AnyUser) -> MeetingQuerySet:
        return scope_filter(self, user, "village__path")


class ProblemQuerySet(models.QuerySet["Problem"]):
    def visible_to(self, user: AnyUser) -> ProblemQuerySet:
        return scope_filter(self, user, "meeting__village__path")


class BurdenDemandQuerySet(models.QuerySet["BurdenDemand"]):
    def visible_to(self, user: AnyUser) -> BurdenDemandQuerySet:
        paths = scope_paths(user)
        if paths is None:
            return self
        if not paths:
            return self.none()
        condition = models.Q()
        above: set[int] = set()
        for path in paths:
            condition |= models.Q(county__path__descendant=path)
            condition |= models.Q(department__path__descendant=path)
            condition |= models.Q(villages__path__descendant=path)
            above.update(path_ids(path))
        # A demand of every village is made of the villages in this user's area too.
        condition |= models.Q(all_villages=True, county_id__in=above)
        # The join on villages may repeat a demand, hence distinct.
        return self.filter(condition).distinct()

    def in_force_on(self, day: object) -> BurdenDemandQuerySet:
        """Approved demands that applied on `day` (a date)."""
        return self.filter(state="approved", in_force_from__lte=day).filter(
            models.Q(in_force_until__isnull=True) | models.Q(in_force_until__gt=day)
        )


class BurdenReportQuerySet(models.QuerySet["BurdenReport"]):
    def visible_to(self, user: AnyUser) -> BurdenReportQuerySet:
        return scope_filter(self, user, "village__path")

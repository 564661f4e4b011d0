"""The access choke point for cases: staff read cases only through `visible_to(user)`.

A staff account sees a case when the case lies in the subtree of a unit where they hold a
role (by its place, or the unit whose desk it sits at), or when a unit in that subtree is
assigned to work on it (a department handling a village's case). Everybody else sees nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from sanfu.directory.querysets import AnyUser, scope_paths

if TYPE_CHECKING:
    # Named in the queryset's generic base as a string, which ruff does not follow.
    from sanfu.cases.models import Case  # noqa: F401


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: AnyUser) -> CaseQuerySet:
        paths = scope_paths(user)
        if paths is None:
            return self
        if not paths:
            return self.none()
        from sanfu.cases.models import Assignment

        condition = models.Q()
        assigned = models.Q()
        for path in paths:
            condition |= models.Q(location_unit__path__descendant=path)
            condition |= models.Q(desk_unit__path__descendant=path)
            assigned |= models.Q(unit__path__descendant=path)
        # EXISTS rather than a join, so a case with several assignments appears once.
        assignments = Assignment.objects.filter(assigned, case=models.OuterRef("pk"))
        return self.filter(condition | models.Exists(assignments))

    def in_scope_of(self, unit_path: str) -> CaseQuerySet:
        """Cases placed in, or handled by, the subtree under `unit_path` (for figures)."""
        return self.filter(
            models.Q(location_unit__path__descendant=unit_path)
            | models.Q(lead_unit__path__descendant=unit_path)
        )

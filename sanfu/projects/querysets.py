"""The access choke point for projects: staff read projects only through `visible_to(user)`.

A staff account sees a project when
- its owning unit lies in the subtree of a unit where they hold a role (so the leaders above
  the owner see it too),
- one of its places lies in that subtree (the towns an emergency strikes, the village that
  posed the problem),
- the answering department lies in that subtree, or
- they are on it: its envoys and members, and its leading leader, or
- an emergency's warning was sent to them (they must read the board to act on it).
Everybody else sees nothing. Each condition stands on its own line so the tests prove them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from sanfu.directory.querysets import AnyUser, scope_paths

if TYPE_CHECKING:
    # Named in the queryset's generic base as a string, which ruff does not follow.
    from sanfu.projects.models import Project  # noqa: F401


class ProjectQuerySet(models.QuerySet["Project"]):
    def visible_to(self, user: AnyUser) -> ProjectQuerySet:
        paths = scope_paths(user)
        if paths is None:
            return self
        if not user.is_authenticated:
            return self.none()
        if not user.is_active:
            return self.none()
        from sanfu.projects.models import ProjectMember, ProjectPlace, Receipt

        condition = models.Q(lead_leader_id=user.pk)
        places = models.Q()
        for path in paths:
            condition |= models.Q(owning_unit__path__descendant=path)
            condition |= models.Q(answering_unit__path__descendant=path)
            places |= models.Q(unit__path__descendant=path)
        on_it = ProjectMember.objects.filter(user_id=user.pk, project=models.OuterRef("pk"))
        condition |= models.Q(models.Exists(on_it))
        warned = Receipt.objects.filter(user_id=user.pk, warning__project=models.OuterRef("pk"))
        condition |= models.Q(models.Exists(warned))
        if paths:
            # EXISTS rather than a join, so a project with several places appears once.
            placed = ProjectPlace.objects.filter(places, project=models.OuterRef("pk"))
            condition |= models.Q(models.Exists(placed))
        return self.filter(condition)

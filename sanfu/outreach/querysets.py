"""The access choke point for outreach rows: staff read links, visits and problems only through
`visible_to(user)`.

A staff account sees a link when
- it holds the link itself (a cadre their own links, wherever the target lies), or
- the link's target lies in the subtree of a unit where it holds a role (a town its subtree), or
- the link is held by a unit in that subtree (a department's staff, their department's links).
Visits and problems follow their link. Superusers see everything; anybody else nothing. Each
condition stands on its own line so the tests prove every branch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from sanfu.directory.querysets import AnyUser, scope_paths

if TYPE_CHECKING:
    # Named in the querysets' generic bases as strings, which ruff does not follow.
    from sanfu.outreach.models import Link, ServiceDay, Visit, VisitProblem  # noqa: F401


def link_condition(user: AnyUser, prefix: str = "") -> models.Q | None:
    """The condition on links (reached through `prefix`) that `user` may read; None: all."""
    if not user.is_authenticated or not user.is_active:
        return models.Q(pk__in=[])
    paths = scope_paths(user)
    if paths is None:
        return None
    condition = models.Q(**{f"{prefix}person_id": user.pk})
    for path in paths:
        condition |= models.Q(**{f"{prefix}place__path__descendant": path})
        condition |= models.Q(**{f"{prefix}person_unit__path__descendant": path})
    return condition


class LinkQuerySet(models.QuerySet["Link"]):
    def visible_to(self, user: AnyUser) -> LinkQuerySet:
        condition = link_condition(user)
        return self if condition is None else self.filter(condition)

    def held_by(self, user: AnyUser) -> LinkQuerySet:
        """The links this staff member keeps: their own, and their units' links."""
        from sanfu.directory.models import Membership

        if user.pk is None:
            return self.none()
        units = Membership.objects.filter(user_id=user.pk).values("unit_id")
        return self.filter(models.Q(person_id=user.pk) | models.Q(person_unit__in=units))

    def meeting(self, first: object, last: object) -> LinkQuerySet:
        """Links whose term meets the days from `first` to `last` (compliance's
        `links_in_window`, in SQL)."""
        return self.filter(models.Q(starts_on__lte=last)).filter(
            models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=first)
        )

    def active_on(self, day: object) -> LinkQuerySet:
        return self.filter(models.Q(starts_on__lte=day)).filter(
            models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=day)
        )


class VisitQuerySet(models.QuerySet["Visit"]):
    def visible_to(self, user: AnyUser) -> VisitQuerySet:
        condition = link_condition(user, "link__")
        return self if condition is None else self.filter(condition)


class VisitProblemQuerySet(models.QuerySet["VisitProblem"]):
    def visible_to(self, user: AnyUser) -> VisitProblemQuerySet:
        condition = link_condition(user, "link__")
        return self if condition is None else self.filter(condition)


class ServiceDayQuerySet(models.QuerySet["ServiceDay"]):
    def visible_to(self, user: AnyUser) -> ServiceDayQuerySet:
        """Its host, and staff of the organising unit's subtree or of a unit above it."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        paths = scope_paths(user)
        if paths is None:
            return self
        condition = models.Q(host_id=user.pk)
        for path in paths:
            condition |= models.Q(unit__path__descendant=path)
        return self.filter(condition)

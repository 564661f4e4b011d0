"""The access choke point for directory rows: every staff read goes through `visible_to(user)`.

The rule is one and simple: a staff account sees the subtree of every unit where it holds a
role. Superusers see everything. Anybody else — anonymous, inactive, or with no role — sees
nothing. Each condition stands on its own line so the tests can prove every branch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from django.db import models

from sanfu.lib.treepath import outermost_paths

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    # Named in the querysets' generic bases as strings, which ruff does not follow.
    from sanfu.directory.models import Enterprise, Household, Resident, Unit, User  # noqa: F401

AnyUser: TypeAlias = "User | AnonymousUser"
_QS = TypeVar("_QS", bound=models.QuerySet[Any])
_CACHE_ATTRIBUTE = "_sanfu_scope_paths"


def scope_paths(user: AnyUser) -> list[str] | None:
    """The tree paths whose subtrees `user` may read; None means everything, [] nothing."""
    if not user.is_authenticated:
        return []
    if not user.is_active:
        return []
    if user.is_superuser:
        return None
    cached: list[str] | None = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    from sanfu.directory.models import Membership

    paths = list(
        Membership.objects.filter(user_id=user.pk, unit__is_active=True).values_list(
            "unit__path", flat=True
        )
    )
    result = outermost_paths(paths)
    # Cached on the request's user object; roles granted mid-request are seen on the next one.
    setattr(user, _CACHE_ATTRIBUTE, result)
    return result


def forget_scope(user: Any) -> None:
    """Drop what was cached on the user object after their roles change."""
    for attribute in (_CACHE_ATTRIBUTE, "_sanfu_is_administrator"):
        if hasattr(user, attribute):
            delattr(user, attribute)


def scope_filter(queryset: _QS, user: AnyUser, *path_fields: str) -> _QS:
    """Rows where any of `path_fields` (tree paths reached through relations) is in scope."""
    paths = scope_paths(user)
    if paths is None:
        return queryset
    if not paths:
        return queryset.none()
    condition = models.Q()
    for field in path_fields:
        for path in paths:
            condition |= models.Q(**{f"{field}__descendant": path})
    return queryset.filter(condition)


class UnitQuerySet(models.QuerySet["Unit"]):
    def visible_to(self, user: AnyUser) -> UnitQuerySet:
        return scope_filter(self, user, "path")

    def subtree(self, path: str) -> UnitQuerySet:
        """The unit with this path and everything under it."""
        return self.filter(path__descendant=path)


class EnterpriseQuerySet(models.QuerySet["Enterprise"]):
    def visible_to(self, user: AnyUser) -> EnterpriseQuerySet:
        return scope_filter(self, user, "town__path", "village__path")


class HouseholdQuerySet(models.QuerySet["Household"]):
    def visible_to(self, user: AnyUser) -> HouseholdQuerySet:
        return scope_filter(self, user, "village__path", "grid__path")


class ResidentQuerySet(models.QuerySet["Resident"]):
    def visible_to(self, user: AnyUser) -> ResidentQuerySet:
        return scope_filter(self, user, "village__path", "household__grid__path")

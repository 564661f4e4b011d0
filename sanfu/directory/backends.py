"""Administrators manage the directory in the admin because of their role, not a flag.

A county administrator (the `administrator` role held at a county) gets every permission of the
apps listed here; the querysets in the admin still limit them to their own county.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from sanfu.directory.logins import login_try_succeeded, login_try_take, request_address
from sanfu.directory.models import Membership, StaffRole

ADMINISTERED_APPS = frozenset({"directory", "cases", "api", "routing", "enterprise"})


class RoleBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """The password is checked only within the login throttle's allowance (every login,
        the admin's included, passes here); a refusal stops the other backends too."""
        if username is None or password is None:
            return None
        address = request_address(request)
        if not login_try_take(username=username, address=address):
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            login_try_succeeded(username=username, address=address)
        return user

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if super().has_perm(user_obj, perm, obj):
            return True
        return perm.split(".", 1)[0] in ADMINISTERED_APPS and is_administrator(user_obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        if super().has_module_perms(user_obj, app_label):
            return True
        return app_label in ADMINISTERED_APPS and is_administrator(user_obj)


def is_administrator(user: Any) -> bool:
    if not user.is_active:
        return False
    if not user.is_authenticated:
        return False
    cached: bool | None = getattr(user, "_sanfu_is_administrator", None)
    if cached is None:
        cached = Membership.objects.filter(
            user_id=user.pk, role=StaffRole.ADMINISTRATOR, unit__is_active=True
        ).exists()
        user._sanfu_is_administrator = cached
    return cached

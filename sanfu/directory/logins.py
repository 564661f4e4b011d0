"""Throttling password guessing, by account and by address.

Each password check first takes a try from the account's allowance (LOGIN_ACCOUNT_TRIES per
LOGIN_WINDOW) and from the address's allowance of failures (LOGIN_ADDRESS_FAILURES), each in
one conditional UPDATE: twenty processes guessing at once together get no more tries than one.
A success gives the account its allowance back and returns the address's try. A refused try
costs nothing and checks no password, so a guesser learns nothing, and an account locked by
someone else's guessing opens again when its window ends, or at once by an administrator
(`login_unlock`, an action in the admin). Failed and refused logins are logged.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import IntegrityError, transaction
from django.db.models import F
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from sanfu.directory.models import LoginThrottle, Membership, StaffRole, ThrottleKind, User
from sanfu.lib.addresses import client_address

LOGIN_ACCOUNT_TRIES = 5
LOGIN_ADDRESS_FAILURES = 50
LOGIN_WINDOW = timedelta(minutes=15)

logger = logging.getLogger("sanfu.security")


def _take(kind: str, key: str, limit: int) -> bool:
    """One try from `key`'s allowance in the current window; False when none is left."""
    now = timezone.now()
    rows = LoginThrottle.objects.filter(kind=kind, key=key)
    # A window that has ended starts afresh; the condition makes only one process restart it.
    rows.filter(window_started_at__lte=now - LOGIN_WINDOW).update(tries=0, window_started_at=now)
    if rows.filter(tries__lt=limit).update(tries=F("tries") + 1, last_try_at=now):
        return True
    if rows.exists():
        return False
    try:
        with transaction.atomic():
            LoginThrottle.objects.create(
                kind=kind, key=key, tries=1, window_started_at=now, last_try_at=now
            )
    except IntegrityError:  # another process created it a moment ago
        return bool(rows.filter(tries__lt=limit).update(tries=F("tries") + 1, last_try_at=now))
    return True


def _give_back(kind: str, key: str) -> None:
    LoginThrottle.objects.filter(kind=kind, key=key, tries__gt=0).update(tries=F("tries") - 1)


def login_try_take(*, username: str, address: str | None) -> bool:
    """Whether a password may be checked for `username` from `address` (None: not a request,
    e.g. a command); the try is counted when it may."""
    if not _take(ThrottleKind.ACCOUNT, username[:150], LOGIN_ACCOUNT_TRIES):
        logger.warning("login refused: account %r is throttled (address %s)", username, address)
        return False
    if address is not None and not _take(ThrottleKind.ADDRESS, address, LOGIN_ADDRESS_FAILURES):
        _give_back(ThrottleKind.ACCOUNT, username[:150])
        logger.warning("login refused: address %s is throttled (account %r)", address, username)
        return False
    return True


def login_try_succeeded(*, username: str, address: str | None) -> None:
    LoginThrottle.objects.filter(kind=ThrottleKind.ACCOUNT, key=username[:150]).delete()
    if address is not None:
        _give_back(ThrottleKind.ADDRESS, address)


def login_throttled(*, username: str, address: str | None) -> bool:
    """Whether the next try for `username` from `address` would be refused (for the message)."""
    since = timezone.now() - LOGIN_WINDOW
    active = LoginThrottle.objects.filter(window_started_at__gt=since)
    if active.filter(
        kind=ThrottleKind.ACCOUNT, key=username[:150], tries__gte=LOGIN_ACCOUNT_TRIES
    ).exists():
        return True
    return address is not None and (
        active.filter(
            kind=ThrottleKind.ADDRESS, key=address, tries__gte=LOGIN_ADDRESS_FAILURES
        ).exists()
    )


def login_unlock(*, throttle_ids: list[int]) -> int:
    """An administrator lets the accounts or addresses try again now; how many were locked."""
    deleted, _by_model = LoginThrottle.objects.filter(pk__in=throttle_ids).delete()
    return deleted


def request_address(request: HttpRequest | None) -> str | None:
    return client_address(request) if request is not None else None


@receiver(user_login_failed)
def _log_failure(
    sender: object,
    credentials: dict[str, object],
    request: HttpRequest | None = None,
    **kwargs: object,
) -> None:
    # Django passes the credentials with the password already blanked out.
    logger.warning(
        "login failed for account %r from %s", credentials.get("username"), request_address(request)
    )


# Whom the county may oblige to a second factor (SANFU_SECOND_FACTOR_REQUIRED): those who can
# change every unit's data or read every town's figures.
SECOND_FACTOR_ROLES = frozenset({StaffRole.ADMINISTRATOR, StaffRole.LEADER})


def second_factor_required(user: User) -> bool:
    """Whether the county obliges this account to a second factor (it cannot turn it off)."""
    if not settings.SANFU_SECOND_FACTOR_REQUIRED:
        return False
    return (
        user.is_superuser
        or Membership.objects.filter(user=user, role__in=SECOND_FACTOR_ROLES).exists()
    )


def second_factor_needed(user: User) -> bool:
    """Whether logging in as `user` takes an SMS code after the password."""
    return user.second_factor or second_factor_required(user)


def second_factor_set(*, user: User, on: bool) -> None:
    """Turn the account's own second factor on or off (off only where it is not required)."""
    user.second_factor = on
    user.save(update_fields=["second_factor"])
    logger.info("second factor %s for account %r", "on" if on else "off", user.username)

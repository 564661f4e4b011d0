"""One-time codes by SMS: prove that the person at the keyboard holds a phone.

Generic over what the code is for (`purpose`: tracking a case, a staff login's second factor):

    issue_code(purpose="track", phone=phone, address=client_address(request))
    check_code(purpose="track", phone=phone, code=typed)  # truthy once, for the latest code

A code has six digits, lives CODE_MINUTES (a caller may shorten it), allows CODE_TRIES wrong
guesses, and is stored only as a keyed hash of (purpose, phone, code). A new code for the same
purpose and phone retires the older ones. Asking is limited per phone (a phone must not be
flooded with texts, whatever the purpose) and per client address (one machine must not flood
many phones). The wrong-guess count is taken in one conditional UPDATE, so guesses sent in
parallel get no more tries.
"""

from __future__ import annotations

import enum
import functools
import math
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from sanfu.lib.errors import ApplicationError
from sanfu.notify.models import OneTimeCode
from sanfu.notify.services import notify_phone, render_message

CODE_DIGITS = 6
CODE_MINUTES = 10
CODE_TRIES = 5
PHONE_GAP = timedelta(seconds=60)
PHONE_CODES_PER_HOUR = 5
ADDRESS_CODES_PER_HOUR = 20
KEEP_ROWS = timedelta(days=1)


class TooManyCodes(ApplicationError):
    code = "throttled"
    status = 429


class Checked(enum.Enum):
    """What `check_code` found; only ACCEPTED is truthy, so `if check_code(...)` reads well."""

    ACCEPTED = "accepted"
    WRONG = "wrong"  # a live code, not this one: the try is counted
    SPENT = "spent"  # a live code whose tries are used up: ask for a new one
    MISSING = "missing"  # none asked for, expired, used or replaced by a newer one

    def __bool__(self) -> bool:
        return self is Checked.ACCEPTED


@dataclass(frozen=True)
class IssuedCode:
    phone: str
    expires_at: datetime


def _hash(purpose: str, phone: str, code: str) -> str:
    return salted_hmac(
        "sanfu.notify.codes", f"{purpose}\n{phone}\n{code}", algorithm="sha256"
    ).hexdigest()


def _refuse_if_throttled(*, phone: str, address: str, now: datetime) -> None:
    hour_ago = now - timedelta(hours=1)
    by_phone = OneTimeCode.objects.filter(phone=phone, created_at__gt=hour_ago)
    last = by_phone.order_by("-created_at").values_list("created_at", flat=True).first()
    if last is not None and now - last < PHONE_GAP:
        wait = math.ceil((PHONE_GAP - (now - last)).total_seconds())
        raise TooManyCodes(
            _("A code was just sent to this phone; ask again in %(seconds)d seconds.")
            % {"seconds": wait},
            field="phone",
        )
    if by_phone.count() >= PHONE_CODES_PER_HOUR:
        raise TooManyCodes(
            _("At most %(count)d codes an hour are sent to one phone; try again later.")
            % {"count": PHONE_CODES_PER_HOUR},
            field="phone",
        )
    if address and (
        OneTimeCode.objects.filter(address=address, created_at__gt=hour_ago).count()
        >= ADDRESS_CODES_PER_HOUR
    ):
        raise TooManyCodes(_("Too many codes were asked for from your network; try again later."))


@transaction.atomic
def issue_code(
    purpose: str,
    phone: str,
    *,
    address: str = "",
    deliver: bool = True,
    minutes: int = CODE_MINUTES,
    message: str = "one_time_code",
    context: Mapping[str, Any] | None = None,
) -> IssuedCode:
    """Make a new code for (`purpose`, `phone`) and text it after commit; TooManyCodes if the
    phone or the address has asked too often.

    `deliver=False` records the request without sending anything: a caller that must not tell
    whether a phone is known (tracking a case) asks for every phone alike, so the limits and
    answers are the same either way. `minutes` may be shorter than CODE_MINUTES for a code
    that opens more (a login). The text is the template `notify/<message>.txt`, given `code`,
    `minutes` and `context` (a survey's title, say).
    """
    now = timezone.now()
    OneTimeCode.objects.filter(created_at__lt=now - KEEP_ROWS).delete()
    _refuse_if_throttled(phone=phone, address=address, now=now)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    # Only the latest code counts.
    OneTimeCode.objects.filter(
        purpose=purpose, phone=phone, used_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)
    row = OneTimeCode.objects.create(
        purpose=purpose,
        phone=phone,
        code_hash=_hash(purpose, phone, code),
        address=address[:64],
        created_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    if deliver:
        notify_phone(
            phone, render_message(message, {**(context or {}), "code": code, "minutes": minutes})
        )
    return IssuedCode(phone=phone, expires_at=row.expires_at)


def _digits(code: str) -> str:
    """What was typed, full-width digits and spaces allowed."""
    return "".join(unicodedata.normalize("NFKC", code).split())


def _spend_if_right(purpose: str, phone: str, code_hash: str, now: datetime) -> bool:
    """Spend the latest live code of (`purpose`, `phone`) if its hash is `code_hash` and tries
    are left: one UPDATE, written out (names from the model) because compiling it through the
    ORM, subquery and all, cost more CPU than the rest of checking a code."""
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            _spend_sql(),
            [adapt(now), purpose, phone, adapt(now), code_hash, CODE_TRIES],
        )
        changed: int = cursor.rowcount
    return changed == 1


@functools.cache
def _spend_sql() -> str:
    quote = connection.ops.quote_name
    table = quote(OneTimeCode._meta.db_table)
    pk, tries, used_at = quote("id"), quote("tries"), quote("used_at")
    return (
        f"UPDATE {table} SET {tries} = {tries} + 1, {used_at} = %s "  # noqa: S608 - model names
        f"WHERE {pk} = (SELECT c.{pk} FROM {table} c WHERE c.{quote('purpose')} = %s "
        f"AND c.{quote('phone')} = %s AND c.{used_at} IS NULL AND c.{quote('expires_at')} > %s "
        f"ORDER BY c.{quote('created_at')} DESC, c.{pk} DESC LIMIT 1) "
        f"AND {quote('code_hash')} = %s AND {used_at} IS NULL AND {tries} < %s"
    )


def check_code(purpose: str, phone: str, code: str) -> Checked:
    """Whether `code` is the live code for (`purpose`, `phone`); a right code works once.

    The try is counted in its own UPDATE: call this where a refusal does not roll back the
    surrounding transaction (raising after a False inside `atomic` would give the try back).
    """
    now = timezone.now()
    typed = _digits(code)
    well_formed = len(typed) == CODE_DIGITS and typed.isascii() and typed.isdigit()
    # The usual case, a right code, in one statement (a survey answer pays one query, not two):
    # spend the latest live code if its hash is the typed code's and tries are left. Comparing
    # keyed hashes in SQL tells a timing observer nothing of the code. Anything else falls
    # through to the reads below, which name what was wrong.
    if well_formed and _spend_if_right(purpose, phone, _hash(purpose, phone, typed), now):
        return Checked.ACCEPTED
    # Built only now: building the queryset cost as much CPU as the right code's whole check.
    live = (
        OneTimeCode.objects.filter(
            purpose=purpose, phone=phone, used_at__isnull=True, expires_at__gt=now
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if live is None:
        return Checked.MISSING
    right = well_formed and constant_time_compare(live.code_hash, _hash(purpose, phone, typed))
    # The try is taken in the statement that acts on it, which refuses the sixth: a right code
    # is spent and its try counted in one write (a survey's answers pay one write, not two).
    taking = OneTimeCode.objects.filter(pk=live.pk, used_at__isnull=True, tries__lt=CODE_TRIES)
    if not right:
        return Checked.WRONG if taking.update(tries=F("tries") + 1) else Checked.SPENT
    if taking.update(tries=F("tries") + 1, used_at=now):
        return Checked.ACCEPTED
    if OneTimeCode.objects.filter(pk=live.pk, used_at__isnull=False).exists():
        return Checked.MISSING  # another request used it a moment ago
    return Checked.SPENT

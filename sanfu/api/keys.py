"""Issuing, checking and revoking Open311 API keys and staff API tokens.

The plain key or token is returned once, when it is made, and never stored.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.api.models import PREFIX_LENGTH, ApiClient, StaffToken
from sanfu.cases.services.common import limit_text, require_text
from sanfu.directory.models import User
from sanfu.lib.errors import Conflict, NotFound, ValidationFailed
from sanfu.lib.rows import row_get

KEY_PREFIX = "o311_"
TOKEN_PREFIX = "sfu_"  # noqa: S105 - a marker that tells tokens apart, not a secret
# Recording every use would write a row per request; once in a while is enough to see which
# tokens are still in use.
LAST_USED_EVERY = timedelta(minutes=5)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _new_secret(prefix: str) -> tuple[str, str, str]:
    secret = prefix + secrets.token_urlsafe(32)
    return secret, secret[:PREFIX_LENGTH], secret_hash(secret)


# --- Open311 API keys ------------------------------------------------------------------------


@transaction.atomic
def api_client_create(*, name: str, note: str = "") -> tuple[ApiClient, str]:
    """A new client application and its key (returned in plain text this once)."""
    name = require_text(name, field="name", label=_("Name"), limit=100)
    note = limit_text(note, field="note", label=_("Note"), limit=1000)
    if ApiClient.objects.filter(name=name, revoked_at__isnull=True).exists():
        raise Conflict(_("“%(name)s” already has a key; revoke it first.") % {"name": name})
    key, prefix, digest = _new_secret(KEY_PREFIX)
    try:
        with transaction.atomic():
            client = ApiClient.objects.create(
                name=name, note=note, key_prefix=prefix, key_hash=digest
            )
    except IntegrityError:  # two creations of one name at once
        raise Conflict(
            _("“%(name)s” already has a key; revoke it first.") % {"name": name}
        ) from None
    return client, key


def api_client_revoke(*, name: str) -> ApiClient:
    """Revoke the live key of the client with this name; it stops working at once."""
    client = ApiClient.objects.filter(name=name.strip(), revoked_at__isnull=True).first()
    if client is None:
        raise NotFound(_("No client with a live key is called “%(name)s”.") % {"name": name})
    ApiClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    client.refresh_from_db()
    return client


def api_client_for_key(key: str) -> ApiClient | None:
    """The live client this key belongs to, or None."""
    if not key.startswith(KEY_PREFIX):
        return None
    # On every Open311 POST: a statement built once, not a query compiled each time (issue 21).
    return row_get(ApiClient, "key_hash = %s AND revoked_at IS NULL", [secret_hash(key)])


# --- staff API tokens ------------------------------------------------------------------------


def staff_token_create(
    *, user: User, name: str, expires_at: datetime | None = None
) -> tuple[StaffToken, str]:
    """A new token for `user` (returned in plain text this once)."""
    name = require_text(name, field="name", label=_("Name"), limit=100)
    if not user.is_active:
        raise ValidationFailed(_("This account is disabled."), field="user")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed(_("The expiry must lie in the future."), field="expires_at")
    token, prefix, digest = _new_secret(TOKEN_PREFIX)
    row = StaffToken.objects.create(
        user=user, name=name, token_prefix=prefix, token_hash=digest, expires_at=expires_at
    )
    return row, token


def staff_token_revoke(*, token_id: int, user: User | None = None) -> StaffToken:
    """Revoke a token; with `user`, only one of that person's own."""
    tokens = StaffToken.objects.filter(pk=token_id)
    if user is not None:
        tokens = tokens.filter(user=user)
    row = tokens.first()
    if row is None:
        raise NotFound(_("No such token."))
    if row.revoked_at is None:
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
    return row


def staff_token_authenticate(token: str) -> StaffToken | None:
    """The live token row (with its active user) for this token, or None.

    Every staff API request starts here, so it is one read, and a write only when the last
    use recorded is older than LAST_USED_EVERY. The read is written out (its names from the
    models): compiling the ORM's join cost more CPU per request than the rest of the lookup.
    """
    if not token.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    read, write = _live_token_sql()
    found = list(
        User.objects.raw(
            read,
            [adapt(now - LAST_USED_EVERY), secret_hash(token), True, adapt(now)],
        )
    )
    if not found:
        return None
    user = found[0]
    token_id: int = user.token_id  # type: ignore[attr-defined]
    row = StaffToken.from_db(connection.alias, ["id", "user_id"], [token_id, user.pk])
    row.user = user
    if user.token_stale:  # type: ignore[attr-defined]
        with connection.cursor() as cursor:
            cursor.execute(write, [adapt(now), token_id])
    return row


@functools.cache
def _live_token_sql() -> tuple[str, str]:
    """The read of a live token with its active user, and the write of its last use."""
    quote = connection.ops.quote_name
    tokens, users = quote(StaffToken._meta.db_table), quote(User._meta.db_table)
    last_used = quote("last_used_at")
    expires = quote("expires_at")
    read = (
        f"SELECT u.*, t.{quote('id')} AS token_id, "  # noqa: S608 - fixed names only
        f"(t.{last_used} IS NULL OR t.{last_used} < %s) AS token_stale "
        f"FROM {tokens} t INNER JOIN {users} u ON u.{quote('id')} = t.{quote('user_id')} "
        f"WHERE t.{quote('token_hash')} = %s AND t.{quote('revoked_at')} IS NULL "
        f"AND u.{quote('is_active')} = %s AND (t.{expires} IS NULL OR t.{expires} > %s)"
    )
    write = f"UPDATE {tokens} SET {last_used} = %s WHERE {quote('id')} = %s"  # noqa: S608
    return read, write

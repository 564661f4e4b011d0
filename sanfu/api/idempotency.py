"""`Idempotency-Key` on POSTs: a retry with the same key gets the first answer, nothing new.

The record is written once, with the answer, in the same transaction as the request's own
writes: either both are kept or neither, and a retry after a crash runs the request again
rather than finding half of it done. A retry arriving while the first request still runs
meets the first's uncommitted row in the unique index: PostgreSQL makes it wait for the first
to commit (SQLite runs one writer at a time anyway), its own work is rolled back, and it gets
the first's answer. Keys are scoped per caller (an API key's client, a staff member).

(Until issue 21 the key was claimed first in a committed row of its own and the answer written
to it after: a transaction and a write more per request. A claim left by that version, with no
answer yet, still makes a retry wait, and is taken over once stale.)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.api.conf import idempotency_hours
from sanfu.api.models import IdempotencyRecord
from sanfu.lib.errors import Conflict, ValidationFailed
from sanfu.lib.rows import row_insert

HEADER = "Idempotency-Key"
KEY_MAX = 255
# Printable ASCII without spaces, as the OpenAPI documents say ("^[!-~]+$").
_KEY = re.compile(rf"[!-~]{{1,{KEY_MAX}}}")
# A claim whose request has run this long is taken to have died with its process (gunicorn
# kills a worker after 30 seconds), and a retry may run the request again.
STALE_CLAIM = timedelta(minutes=2)
REPLAYED_HEADER = "Idempotent-Replayed"


class KeyInUse(Conflict):
    """The first request with this key is still running."""


class KeyReused(ValidationFailed):
    """The key was sent before with a different request."""


def key_of(request: HttpRequest) -> str | None:
    """The request's Idempotency-Key, None when absent; ValidationFailed when unusable — an
    empty or blank key too, which a client sends by mistake and would expect to protect it."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not _KEY.fullmatch(key):
        raise ValidationFailed(
            _("An Idempotency-Key is 1 to 255 printable ASCII characters."), field=HEADER
        )
    return key


def fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.path, request.META.get("QUERY_STRING", "")):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(request.headers.get("Content-Type", "").encode("latin-1") + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


@dataclass(frozen=True)
class Claim:
    """Either the key to run the request under (nothing is written yet), or the stored answer
    to replay."""

    scope: str
    key: str
    print_: str
    replay: IdempotencyRecord | None = None


def idempotency_claim(*, scope: str, key: str, print_: str) -> Claim:
    """A read, no write: the stored answer for this key, if there is one."""
    now = timezone.now()
    found = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    if found is None:
        return Claim(scope, key, print_)
    if found.created_at < now - timedelta(hours=idempotency_hours()):
        IdempotencyRecord.objects.filter(pk=found.pk, created_at=found.created_at).delete()
        return Claim(scope, key, print_)
    return _existing(found, scope=scope, key=key, print_=print_, now=now)


def _existing(
    found: IdempotencyRecord, *, scope: str, key: str, print_: str, now: datetime
) -> Claim:
    if found.fingerprint != print_:
        raise KeyReused(
            _("This Idempotency-Key was used before with a different request."), field=HEADER
        )
    if found.status:
        return Claim(scope, key, print_, replay=found)
    # A claim without an answer, left by the version before (see the module's docstring).
    stale = found.created_at < now - STALE_CLAIM
    if (
        stale
        and IdempotencyRecord.objects.filter(
            pk=found.pk, status=0, created_at=found.created_at
        ).delete()[0]
    ):
        return Claim(scope, key, print_)
    raise KeyInUse(_("A request with this Idempotency-Key is still running; retry shortly."))


def idempotency_records_expire(*, now: datetime | None = None) -> int:
    """Forget the answers past their time; how many. A sweep job (an indexed delete, safe to
    run twice); until it runs, a claim treats an expired answer as absent."""
    expired = (now or timezone.now()) - timedelta(hours=idempotency_hours())
    return IdempotencyRecord.objects.filter(created_at__lt=expired).delete()[0]


def replay_response(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        bytes(record.body), status=record.status, content_type=record.content_type
    )
    response[REPLAYED_HEADER] = "true"
    return response


class _Failed(Exception):
    """Carries a server error's response out of the transaction so it rolls back."""

    def __init__(self, response: HttpResponseBase) -> None:
        super().__init__("server error")
        self.response = response


class _Taken(Exception):
    """Another request with the same key committed first: this one's writes roll back."""


def run_once(claim: Claim, run: Callable[[], HttpResponseBase]) -> HttpResponseBase:
    """Run the request and keep its answer under the key, with the request's writes.

    Server errors are not kept, so a retry runs the request again.
    """
    try:
        with transaction.atomic():
            response = run()
            if response.status_code >= 500:
                raise _Failed(response)
            body = response.content if isinstance(response, HttpResponse) else b""
            try:
                # No savepoint: a clash rolls the whole request back anyway (`_Taken`).
                with transaction.atomic(savepoint=False):
                    row_insert(
                        IdempotencyRecord(
                            scope=claim.scope,
                            key=claim.key,
                            fingerprint=claim.print_,
                            status=response.status_code,
                            content_type=response.get("Content-Type", ""),
                            body=body,
                            created_at=timezone.now(),
                        )
                    )
            except IntegrityError:
                raise _Taken from None
    except _Failed as failed:
        return failed.response
    except _Taken:
        first = idempotency_claim(scope=claim.scope, key=claim.key, print_=claim.print_)
        if first.replay is None:  # pragma: no cover - the first answer expired in between
            raise KeyInUse(
                _("A request with this Idempotency-Key is still running; retry shortly.")
            ) from None
        return replay_response(first.replay)
    return response


def release(claim: Claim) -> None:
    """Give the key up without an answer (the request was refused before it ran): nothing was
    written for it, so there is nothing to undo."""

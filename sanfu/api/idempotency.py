"""`Idempotency-Key` on POSTs: a retry with the same key gets the first answer, nothing new.

The key is claimed in its own committed row before the request runs, so a second request with
the same key, even one arriving while the first still runs, sees the claim. The answer is
written to that row in the same transaction as the request's own writes: either both are
kept or neither, and a retry after a crash runs the request again rather than finding half of
it done. Keys are scoped per caller (an API key's client, a staff member).
"""

from __future__ import annotations

import hashlib
import re
import secrets
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
    """Either a fresh claim to run the request under, or the stored answer to replay."""

    record: IdempotencyRecord | None = None
    replay: IdempotencyRecord | None = None


def idempotency_claim(*, scope: str, key: str, print_: str) -> Claim:
    now = timezone.now()
    if secrets.randbelow(100) == 0:
        # Now and then, forget answers past their time (a cheap indexed delete).
        expired = now - timedelta(hours=idempotency_hours())
        IdempotencyRecord.objects.filter(created_at__lt=expired).delete()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    scope=scope, key=key, fingerprint=print_, created_at=now
                )
            return Claim(record=record)
        except IntegrityError:
            claim = _existing(scope=scope, key=key, print_=print_, now=now)
            if claim is not None:
                return claim
    raise KeyInUse(_("A request with this Idempotency-Key is still running; retry shortly."))


def _existing(*, scope: str, key: str, print_: str, now: datetime) -> Claim | None:
    """The claim found in the way; None when it expired and was removed (try again)."""
    found = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    if found is None:
        return None
    if found.created_at < now - timedelta(hours=idempotency_hours()):
        IdempotencyRecord.objects.filter(pk=found.pk, created_at=found.created_at).delete()
        return None
    if found.fingerprint != print_:
        raise KeyReused(
            _("This Idempotency-Key was used before with a different request."), field=HEADER
        )
    if found.status:
        return Claim(replay=found)
    stale = found.created_at < now - STALE_CLAIM
    if stale and IdempotencyRecord.objects.filter(
        pk=found.pk, status=0, created_at=found.created_at
    ).update(created_at=now):
        found.created_at = now
        return Claim(record=found)
    raise KeyInUse(_("A request with this Idempotency-Key is still running; retry shortly."))


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


def run_once(claim: Claim, run: Callable[[], HttpResponseBase]) -> HttpResponseBase:
    """Run the request under its claim and keep the answer with the request's writes.

    Server errors are not kept: the claim is dropped so a retry runs the request again.
    """
    record = claim.record
    if record is None:
        raise ValueError("run_once needs a claim to run under, not a replay")
    try:
        with transaction.atomic():
            response = run()
            if response.status_code >= 500:
                raise _Failed(response)
            body = response.content if isinstance(response, HttpResponse) else b""
            IdempotencyRecord.objects.filter(pk=record.pk).update(
                status=response.status_code,
                content_type=response.get("Content-Type", ""),
                body=body,
            )
    except _Failed as failed:
        IdempotencyRecord.objects.filter(pk=record.pk, status=0).delete()
        return failed.response
    except BaseException:
        IdempotencyRecord.objects.filter(pk=record.pk, status=0).delete()
        raise
    return response


def release(claim: Claim) -> None:
    """Give the claim up without an answer (the request was refused before it ran)."""
    if claim.record is not None:
        IdempotencyRecord.objects.filter(pk=claim.record.pk, status=0).delete()

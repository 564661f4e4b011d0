"""The staff API's `Idempotency-Key` guard, wrapped around each POST operation.

It runs before django-ninja's own checks, so it finds the caller from the token itself; a
request without a valid token goes straight through and is refused by the auth check.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase

from sanfu.api import idempotency
from sanfu.api.errors import staff_response
from sanfu.api.staff.auth import request_token
from sanfu.lib.errors import ApplicationError

Run = Callable[..., HttpResponseBase]


def idempotency_guard(run: Run) -> Run:
    @functools.wraps(run)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            key = idempotency.key_of(request)
            token = request_token(request) if key else None
            if key is None or token is None:
                return run(request, *args, **kwargs)
            claim = idempotency.idempotency_claim(
                scope=f"staff:{token.user_id}", key=key, print_=idempotency.fingerprint(request)
            )
        except ApplicationError as error:
            return staff_response(error)
        if claim.replay is not None:
            return idempotency.replay_response(claim.replay)
        try:
            return idempotency.run_once(claim, lambda: run(request, *args, **kwargs))
        except ApplicationError as error:  # the key taken meanwhile by a different request
            return staff_response(error)

    guarded.idempotent = True  # type: ignore[attr-defined]
    return guarded

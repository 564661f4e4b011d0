"""The one place where application errors become HTTP statuses and the two error formats.

Open311 answers `[{"code", "description"}]` / `<errors><error>…`, with 400 for any bad input as
its specification asks; the staff API answers `{"code", "message", "field"}`, with 422 for
bad input like the schema validation it shares the format with.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from sanfu.api.idempotency import KeyInUse
from sanfu.api.open311 import render
from sanfu.lib.errors import (
    ApplicationError,
    ValidationFailed,
)

STAFF_CONTENT_TYPE = "application/json; charset=utf-8"


class RateLimited(ApplicationError):
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            _("Too many requests; retry in %(seconds)d seconds.") % {"seconds": retry_after}
        )
        self.retry_after = retry_after


class Unauthenticated(ApplicationError):
    code = "unauthenticated"


# Where an API's format answers otherwise than the error's own status (ApplicationError.status).
_OPEN311_STATUS: dict[type[ApplicationError], int] = {
    Unauthenticated: 403,  # Open311 has no 401: a missing or bad api_key is a 403
    RateLimited: 429,
}
_STAFF_STATUS: dict[type[ApplicationError], int] = {
    **_OPEN311_STATUS,
    ValidationFailed: 422,
    Unauthenticated: 401,
}


def _status(error: ApplicationError, table: dict[type[ApplicationError], int]) -> int:
    for kind in type(error).__mro__:
        if kind in table:
            return table[kind]
    return error.status


def _headers(error: ApplicationError) -> dict[str, str]:
    if isinstance(error, RateLimited):
        return {"Retry-After": str(error.retry_after)}
    if isinstance(error, KeyInUse):
        # The first request with the key is still running; it will not take long.
        return {"Retry-After": "1"}
    return {}


def open311_error(fmt: str, error: ApplicationError) -> HttpResponse:
    response = render.errors(fmt, _status(error, _OPEN311_STATUS), [str(error)])
    for name, value in _headers(error).items():
        response[name] = value
    return response


def staff_status(error: ApplicationError) -> int:
    return _status(error, _STAFF_STATUS)


def staff_body(error: ApplicationError) -> dict[str, Any]:
    return {"code": error.code, "message": error.message, "field": error.field}


def staff_headers(error: ApplicationError) -> dict[str, str]:
    headers = _headers(error)
    if isinstance(error, Unauthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    return headers


def _json(body: dict[str, Any], status: int, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=STAFF_CONTENT_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def staff_response(error: ApplicationError) -> HttpResponse:
    """The staff API's error document for an application error."""
    return _json(staff_body(error), staff_status(error), staff_headers(error))


def staff_invalid(problems: list[tuple[str, str]]) -> HttpResponse:
    """The staff API's answer to input that breaks the schema: every problem, the first up top."""
    field, message = problems[0] if problems else ("body", _("The input is not valid."))
    body = {
        "code": ValidationFailed.code,
        "message": message,
        "field": field,
        "errors": [{"field": f, "message": m} for f, m in problems],
    }
    return _json(body, 422)


def staff_http_error(status: int, message: str) -> HttpResponse:
    """django-ninja's own refusals (other than validation and auth) in the same format."""
    return _json({"code": "error", "message": message, "field": None}, status)

"""Bearer tokens: `Authorization: Bearer sfu_…`, one per staff member and purpose."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from sanfu.api.keys import staff_token_authenticate
from sanfu.api.models import StaffToken

_CACHE = "_sanfu_api_token"


def request_token(request: HttpRequest) -> StaffToken | None:
    """The live token the request carries, looked up once per request."""
    if hasattr(request, _CACHE):
        cached: StaffToken | None = getattr(request, _CACHE)
        return cached
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    row = None
    if scheme.lower() == "bearer" and token.strip():
        row = staff_token_authenticate(token.strip())
    setattr(request, _CACHE, row)
    return row


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = request_token(request)
        return None if row is None else row.user

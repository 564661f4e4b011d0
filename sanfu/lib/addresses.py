"""The address a request came from, as rate limits and login throttling count it."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The caller's address; behind a trusted proxy, the one the proxy saw.

    IPv6 addresses count per /64 network, since one subscriber usually holds a whole /64.
    """
    raw = ""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        # The proxy appends the address it saw, so the last entry is the one it vouches for.
        raw = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
    raw = raw or request.META.get("REMOTE_ADDR", "")
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)

"""The server's own time for each request, as a `Server-Timing` header (when switched on).

A benchmark that times requests from the client counts the client, the loopback and the WSGI
server too; this header says what the application spent (`app`: from the first middleware in
to the response out) and how much of it in the database (`db`, with the number of queries).
Off by default (`SANFU_SERVER_TIMING`): it tells anyone how long each request took.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection
from django.http import HttpRequest, HttpResponseBase


class _Database:
    def __init__(self) -> None:
        self.queries = 0
        self.seconds = 0.0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries += 1
            self.seconds += time.perf_counter() - started


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        if not getattr(settings, "SANFU_SERVER_TIMING", False):
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        database = _Database()
        with connection.execute_wrapper(database):
            response = self.get_response(request)
        app = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = (
            f'app;dur={app:.2f}, db;desc="{database.queries} queries";'
            f"dur={database.seconds * 1000:.2f}"
        )
        return response

"""`/healthz`: for the load balancer and the monitoring system.

JSON by default (200 when every check passes, 503 otherwise, so a balancer needs nothing but
the status); `?format=prometheus` gives the same figures as Prometheus text to scrape. Checks:
the database answers, and the background queue is drained in time (its oldest due task has
waited no longer than `SANFU_QUEUE_MAX_AGE_SECONDS`: a stopped worker shows here first).
Nothing personal or secret is shown; the endpoint needs no log-in.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sanfu.cases.queue import QueueStatus, queue_status


def _database() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 2)}


def _queue() -> tuple[dict[str, Any], QueueStatus | None]:
    try:
        status = queue_status()
    except DatabaseError as error:
        return {"ok": False, "error": type(error).__name__}, None
    limit = settings.QUEUE_MAX_AGE_SECONDS
    ok = status.oldest_pending_seconds <= limit
    return {"ok": ok, "max_age_seconds": limit, **status.as_dict()}, status


def _prometheus(checks: dict[str, dict[str, Any]], status: QueueStatus | None) -> str:
    lines = [
        "# HELP sanfu_check_ok 1 when the check passes.",
        "# TYPE sanfu_check_ok gauge",
        *(f'sanfu_check_ok{{check="{name}"}} {int(c["ok"])}' for name, c in checks.items()),
    ]
    if status is not None:
        lines += [
            "# HELP sanfu_queue_tasks Background tasks by state (done ones are not counted).",
            "# TYPE sanfu_queue_tasks gauge",
            *(
                f'sanfu_queue_tasks{{state="{state}"}} {getattr(status, state)}'
                for state in ("pending", "retrying", "running", "failed")
            ),
            "# HELP sanfu_queue_oldest_pending_seconds How long the oldest due task has waited.",
            "# TYPE sanfu_queue_oldest_pending_seconds gauge",
            f"sanfu_queue_oldest_pending_seconds {status.oldest_pending_seconds}",
        ]
    return "\n".join(lines) + "\n"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    database = _database()
    queue, status = _queue() if database["ok"] else ({"ok": False, "error": "database"}, None)
    checks = {"database": database, "queue": queue}
    healthy = all(check["ok"] for check in checks.values())
    code = 200 if healthy else 503
    if request.GET.get("format") == "prometheus":
        return HttpResponse(
            _prometheus(checks, status),
            status=code,
            content_type="text/plain; version=0.0.4; charset=utf-8",
        )
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": checks}, status=code)

"""`sanfu sweep`: run every app's periodic jobs (`sanfu.lib.jobs`); `--once` for one pass."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from sanfu.lib.jobs import jobs_registered

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    # A pass takes milliseconds; the system checks would take seconds on every start.
    requires_system_checks: list[str] = []
    help = (
        "Run the periodic jobs of every app: mark cases due soon and overdue, urge and alert "
        "supervisors, close unrated replies, import uploaded files, refresh the dashboard's "
        "aggregates, and what the other apps register. Safe to run in several processes at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument(
            "--interval",
            type=int,
            default=settings.CASE_SWEEP_INTERVAL_SECONDS,
            help="seconds between passes (default: $SANFU_SWEEP_INTERVAL or 60)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            started = time.monotonic()
            figures: dict[str, Any] = {}
            for job in jobs_registered():
                try:
                    figures[job.name] = job.run()
                except Exception as exc:
                    # One failing job must not stop the others (the case clocks above all);
                    # it is logged with its traceback and named in the pass's line.
                    logger.exception("sweep: job %s failed", job.name)
                    figures[job.name] = {"error": f"{type(exc).__name__}: {exc}"}
            figures["seconds"] = round(time.monotonic() - started, 3)
            self.stdout.write(json.dumps(figures, ensure_ascii=False))
            if options["once"]:
                return
            time.sleep(max(1, options["interval"]))

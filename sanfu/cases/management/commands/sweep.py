"""`sanfu sweep`: keep the clocks of open cases current; `--once` for one pass."""

from __future__ import annotations

import json
import time
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from sanfu.assistance.worker import imports_pending_run
from sanfu.cases.sweep import sweep_once


class Command(BaseCommand):
    # A pass takes milliseconds; the system checks would take seconds on every start.
    requires_system_checks: list[str] = []
    help = (
        "Mark cases due soon and overdue, urge and alert supervisors, close unrated replies. "
        "Safe to run in several processes at once."
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
            result = sweep_once()
            figures: dict[str, Any] = result.as_dict()
            # Uploaded aid-record files waiting for the background import (sanfu.assistance).
            figures["imports"] = imports_pending_run()
            if apps.is_installed("sanfu.insight"):
                # The dashboard's daily aggregates catch up with what this pass and the
                # actions since the last one changed.
                from sanfu.insight.build import insight_refresh

                figures["insight"] = insight_refresh().as_dict()
            figures["seconds"] = round(time.monotonic() - started, 3)
            self.stdout.write(json.dumps(figures))
            if options["once"]:
                return
            time.sleep(max(1, options["interval"]))

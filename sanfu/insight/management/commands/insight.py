"""`sanfu insight`: the daily aggregates behind the leaders' dashboard."""

from __future__ import annotations

import json
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanfu.insight.build import as_of, insight_refresh
from sanfu.insight.rebuilds import insight_rebuild_explicitly


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--since: {value!r} is not a day like 2026-01-31") from error


class Command(BaseCommand):
    help = (
        "Daily aggregates of the case figures: `rebuild [--since DAY]` recomputes every day "
        "(first load, after bulk imports or re-zoning; recorded, and the dashboard says which "
        "closed months it recomputed); `refresh` catches up with the "
        "timeline (every `sanfu sweep` pass does this); `status` says how fresh they are."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        rebuild = commands.add_parser("rebuild", help="recompute every day from --since")
        rebuild.add_argument("--since", type=str, default="", help="first day, YYYY-MM-DD")
        rebuild.add_argument(
            "--reason", type=str, default="", help="why (shown with the dashboard's notice)"
        )
        commands.add_parser("refresh", help="recompute the days touched since the last refresh")
        commands.add_parser("status", help="when the aggregates were last refreshed")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        action = options["action"]
        if action == "status":
            moment = as_of()
            self.stdout.write(moment.isoformat() if moment else "never")
            return
        if action == "rebuild":
            since = _day(options["since"]) if options["since"] else None
            result = insight_rebuild_explicitly(since=since, reason=options["reason"]).result
        else:
            result = insight_refresh()
        figures = {**result.as_dict(), "seconds": round(time.monotonic() - started, 3)}
        self.stdout.write(json.dumps(figures))

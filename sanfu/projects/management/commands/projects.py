"""`sanfu projects SUBCOMMAND`: JSON on stdout.

- ``figures [--start YYYY-MM-DD] [--end YYYY-MM-DD]``: the county's project figures (led,
  finished, on time, overdue by kind and owning unit; milestones; co-building) for a period,
  the last 12 months by default, as every unit's staff would see them together.
"""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanfu.directory.models import User
from sanfu.projects import figures


def _rate(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 4)


def _row(row: figures.Row) -> dict[str, Any]:
    return {
        "label": row.label,
        "led": row.led,
        "finished": row.finished,
        "on_time": row.on_time,
        "on_time_rate": _rate(row.on_time_rate),
        "overdue": row.overdue,
        "achieved": row.achieved,
        "goal": row.goal,
    }


class Command(BaseCommand):
    help = "Projects: figures for a period, as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        fig = subcommands.add_parser("figures", help="the county's project figures for a period")
        fig.add_argument("--start", type=date.fromisoformat, default=None)
        fig.add_argument("--end", type=date.fromisoformat, default=None, help="exclusive")

    def handle(self, *args: Any, **options: Any) -> None:
        period = figures.last_twelve_months()
        start, end = options["start"] or period.start, options["end"] or period.end
        if end <= start:
            raise CommandError("--end must be after --start")
        # The operator's view: every project, as a superuser sees them.
        everyone = User(is_superuser=True, is_active=True)
        result = figures.figures_for(user=everyone, period=figures.Period(start, end))
        milestones = result.milestones
        self.stdout.write(
            json.dumps(
                {
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "by_kind": [_row(row) for row in result.kinds],
                    "by_unit": [_row(row) for row in result.units],
                    "milestones": {
                        "reached": milestones.reached,
                        "on_time": milestones.on_time,
                        "on_time_rate": _rate(milestones.on_time_rate),
                        "overdue_open": milestones.overdue_open,
                    },
                    "co_building": result.cobuilding.__dict__,
                },
                ensure_ascii=False,
            )
        )

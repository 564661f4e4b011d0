"""`sanfu outreach SUBCOMMAND`: JSON on stdout.

- ``import --file F [--actor USERNAME] [--county CODE]``: import a roster; prints the per-row
  report; exits 1 when a row was refused.
- ``compliance [--period P] [--unit CODE]``: figures and overdue links for a window (default
  the current month) under a unit (default the whole county).
- ``sweep``: remind cadres before their cadence periods end.
- ``tally``: rebuild every link's monthly tallies from the visits (once after upgrading to the
  tallies, or after visits were written around the services); safe to run again.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sanfu.directory.models import Unit, User
from sanfu.lib.errors import ApplicationError
from sanfu.outreach.compliance import compliance_for, links_in_window
from sanfu.outreach.figures import figures_by, figures_sum
from sanfu.outreach.models import Link
from sanfu.outreach.periods import parse_window, period_of
from sanfu.outreach.roster import roster_import
from sanfu.outreach.sweep import outreach_sweep
from sanfu.outreach.tallies import tally_rebuild


class Command(BaseCommand):
    help = "Outreach: import the roster, print compliance, run the reminder sweep."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        importing = commands.add_parser("import", help="import a roster file (.xlsx or .csv)")
        importing.add_argument("--file", required=True, type=Path)
        importing.add_argument("--actor", default="", help="staff account acting (default: system)")
        importing.add_argument(
            "--county", default="", help="county code the names are looked up in"
        )
        compliance = commands.add_parser("compliance", help="visits done against visits due")
        compliance.add_argument("--period", default="", help="2026-11, 2026-Q4, 2026-W48, 2026")
        compliance.add_argument("--unit", default="", help="unit code (default: everything)")
        commands.add_parser("sweep", help="remind cadres before their periods end")
        commands.add_parser("tally", help="rebuild the monthly visit tallies from the visits")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = getattr(self, f"_{options['subcommand']}")(options)
        except ApplicationError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2, default=str))
        if options["subcommand"] == "import" and result["refused"]:
            raise SystemExit(1)

    def _import(self, options: dict[str, Any]) -> dict[str, object]:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        actor = None
        if options["actor"]:
            actor = User.objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(f"no staff account {options['actor']}")
        county = None
        if options["county"]:
            county = Unit.objects.filter(code=options["county"], parent__isnull=True).first()
            if county is None:
                raise CommandError(f"no county with the code {options['county']}")
        report = roster_import(
            actor=actor, file_name=path.name, data=path.read_bytes(), county=county
        )
        return report.as_dict()

    def _compliance(self, options: dict[str, Any]) -> dict[str, object]:
        today = timezone.localdate()
        window = (
            parse_window(options["period"]) if options["period"] else period_of("monthly", today)
        )
        links = Link.objects.select_related(
            "person", "person_unit", "enterprise", "target_unit", "household", "place"
        )
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"no unit with the code {options['unit']}")
            links = links.filter(place__path__descendant=unit.path)
        rows = compliance_for(links_in_window(links, window), window, today=today)
        kinds = figures_by(rows, window, lambda link: link.target_kind)
        return {
            "period": {"first": window.first, "last": window.last},
            "today": today,
            "figures": figures_sum(kinds.values()).as_dict(),
            "by_target_kind": {kind: figures.as_dict() for kind, figures in kinds.items()},
            "overdue": [
                {
                    "link": row.link.pk,
                    "person": row.link.person_label,
                    "target": row.link.target_label,
                    "due": row.due,
                    "done": row.done,
                    "missing": row.overdue,
                }
                for row in rows
                if row.is_overdue
            ][:1000],
        }

    def _sweep(self, options: dict[str, Any]) -> dict[str, object]:
        return dict(outreach_sweep())

    def _tally(self, options: dict[str, Any]) -> dict[str, object]:
        started = time.perf_counter()
        rows = tally_rebuild()
        return {"tallies": rows, "seconds": round(time.perf_counter() - started, 1)}

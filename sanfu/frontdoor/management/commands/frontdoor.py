"""`sanfu frontdoor SUBCOMMAND`: JSON on stdout.

- ``services-load [--county CODE] [--file PATH]``: import administrative services from a CSV
  or .xlsx (by default the demo county's common services shipped in frontdoor/data)
- ``search QUERY``: what the portal's service search finds, with the time it took
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sanfu.lib.errors import ApplicationError


class Command(BaseCommand):
    help = "The front door: load the catalogue's administrative services; try the search."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        load = subcommands.add_parser("services-load", help="import administrative services")
        load.add_argument("--county", default="", help="the county's code (default: the only one)")
        load.add_argument(
            "--file", type=Path, default=None, help="CSV or .xlsx (default: packaged)"
        )
        search = subcommands.add_parser("search", help="search the services as the portal does")
        search.add_argument("query")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "services-load":
                result = self._load(options)
            else:
                result = self._search(options["query"])
        except ApplicationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))

    def _load(self, options: dict[str, Any]) -> dict[str, Any]:
        from sanfu.directory.models import Unit, UnitKind
        from sanfu.frontdoor import catalogue

        counties = Unit.objects.filter(kind=UnitKind.COUNTY, is_active=True)
        if options["county"]:
            counties = counties.filter(code=options["county"].strip().upper())
        if counties.count() != 1:
            raise CommandError(_("--county: give the code of one county"))
        county = counties.get()
        path: Path = options["file"] or catalogue.PACKAGED_SERVICES
        if not path.is_file():
            raise CommandError(_("--file: no such file: %(path)s") % {"path": path})
        table = catalogue.table_read(file_name=path.name, data=path.read_bytes())
        report = catalogue.services_import(county=county, table=table)
        return {
            "county": county.name,
            "created": report.created,
            "updated": report.updated,
            "refused": [
                {"row": row.line, "name": row.name, "problem": row.problem}
                for row in report.rows
                if row.outcome == "refused"
            ],
        }

    def _search(self, query: str) -> dict[str, Any]:
        from sanfu.frontdoor import catalogue

        catalogue.services_search(query=query)  # builds the index once
        started = time.perf_counter()
        found = catalogue.services_search(query=query)
        took = (time.perf_counter() - started) * 1000
        return {"query": query, "ms": round(took, 2), "found": [s.category.name for s in found]}

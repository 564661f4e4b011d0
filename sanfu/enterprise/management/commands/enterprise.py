"""`sanfu enterprise SUBCOMMAND`: JSON on stdout.

- ``import --kind facts|benefits --file F``: all rows or none, with a report by row and column
- ``match-policies``: match every enterprise against every active policy; update the review list
- ``text-policies``: text each enterprise's contact the policies it qualifies for (once each)
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanfu.lib.errors import ApplicationError


class Command(BaseCommand):
    help = "Enterprise services: imports and policy matching."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        imp = sub.add_parser("import", help="import facts or benefits from Excel or CSV")
        imp.add_argument("--kind", required=True, choices=("facts", "benefits"))
        imp.add_argument("--file", required=True, type=Path)
        sub.add_parser("match-policies", help="match every enterprise against every policy")
        sub.add_parser("text-policies", help="text contacts the policies they qualify for")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            subcommand = options["subcommand"]
            if subcommand == "import":
                result = self._import(options)
            elif subcommand == "text-policies":
                result = self._text()
            else:
                result = self._match()
        except ApplicationError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2, default=str))
        if result.get("applied") is False:
            raise CommandError("refused: nothing was imported")

    def _import(self, options: dict[str, Any]) -> dict[str, Any]:
        from sanfu.enterprise.imports import enterprise_import

        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        report = enterprise_import(
            kind=options["kind"], file_name=path.name, data=path.read_bytes()
        )
        return report.as_dict()

    def _match(self) -> dict[str, Any]:
        from sanfu.enterprise.matching import policies_match

        started = time.perf_counter()
        result = policies_match()
        return {**vars(result), "seconds": round(time.perf_counter() - started, 2)}

    def _text(self) -> dict[str, Any]:
        from sanfu.enterprise.services.contacts import policies_text

        return dict(vars(policies_text()))

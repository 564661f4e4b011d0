"""`sanfu grassroots SUBCOMMAND`: JSON on stdout, progress on stderr.

- ``lists --unit CODE --format xlsx|pdf [--paper A4|A3] [--output PATH] [--base-url URL]``:
  one unit's three lists to a file (PDF on A4, or A3 for a large notice board);
- ``lists --all --format xlsx|pdf --output-dir DIR``: every active village and community (and
  with ``--departments`` every department), one file each, with progress.

The issue's speed targets are measured by scripts/bench_grassroots.py.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sanfu.directory.models import VILLAGE_KINDS, Unit, UnitKind
from sanfu.grassroots.exports import lists_workbook
from sanfu.grassroots.lists import LIST_UNIT_KINDS, three_lists
from sanfu.grassroots.printing import pdf_files, printable_html, public_list_url
from sanfu.lib.errors import ApplicationError


def _default_base_url() -> str:
    hosts = [h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".") and h != "*"]
    return f"https://{hosts[0] if hosts else 'localhost'}"


class Command(BaseCommand):
    help = "Serving the grassroots: write units' three lists to files."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        lists = subcommands.add_parser("lists", help="write three lists as xlsx or pdf")
        which = lists.add_mutually_exclusive_group(required=True)
        which.add_argument("--unit", help="the code of a village, community or department")
        which.add_argument("--all", action="store_true", help="every village and community")
        lists.add_argument("--departments", action="store_true", help="with --all: departments too")
        lists.add_argument("--format", choices=["xlsx", "pdf"], required=True)
        lists.add_argument("--paper", choices=["A4", "A3"], default="A4", help="pdf: paper size")
        lists.add_argument(
            "--output", type=Path, help="the file (one unit); default lists-CODE.EXT"
        )
        lists.add_argument("--output-dir", type=Path, default=Path("."), help="with --all")
        lists.add_argument(
            "--base-url", default="", help="the portal's address, for the QR code (pdf)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            result = self._lists(options)
        except ApplicationError as error:
            raise CommandError(str(error)) from None
        result["seconds"] = round(time.perf_counter() - started, 2)
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _units(self, options: dict[str, Any]) -> list[Unit]:
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"].strip(), is_active=True).first()
            if unit is None or unit.kind not in LIST_UNIT_KINDS:
                raise CommandError(
                    _("--unit: no village, community or department has the code %(code)s")
                    % {"code": options["unit"]}
                )
            return [unit]
        kinds = set(VILLAGE_KINDS) | ({UnitKind.DEPARTMENT} if options["departments"] else set())
        return list(Unit.objects.filter(kind__in=kinds, is_active=True).order_by("path"))

    def _progress(self, number: int, total: int, unit: Unit, path: Path) -> None:
        self.stderr.write(f"[{number}/{total}] {unit.code} {unit.name} → {path}")

    def _lists(self, options: dict[str, Any]) -> dict[str, Any]:
        units = self._units(options)
        fmt: str = options["format"]
        base_url = options["base_url"] or _default_base_url()
        single = bool(options["unit"])
        folder: Path = options["output_dir"]
        if not single:
            folder.mkdir(parents=True, exist_ok=True)
        paths = [
            options["output"]
            if single and options["output"]
            else folder / f"lists-{unit.code}.{fmt}"
            for unit in units
        ]
        if fmt == "xlsx":
            for number, (unit, path) in enumerate(zip(units, paths, strict=True), start=1):
                path.write_bytes(lists_workbook(three_lists(unit=unit)))
                self._progress(number, len(units), unit, path)
        else:
            documents = (
                (
                    printable_html(
                        unit=unit, url=public_list_url(unit, base_url), paper=options["paper"]
                    ),
                    path,
                )
                for unit, path in zip(units, paths, strict=True)
            )
            unit_of = dict(zip(paths, units, strict=True))
            pdf_files(
                documents,
                printed=lambda n, path: self._progress(n, len(units), unit_of[path], path),
            )
        written = [str(path) for path in paths]
        return {"format": fmt, "units": len(units), "files": written if single else len(written)}

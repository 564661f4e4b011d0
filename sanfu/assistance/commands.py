"""The subcommands of `sanfu assistance` this app adds beside matching and the benchmark.

Each has an `add_<name>(parser)` declaring its arguments and a `run_<name>(options, progress)`
returning the JSON-able result; the command module wires them in with one subparser each.

- `import --source CODE --file PATH [--mapping NAME]`: import one body's file now
- `mapping --source CODE --name NAME --column FIELD=HEADER… [--default FIELD=VALUE…]`
- `link [--new]`: cluster every record into persons again, or only attach new records
- `findings [--on DATE]`: find duplicate, excessive and missed aid; store them idempotently
- `work [--once] [--interval S]`: import uploaded files waiting for the background
- `import-bench --rows N [--format csv|xlsx]`: time the import of N generated rows
"""

from __future__ import annotations

import csv
import io
import os
import random
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import connection
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.lib.errors import ApplicationError

Progress = Callable[[str], None]


def _source(code: str) -> Any:
    from sanfu.directory.models import Unit

    unit = Unit.objects.filter(code=code.strip().upper()).first()
    if unit is None:
        raise CommandError(_("--source: no unit has the code %(code)s") % {"code": code})
    return unit


def _pairs(values: list[str], option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key.strip():
            raise CommandError(
                _("%(option)s: expected FIELD=VALUE, got %(value)r")
                % {"option": option, "value": value}
            )
        pairs[key.strip()] = rest.strip()
    return pairs


# --- import --------------------------------------------------------------------------------


def add_import(parser: CommandParser) -> None:
    parser.add_argument("--source", required=True, help="code of the body that sends the file")
    parser.add_argument("--file", type=Path, required=True, help=".xlsx or .csv (UTF-8 or GBK)")
    parser.add_argument(
        "--mapping", help="name of the body's saved column mapping (default: recognise headers)"
    )


def run_import(options: dict[str, Any], progress: Progress) -> dict[str, Any]:
    from sanfu.assistance.imports.run import batch_claim, batch_process, batch_upload, mapping_guess
    from sanfu.assistance.models import ColumnMapping, ImportBatch

    source = _source(options["source"])
    path: Path = options["file"]
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CommandError(_("--file: %(error)s") % {"error": error.strerror or error}) from None
    started = time.monotonic()
    try:
        if options["mapping"]:
            mapping = ColumnMapping.objects.filter(source=source, name=options["mapping"]).first()
            if mapping is None:
                raise CommandError(
                    _("--mapping: %(source)s has no mapping named %(name)s")
                    % {"source": source.name, "name": options["mapping"]}
                )
        else:
            mapping = mapping_guess(source=source, file_name=path.name, data=data)
        batch, created = batch_upload(
            source=source, mapping=mapping, file_name=path.name, data=data, user=None
        )
    except ApplicationError as error:
        raise CommandError(f"{error.field or 'file'}: {error.message}") from None

    def report(current: ImportBatch) -> None:
        share = 100 * current.processed_rows / current.total_rows if current.total_rows else 100
        progress(
            f"{current.file_name}: {current.processed_rows}/{current.total_rows} rows "
            f"({share:.0f}%), {current.kept} kept, {current.refused} refused"
        )

    if batch_claim(batch.pk):
        batch = batch_process(batch=batch, progress=report)
    seconds = time.monotonic() - started
    result = _batch_result(batch, created=created)
    result["seconds"] = round(seconds, 2)
    if batch.state == "failed":
        raise CommandError(batch.error)
    return result


def _batch_result(batch: Any, *, created: bool) -> dict[str, Any]:
    issues = list(batch.issues.filter(refused=True).values("row", "column", "message")[:100])
    return {
        "batch": batch.pk,
        "new_file": created,
        "state": batch.state,
        "rows": batch.total_rows,
        "kept": batch.kept,
        "refused": batch.refused,
        "already_imported": batch.duplicates,
        "skipped": batch.skipped,
        "refused_rows": issues,
    }


# --- mapping -------------------------------------------------------------------------------


def add_mapping(parser: CommandParser) -> None:
    parser.add_argument("--source", required=True, help="code of the body")
    parser.add_argument("--name", required=True, help="name of the mapping")
    parser.add_argument(
        "--column", action="append", default=[], metavar="FIELD=HEADER", help="repeatable"
    )
    parser.add_argument(
        "--default", action="append", default=[], metavar="FIELD=VALUE", help="repeatable"
    )


def run_mapping(options: dict[str, Any], progress: Progress) -> dict[str, Any]:
    from sanfu.assistance.imports.run import mapping_save

    source = _source(options["source"])
    try:
        mapping = mapping_save(
            source=source,
            name=options["name"],
            columns=_pairs(options["column"], "--column"),
            defaults=_pairs(options["default"], "--default"),
        )
    except ApplicationError as error:
        raise CommandError(f"{error.field}: {error.message}") from None
    return {"mapping": mapping.pk, "columns": mapping.columns, "defaults": mapping.defaults}


# --- link and findings ---------------------------------------------------------------------


def add_link(parser: CommandParser) -> None:
    parser.add_argument(
        "--new", action="store_true", help="only attach records without a person (incremental)"
    )


def run_link(options: dict[str, Any], progress: Progress) -> dict[str, Any]:
    from sanfu.assistance.persons import persons_match_new, persons_relink

    started = time.monotonic()
    summary = persons_match_new() if options["new"] else persons_relink(say=progress)
    return {**summary.as_dict(), "seconds": round(time.monotonic() - started, 2)}


def add_findings(parser: CommandParser) -> None:
    parser.add_argument(
        "--on",
        type=date.fromisoformat,
        help="judge as of this day (default: the latest day aid was given in the records)",
    )


def run_findings(options: dict[str, Any], progress: Progress) -> dict[str, Any]:
    from sanfu.assistance.findings import findings_compute
    from sanfu.assistance.models import RecordKind, SourceRecord

    on = (
        options["on"]
        or SourceRecord.objects.filter(kind=RecordKind.AID).aggregate(last=Max("given_on"))["last"]
        or timezone.localdate()
    )
    started = time.monotonic()
    summary = findings_compute(on=on)
    return {
        **summary.as_dict(),
        "on": on.isoformat(),
        "seconds": round(time.monotonic() - started, 2),
    }


# --- work ----------------------------------------------------------------------------------


def add_work(parser: CommandParser) -> None:
    parser.add_argument("--once", action="store_true", help="one pass, then exit")
    parser.add_argument("--interval", type=int, default=10, help="seconds between passes")


def run_work(options: dict[str, Any], progress: Progress) -> dict[str, Any]:
    from sanfu.assistance.worker import imports_pending_run

    total = 0
    while True:
        total += imports_pending_run(
            progress=lambda b: progress(f"{b.file_name}: {b.processed_rows}/{b.total_rows} rows")
        )
        if options["once"]:
            return {"imported_batches": total}
        time.sleep(max(1, options["interval"]))


# --- import benchmark ----------------------------------------------------------------------


def add_import_bench(parser: CommandParser) -> None:
    parser.add_argument("--rows", type=int, default=200_000, help="rows to generate")
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--seed", type=int, default=1)


def run_import_bench(options: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Generate a body's file of N rows (1% bad), import it, and import it again."""
    from sanfu.assistance.imports.run import batch_claim, batch_process, batch_upload, mapping_guess
    from sanfu.assistance.models import ImportBatch

    if options["rows"] < 1:
        raise CommandError(_("--rows: at least 1"))
    body = _bench_body()
    started = time.monotonic()
    name, data = _bench_file(options["rows"], options["format"], options["seed"])
    generated = time.monotonic() - started
    progress(f"generated {options['rows']} rows ({len(data) / 1e6:.1f} MB) in {generated:.1f}s")
    mapping = mapping_guess(source=body, file_name=name, data=data)

    def report(batch: ImportBatch) -> None:
        progress(f"{batch.processed_rows}/{batch.total_rows} rows")

    started, cpu = time.monotonic(), time.process_time()
    batch, _created = batch_upload(
        source=body, mapping=mapping, file_name=name, data=data, user=None
    )
    if batch_claim(batch.pk):
        batch = batch_process(batch=batch, progress=report)
    first, first_cpu = time.monotonic() - started, time.process_time() - cpu
    started, cpu = time.monotonic(), time.process_time()
    # The same rows in a new file (one more blank line): every row recognised, none written.
    again, _created = batch_upload(
        source=body, mapping=mapping, file_name=name, data=data + b"\r\n", user=None
    )
    if batch_claim(again.pk):
        again = batch_process(batch=again)
    second, second_cpu = time.monotonic() - started, time.process_time() - cpu
    return {
        "rows": options["rows"],
        "format": options["format"],
        "database": connection.vendor,
        # Wall time depends on what else the machine runs: the load and this process's own
        # CPU time (the database server's excluded) say how much of it was the import's.
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "import_seconds": round(first, 2),
        "import_cpu_seconds": round(first_cpu, 2),
        "rows_per_second": round(options["rows"] / first) if first else None,
        "kept": batch.kept,
        "refused": batch.refused,
        "reimport_seconds": round(second, 2),
        "reimport_cpu_seconds": round(second_cpu, 2),
        "reimport_kept": again.kept,
        "reimport_already_imported": again.duplicates,
    }


def _bench_body() -> Any:
    from sanfu.assistance.models import Need, Period, Programme
    from sanfu.assistance.programmes import ProgrammeSpec, programme_save
    from sanfu.directory.models import Unit, UnitKind
    from sanfu.directory.services import unit_create

    body = Unit.objects.filter(code="BENCHD01").first()
    if body is None:
        county = Unit.objects.filter(kind=UnitKind.COUNTY).first() or unit_create(
            kind=UnitKind.COUNTY, name="基准县", code="BENCH", parent=None
        )
        body = unit_create(
            kind=UnitKind.DEPARTMENT, name="基准测试民政局", code="BENCHD01", parent=county
        )
    if not Programme.objects.filter(code="BENCH-DB").exists():
        programme_save(
            spec=ProgrammeSpec(
                code="BENCH-DB", name="基准低保", need=Need.SUBSISTENCE, body=body,
                period=Period.MONTH, amount=Decimal(800),
            )
        )  # fmt: skip
    return body


def _bench_file(rows: int, kind: str, seed: int) -> tuple[str, bytes]:
    from sanfu.lib.idnumber import id_number_check_char

    rng = random.Random(seed)  # noqa: S311 - reproducible benchmark data
    surnames, given = (
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林",
        "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华",
    )
    header: list[object] = ["姓名", "身份证号", "联系电话", "项目", "发放金额", "发放日期"]
    table: list[list[object]] = [header]
    born = date(1940, 1, 1)
    for n in range(rows):
        day = born + timedelta(days=n // 1000)
        first17 = f"330299{day:%Y%m%d}{n % 1000:03d}"
        number = first17 + id_number_check_char(first17)
        if n % 100 == 99:
            number = number[:-1] + ("0" if number[-1] != "0" else "1")  # 1% refused
        name = rng.choice(surnames) + rng.choice(given) + rng.choice(given)
        phone = f"13{n:09d}"
        table.append([name, number, phone, "BENCH-DB", "800", f"2025-{1 + n % 12:02d}-15"])
    if kind == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        for row in table:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        return f"bench-{rows}.xlsx", out.getvalue()
    text = io.StringIO()
    csv.writer(text).writerows(table)
    return f"bench-{rows}.csv", text.getvalue().encode("utf-8")

"""Uploading and importing a batch: one file, checked row by row, written in bulk.

A batch is processed in chunks, each its own transaction: a row is written whole or not at all,
progress is visible to other connections while it runs, and a batch cut short is simply run
again — rows already written are recognised by their natural key and not written twice.
No query runs per row: lookups are loaded once, existing keys are fetched once per chunk.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.assistance.imports import cells
from sanfu.assistance.imports.fields import check_mapping, find_layout, guess_columns
from sanfu.assistance.imports.read import Row, read_table
from sanfu.assistance.imports.rows import (
    Clean,
    Lookups,
    RowChecker,
    RowRefused,
    RowSkipped,
    row_checker,
)
from sanfu.assistance.models import (
    BatchState,
    ColumnMapping,
    ImportBatch,
    Programme,
    RowIssue,
    SourceRecord,
)
from sanfu.directory.models import TOWN_KINDS, Unit, UnitKind, User
from sanfu.lib.errors import ApplicationError, Conflict, ValidationFailed

CHUNK = 5000
LAYOUT_ROWS = 30  # the header row must be among the first this many
SOURCE_KINDS = frozenset({UnitKind.DEPARTMENT, UnitKind.SOCIAL_ORG, *TOWN_KINDS})
MAX_FILE_BYTES = 64 * 1024 * 1024
# A running batch that has written nothing for this long lost its process (killed, crashed):
# `sanfu sweep` takes it over. A chunk takes seconds, so a live import is never this quiet.
STALE_AFTER = timedelta(minutes=10)

logger = logging.getLogger(__name__)

Progress = Callable[[ImportBatch], None]


def check_source(source: Unit) -> Unit:
    if source.kind not in SOURCE_KINDS:
        raise ValidationFailed(
            _("Only a department, a town or a social organisation gives aid."), field="source"
        )
    return source


@transaction.atomic
def mapping_save(
    *, source: Unit, name: str, columns: Mapping[str, object], defaults: Mapping[str, object]
) -> ColumnMapping:
    """Create or replace a body's named column mapping."""
    check_source(source)
    name = " ".join(name.split())
    if not name or len(name) > 50:
        raise ValidationFailed(_("Give the mapping a name of at most 50 characters."), field="name")
    cleaned = check_mapping(columns, defaults)
    clean_defaults = {key: str(value).strip() for key, value in defaults.items()}
    lookups = _lookups(source, clean_defaults)
    if "programme" in clean_defaults and not lookups.programmes.get(clean_defaults["programme"]):
        raise ValidationFailed(
            _("Unknown programme “%(value)s” (not one of this body's programmes).")
            % {"value": clean_defaults["programme"]},
            field="defaults",
        )
    try:
        if "given_on" in clean_defaults:
            cells.day(clean_defaults["given_on"], allow_month=True)
        if "amount" in clean_defaults:
            cells.money(clean_defaults["amount"], label=_("Amount"))
        if "status" in clean_defaults:
            cells.status(clean_defaults["status"])
    except cells.CellError as error:
        raise ValidationFailed(error.message, field="defaults") from None
    mapping, _created = ColumnMapping.objects.update_or_create(
        source=source, name=name, defaults={"columns": cleaned, "defaults": clean_defaults}
    )
    return mapping


def mapping_guess(*, source: Unit, file_name: str, data: bytes) -> ColumnMapping:
    """A mapping from the usual header names, saved as the body's "auto" mapping."""
    table = read_table(file_name, data)
    head = list(itertools.islice(table.rows, LAYOUT_ROWS))
    best: dict[str, str] = {}
    for _number, values in head:
        guess = guess_columns(values)
        if len(guess) > len(best):
            best = guess
    return mapping_save(source=source, name="auto", columns=best, defaults={})


def batch_upload(
    *, source: Unit, mapping: ColumnMapping, file_name: str, data: bytes, user: User | None
) -> tuple[ImportBatch, bool]:
    """Keep an uploaded file as a pending batch; the same content again is the same batch."""
    check_source(source)
    if mapping.source_id != source.pk:
        raise ValidationFailed(_("This mapping belongs to another body."), field="mapping")
    if not data:
        raise ValidationFailed(_("The file is empty."), field="file")
    if len(data) > MAX_FILE_BYTES:
        raise ValidationFailed(_("The file is larger than 64 MB."), field="file")
    digest = hashlib.sha256(data).hexdigest()
    existing = ImportBatch.objects.filter(source=source, sha256=digest).first()
    if existing is not None:
        return existing, False
    batch = ImportBatch(
        source=source,
        mapping=mapping,
        file_name=file_name[-200:] or "upload",
        sha256=digest,
        uploaded_by=user,
    )
    batch.file.save(f"{digest[:16]}-{file_name[-80:]}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            batch.save()
    except IntegrityError:
        # The same file uploaded twice at once: the other upload won.
        batch.file.delete(save=False)
        return ImportBatch.objects.get(source=source, sha256=digest), False
    return batch, True


def _lookups(source: Unit, defaults: Mapping[str, str]) -> Lookups:
    programmes: dict[str, int] = {}
    for pk, code, name in Programme.objects.filter(body=source).values_list("pk", "code", "name"):
        programmes[code] = programmes[code.upper()] = programmes["".join(name.split())] = pk
    towns: dict[str, int] = {}
    for pk, code, name in Unit.objects.filter(kind__in=TOWN_KINDS).values_list(
        "pk", "code", "name"
    ):
        towns[code] = towns[name] = pk
        for suffix in ("街道", "镇", "乡"):
            if name.endswith(suffix) and len(name) > len(suffix) + 1:
                towns.setdefault(name.removesuffix(suffix), pk)
    return Lookups(programmes=programmes, towns=towns, defaults=defaults)


def _abandoned(now: datetime) -> Q:
    """Running batches with no sign of life for STALE_AFTER: their process is gone."""
    silent = Q(heartbeat_at__lt=now - STALE_AFTER) | Q(heartbeat_at__isnull=True)
    return Q(state=BatchState.RUNNING) & silent


def batch_claim(batch_id: int) -> bool:
    """Take a batch for processing; False if another process has it.

    One conditional UPDATE decides: of several processes claiming the same batch, exactly one
    changes the row. The claim draws a new runner token, so a process whose batch was taken
    over (it stayed silent longer than STALE_AFTER) finds out at its next write and stops.
    """
    now = timezone.now()
    claimed = (
        ImportBatch.objects.filter(pk=batch_id)
        .filter(Q(state__in=[BatchState.PENDING, BatchState.FAILED]) | _abandoned(now))
        .update(state=BatchState.RUNNING, error="", runner=uuid.uuid4().hex, heartbeat_at=now)
    )
    return claimed == 1


def batches_claimable() -> QuerySet[ImportBatch]:
    """Waiting batches, and running ones whose process died (no progress for STALE_AFTER)."""
    waiting = Q(state=BatchState.PENDING) | _abandoned(timezone.now())
    return ImportBatch.objects.filter(waiting).order_by("created_at", "pk")


class BatchLost(Exception):
    """Another process took the batch over; this one must stop writing to it."""


def batch_process(*, batch: ImportBatch, progress: Progress | None = None) -> ImportBatch:
    """Import a batch this process has claimed. Counters and issues start afresh each run.

    Any error stops the batch as failed, with the reason on its page; the chunk being written
    is rolled back whole, the chunks before it stay (a new run recognises their rows).
    """
    batch.refresh_from_db()
    if batch.state != BatchState.RUNNING or not batch.runner:
        raise Conflict(_("This batch has not been claimed for importing."))
    token = batch.runner
    try:
        with transaction.atomic():
            _heartbeat(batch, token, fields={})
            batch.issues.all().delete()
        batch.kept = batch.refused = batch.duplicates = batch.skipped = batch.processed_rows = 0
        with batch.file.open("rb") as handle:
            data = handle.read()
        table = read_table(batch.file_name, data)
        batch.total_rows = table.total
        head = list(itertools.islice(table.rows, LAYOUT_ROWS))
        columns: dict[str, str] = dict(batch.mapping.columns)
        layout = find_layout(head, columns)
        lookups = _lookups(batch.source, dict(batch.mapping.defaults))
        rows = itertools.chain((row for row in head if row[0] > layout.header_row), table.rows)
        batch.processed_rows = min(layout.header_row, batch.total_rows)
        seen: dict[str, int] = {}
        check = row_checker(layout, columns, lookups)
        for chunk in _chunks(rows):
            _import_chunk(batch, token, chunk, check, seen)
            if progress is not None:
                progress(batch)
    except BatchLost:
        batch.refresh_from_db()
        return batch
    except ApplicationError as error:
        return _finish(batch, token, BatchState.FAILED, error.message)
    except Exception as error:  # whatever stops it, the batch must not stay running
        logger.exception("import batch %s failed", batch.pk)
        return _finish(batch, token, BatchState.FAILED, _failure_message(error))
    return _finish(batch, token, BatchState.DONE, "")


def _failure_message(error: Exception) -> str:
    if isinstance(error, IntegrityError):
        return _(
            "The import stopped: the database refused a row (%(error)s). Rows before this "
            "chunk are kept; run the import again."
        ) % {"error": str(error)[:300]}
    if isinstance(error, OSError):
        return _("The import stopped: the uploaded file cannot be read (%(error)s).") % {
            "error": error.strerror or error
        }
    return _("The import stopped unexpectedly (%(error)s); run it again.") % {
        "error": f"{type(error).__name__}: {str(error)[:300]}"
    }


def _chunks(rows: Iterator[Row]) -> Iterator[list[Row]]:
    while chunk := list(itertools.islice(rows, CHUNK)):
        yield chunk


_COUNTERS = ("kept", "refused", "duplicates", "skipped", "processed_rows", "total_rows")


def _heartbeat(batch: ImportBatch, token: str, *, fields: Mapping[str, object]) -> None:
    """Write `fields` and the heartbeat if the batch is still ours, else raise BatchLost."""
    now = timezone.now()
    changed = ImportBatch.objects.filter(
        pk=batch.pk, state=BatchState.RUNNING, runner=token
    ).update(heartbeat_at=now, **fields)
    if changed != 1:
        raise BatchLost
    batch.heartbeat_at = now


def _finish(batch: ImportBatch, token: str, state: str, error: str) -> ImportBatch:
    batch.state, batch.error, batch.finished_at = state, error, timezone.now()
    batch.processed_rows = batch.total_rows = max(batch.processed_rows, batch.total_rows)
    fields = {name: getattr(batch, name) for name in _COUNTERS}
    with contextlib.suppress(BatchLost):  # taken over: the new runner writes the outcome
        _heartbeat(
            batch,
            token,
            fields={**fields, "state": state, "error": error, "finished_at": batch.finished_at},
        )
    batch.refresh_from_db()
    return batch


def _import_chunk(
    batch: ImportBatch,
    token: str,
    chunk: list[Row],
    check: RowChecker,
    seen: dict[str, int],
) -> None:
    good: list[tuple[int, Clean]] = []
    issues: list[RowIssue] = []
    refused = skipped = 0
    for number, values in chunk:
        try:
            good.append((number, check(values)))
        except RowSkipped as skip:
            skipped += 1
            if values and any(cells.text(v) for v in values):
                issues.append(
                    RowIssue(batch=batch, row=number, message=skip.message[:300], refused=False)
                )
        except RowRefused as refusal:
            refused += 1
            issues.append(
                RowIssue(
                    batch=batch,
                    row=number,
                    column=refusal.column[:100],
                    message=refusal.message[:300],
                )
            )
    # Rows repeated inside the file are reported here, before the database is asked.
    unique: list[tuple[int, Clean]] = []
    repeated = 0
    for number, clean in good:
        first = seen.get(clean.natural_key)
        if first is not None:
            repeated += 1
            issues.append(
                RowIssue(
                    batch=batch,
                    row=number,
                    message=(_("The same record as row %(row)d; imported once.") % {"row": first})[
                        :300
                    ],
                    refused=False,
                )
            )
            continue
        seen[clean.natural_key] = number
        unique.append((number, clean))
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                counters = _write_chunk(
                    batch, token, chunk, unique, issues, refused, skipped, repeated
                )
        except IntegrityError:
            # Only a writer that bypasses the body's lock can get here; the keys it wrote are
            # seen on the second try.
            if attempt == 2:
                raise
        else:
            # Only once the chunk is written does the batch in memory move on.
            for name, value in counters.items():
                setattr(batch, name, value)
            return


def _write_chunk(
    batch: ImportBatch,
    token: str,
    chunk: list[Row],
    unique: list[tuple[int, Clean]],
    issues: list[RowIssue],
    refused: int,
    skipped: int,
    repeated: int,
) -> dict[str, int]:
    """One transaction: the body's import lock, the keys already there, the new rows, the
    issues and the counters — all of it or none."""
    # One import per body writes at a time (PostgreSQL: a row lock on the body that does not
    # block rows referring to it; SQLite: its write lock, taken at BEGIN IMMEDIATE). Under the
    # lock the keys read below include every row another batch of the body has committed.
    list(Unit.objects.select_for_update(no_key=True).filter(pk=batch.source_id).values("pk"))
    existing = _existing_keys(batch.source_id, [clean.natural_key for _n, clean in unique])
    new: list[tuple[int, Clean]] = []
    kept = duplicates = 0
    for number, clean in unique:
        if clean.natural_key not in existing:
            new.append((number, clean))
        elif existing[clean.natural_key] == batch.pk:
            kept += 1  # written by an earlier run of this batch that was cut short
        else:
            duplicates += 1
    _insert(batch, new)
    RowIssue.objects.bulk_create(issues, batch_size=1000)
    processed = batch.processed_rows + len(chunk)
    counters = {
        "kept": batch.kept + kept + len(new),
        "refused": batch.refused + refused,
        "duplicates": batch.duplicates + duplicates + repeated,
        "skipped": batch.skipped + skipped,
        "processed_rows": processed,
        "total_rows": max(batch.total_rows, processed),
    }
    _heartbeat(batch, token, fields=counters)
    return counters


def _existing_keys(source_id: int, keys: list[str]) -> dict[str, int | None]:
    """Natural key -> batch of the body's records with one of `keys`, in one query whose
    parameters are passed as they are (the ORM resolves each of thousands of IN values)."""
    if not keys:
        return {}
    quote = connection.ops.quote_name
    table = quote(SourceRecord._meta.db_table)
    select = f"SELECT natural_key, batch_id FROM {table} WHERE source_id = %s AND natural_key"  # noqa: S608 - constant names
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One look-up in the unique index per key, whatever the statistics say: right
            # after a bulk import they say the body has a few rows, and the planner would
            # otherwise read all of the body's rows for every chunk.
            cursor.execute(
                "SELECT r.natural_key, r.batch_id FROM unnest(%s::text[]) AS k(key) "  # noqa: S608 - constant names
                f"CROSS JOIN LATERAL (SELECT natural_key, batch_id FROM {table} "
                "WHERE source_id = %s AND natural_key = k.key LIMIT 1) AS r",
                [keys, source_id],
            )
        else:
            cursor.execute(f"{select} IN ({', '.join(['%s'] * len(keys))})", [source_id, *keys])
        return dict(cursor.fetchall())


# The columns written for each new record, in order; the rest keep their defaults.
_COLUMNS = (
    "source_id", "batch_id", "row", "natural_key", "kind", "name", "id_number", "phone",
    "birth_date", "address", "town_id", "household", "programme_id", "amount", "given_on",
    "status", "disability_grade", "income_per_head", "match_evidence", "created_at",
)  # fmt: skip


def _insert(batch: ImportBatch, new: list[tuple[int, Clean]]) -> None:
    """The chunk's rows: COPY on PostgreSQL, executemany of one INSERT elsewhere.

    The ORM's bulk_create spends most of an import building SQL and adapting values field by
    field; here the values are already clean, so they are adapted once per type. The database
    constraints still check every row.
    """
    if not new:
        return
    meta = SourceRecord._meta
    ops = connection.ops
    columns = _COLUMNS  # the fields' attnames, which are their column names
    evidence = meta.get_field("match_evidence").get_db_prep_save({}, connection)
    created = meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
    quote = ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    head = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES "  # noqa: S608 - constant names, values are parameters
    day = ops.adapt_datefield_value
    money = ops.adapt_decimalfield_value
    params = [
        (
            batch.source_id, batch.pk, number, clean.natural_key, clean.kind, clean.name,
            clean.id_number, clean.phone, day(clean.birth_date), clean.address, clean.town_id,
            clean.household, clean.programme_id, money(clean.amount, 12, 2), day(clean.given_on),
            clean.status, clean.disability_grade, money(clean.income_per_head, 10, 2), evidence,
            created,
        )
        for number, clean in new
    ]  # fmt: skip
    if connection.vendor == "postgresql":
        _copy(meta.db_table, columns, params)
        return
    with connection.cursor() as cursor:
        # SQLite runs in-process: executemany of a one-row INSERT is its fastest way.
        cursor.executemany(head + one, params)


def _copy(table: str, columns: tuple[str, ...], params: list[tuple[Any, ...]]) -> None:
    """PostgreSQL's COPY: several times faster than INSERT for thousands of rows."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        raw: Any = cursor.cursor  # psycopg's own cursor under Django's wrapper
        with raw.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
            for row in params:
                copy.write_row(row)

"""Writing synthetic cases to PostgreSQL fast: COPY, a writer thread, set-wise reference checks.

Three things make a million cases fit in minutes on two cores:

- COPY for cases, events and assignments, with LZ4 for the long texts where the server has it
  (`default_toast_compression` is a per-session setting; the default pglz spent most of the
  server's time compressing the messages).
- A writer thread with its own connection: while it streams batch k, the main thread builds
  batch k+1, so Python and the server work at the same time. Batches are still written and
  committed one after another, in order. Inside a caller's transaction (a test) everything
  runs on the caller's connection instead, one batch after another.
- Foreign keys checked once per batch rather than once per row. A foreign-key check is a
  trigger that looks up the referenced row and locks it (FOR KEY SHARE) for every referencing
  row: about 25 lookups per case, most of the server's time. Where the role may switch triggers
  off for its session (`session_replication_role`, what pg_restore --disable-triggers uses),
  each batch is written without them and then checked as a set: every referenced id is looked
  up and locked the same way, once. Where it may not, the triggers run as usual (slower).
  Unique and check constraints apply either way.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from queue import Queue
from typing import Any

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import ForeignKey
from psycopg.copy import Copy, FileWriter
from psycopg.types.json import set_json_dumps

from sanfu.cases.models import Assignment, Case, CaseEvent
from sanfu.ops.synthetic.draft import Arrival, Draft
from sanfu.ops.synthetic.writer import ASSIGNMENT_FIELDS, EVENT_FIELDS, Columns, Done, Make

# (referenced table, referenced column) -> where ids pointing at it sit: (rows, position).
References = dict[tuple[str, str], list[tuple[str, int]]]


@dataclass
class Prepared:
    """A batch ready to send: its drafts, each table's COPY data, the ids it refers to."""

    drafts: list[Draft]
    data: dict[str, bytes]
    references: dict[tuple[str, str], list[Any]]


class PostgresWriter:
    def __init__(self) -> None:
        self.columns = columns = Columns()
        self._copies = [
            (name, _copy_sql(table, names), _column_types(table, names))
            for name, table, names in (
                ("case", columns.case_table, columns.case_columns),
                ("event", columns.event_table, columns.event_columns),
                ("assignment", columns.assignment_table, columns.assignment_columns),
            )
        ]
        self.references = _references()
        # Whether the session settings are allowed; None until first tried.
        self._triggers_off: bool | None = None
        self._lz4: bool | None = None

    def write_all(self, batches: Iterable[Sequence[Arrival]], make: Make, done: Done) -> None:
        if connection.in_atomic_block:
            for batch in batches:
                with transaction.atomic():
                    prepared = self._prepare(make(self._reserve_ids(len(batch)), batch))
                    self._send(prepared)
                done(prepared.drafts)
            return
        self._write_pipelined(batches, make, done)

    def _write_pipelined(
        self, batches: Iterable[Sequence[Arrival]], make: Make, done: Done
    ) -> None:
        # One batch waiting at most: memory stays at a few batches, and a failure stops soon.
        queue: Queue[Prepared | None] = Queue(maxsize=1)
        failures: list[BaseException] = []
        thread = threading.Thread(
            target=self._drain, args=(queue, done, failures), name="sanfu-seed-cases-writer"
        )
        thread.start()
        try:
            for batch in batches:
                if failures:
                    break
                queue.put(self._prepare(make(self._reserve_ids(len(batch)), batch)))
        finally:
            queue.put(None)
            thread.join()
        if failures:
            raise failures[0]

    def _drain(
        self, queue: Queue[Prepared | None], done: Done, failures: list[BaseException]
    ) -> None:
        """The writer thread: send each batch in its own transaction, on its own connection.

        It only sends bytes the main thread formatted, so it needs the interpreter lock for
        moments at a time and the server is kept busy while the next batch is built.
        """
        try:
            while (prepared := queue.get()) is not None:
                if failures:
                    continue  # keep taking batches so the main thread never blocks
                try:
                    with transaction.atomic():
                        self._send(prepared)
                    done(prepared.drafts)
                except BaseException as exc:
                    failures.append(exc)
        finally:
            connection.close()

    def _reserve_ids(self, count: int) -> list[int]:
        # Sequence values are never handed out twice, whatever else inserts meanwhile.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [self.columns.case_table, count],
            )
            return sorted(row[0] for row in cursor.fetchall())

    def _prepare(self, drafts: list[Draft]) -> Prepared:
        """Format the batch as binary COPY data, and list the rows it refers to."""
        columns = self.columns
        rows: dict[str, list[tuple[Any, ...]]] = {
            "case": [columns.case_row(draft) for draft in drafts],
            "event": [event for draft in drafts for event in draft.events],
            "assignment": [row for draft in drafts for row in columns.assignment_rows(draft)],
        }
        data: dict[str, bytes] = {}
        with connection.cursor() as wrapper:
            # A psycopg cursor only lends its type adapters here; nothing is executed.
            cursor = wrapper.cursor
            # The events' data is JSON text already: the jsonb dumper sends it as it is.
            set_json_dumps(_as_is, cursor)
            for name, _sql, types in self._copies:
                buffer = io.BytesIO()
                with Copy(cursor, binary=True, writer=FileWriter(buffer)) as copy:
                    copy.set_types(types)
                    for row in rows[name]:
                        copy.write_row(row)
                data[name] = buffer.getvalue()
        return Prepared(drafts, data, self._referenced(rows, {draft.id for draft in drafts}))

    def _referenced(
        self, rows: dict[str, list[tuple[Any, ...]]], new_cases: set[int]
    ) -> dict[tuple[str, str], list[Any]]:
        referenced: dict[tuple[str, str], list[Any]] = {}
        for (table, column), places in self.references.items():
            wanted: set[Any] = set()
            for name, position in places:
                wanted.update(row[position] for row in rows[name])
            wanted.discard(None)
            if table == self.columns.case_table:
                wanted -= new_cases  # written in the same transaction
            if wanted:
                referenced[(table, column)] = sorted(wanted)
        return referenced

    def _send(self, prepared: Prepared) -> None:
        with connection.cursor() as wrapper:
            triggers_off = self._session_settings(wrapper)
            # The psycopg cursor under Django's wrapper: COPY is not part of the DB-API.
            cursor = wrapper.cursor
            for name, sql, _types in self._copies:
                with cursor.copy(sql) as copy:
                    copy.write(prepared.data[name])
            if triggers_off:
                _check_references(wrapper, prepared.references)

    def _session_settings(self, cursor: Any) -> bool:
        """Set this transaction's fast settings where allowed; True if triggers are off."""
        if self._lz4 is not False:
            self._lz4 = _try(cursor, "SET LOCAL default_toast_compression = 'lz4'")
        if self._triggers_off is not False:
            self._triggers_off = _try(cursor, "SET LOCAL session_replication_role = replica")
        return bool(self._triggers_off)

    def finish(self) -> None:
        # Fresh statistics, so the sweep and the lists plan with the new row counts at once.
        quote = connection.ops.quote_name
        columns = self.columns
        with connection.cursor() as cursor:
            for table in (columns.case_table, columns.event_table, columns.assignment_table):
                cursor.execute(f"ANALYZE {quote(table)}")


def _check_references(cursor: Any, references: dict[tuple[str, str], list[Any]]) -> None:
    """What the foreign-key triggers would have checked, once per referenced row.

    Each referenced row is looked up and locked FOR KEY SHARE, as the triggers do, so it
    cannot be deleted before this transaction commits.
    """
    quote = connection.ops.quote_name
    for (table, column), wanted in references.items():
        cursor.execute(
            f"SELECT {quote(column)} FROM {quote(table)} "  # noqa: S608 - quoted names
            f"WHERE {quote(column)} = ANY(%s) FOR KEY SHARE",
            [wanted],
        )
        missing = set(wanted) - {found for (found,) in cursor.fetchall()}
        if missing:
            raise IntegrityError(
                f"synthetic cases refer to missing rows of {table}: {sorted(missing)[:10]}"
            )


def _try(cursor: Any, sql: str) -> bool:
    """Run `sql` in a savepoint; False if the server refuses it (a setting not allowed)."""
    try:
        with transaction.atomic():
            cursor.execute(sql)
    except DatabaseError:
        return False
    return True


def _copy_sql(table: str, columns: Sequence[str]) -> str:
    # Binary: no escaping of the long texts, no parsing of timestamps as text, on either side.
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    return f"COPY {quote(table)} ({names}) FROM STDIN (FORMAT BINARY)"


def _column_types(table: str, columns: Sequence[str]) -> list[int]:
    """The type oid of each column, which a binary COPY must send values as."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, atttypid FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [connection.ops.quote_name(table)],
        )
        types = dict(cursor.fetchall())
    return [int(types[column]) for column in columns]


def _as_is(value: Any) -> str:
    text: str = value
    return text


def _references() -> References:
    """Every foreign key of the rows written, by the table and column it points at."""
    references: References = {}
    sources: list[tuple[str, Any, Sequence[str]]] = [
        ("case", Case, [field.name for field in Case._meta.concrete_fields]),
        ("event", CaseEvent, EVENT_FIELDS),
        ("assignment", Assignment, ASSIGNMENT_FIELDS),
    ]
    for name, model, fields in sources:
        for position, field_name in enumerate(fields):
            field = model._meta.get_field(field_name)
            if isinstance(field, ForeignKey):
                target = field.target_field
                key = (target.model._meta.db_table, target.column)
                references.setdefault(key, []).append((name, position))
    return references

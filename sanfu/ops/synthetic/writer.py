"""Writing synthetic cases in batches: the rows of each model, and SQLite's way of writing them.

This and sanfu.ops.synthetic.postgres are the one place besides sanfu.cases.events that
writes the case timeline. A million cases through events.append would take hours; the rows
written here are the ones the services would have appended (sanfu.ops.synthetic.life builds
them step by step), only many at once.

Case ids are taken before a batch's rows are built, because events, assignments and merged
duplicates refer to them. Events and assignments get their ids from the database as usual.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from operator import itemgetter
from typing import Any, Protocol

from django.db import connection, transaction
from django.db.models import Field

from sanfu.cases.models import Assignment, Case, CaseEvent
from sanfu.ops.synthetic.draft import Arrival, Draft

# Columns the generator always fills; any other column must be nullable or have a default.
FILLED = frozenset(
    {
        "id", "county_id", "number", "tracking_token", "requester_kind", "channel",
        "category_id", "priority", "title", "text", "location_unit_id", "state",
        "desk_unit_id", "received_at",
    }
)  # fmt: skip
EVENT_FIELDS = (
    "case", "kind", "at", "actor", "actor_unit", "from_state", "to_state", "note", "data",
)  # fmt: skip
ASSIGNMENT_FIELDS = (
    "case",
    "unit",
    "role",
    "active",
    "assigned_at",
    "signed_at",
    "sign_deadline",
    "reply_deadline",
    "opinion",
)

# Builds a batch's drafts from their case ids and arrivals; told when a batch is written.
Make = Callable[[list[int], Sequence[Arrival]], list[Draft]]
Done = Callable[[list[Draft]], None]


class Writer(Protocol):
    def write_all(self, batches: Iterable[Sequence[Arrival]], make: Make, done: Done) -> None:
        """Build and write every batch, each in its own transaction, in order."""

    def finish(self) -> None: ...


def writer_for_connection() -> Writer:
    if connection.vendor == "postgresql":
        from sanfu.ops.synthetic.postgres import PostgresWriter

        return PostgresWriter()
    return SqliteWriter()


class Columns:
    """Each model's columns in table order, and how to turn a draft into its rows."""

    def __init__(self) -> None:
        self.case_table = Case._meta.db_table
        fields = Case._meta.concrete_fields
        self.case_columns = [field.column for field in fields]
        defaults: dict[str, Any] = {}
        for field in fields:
            default = None if field.null else field.get_default()
            if isinstance(default, dict | list):
                default = json.dumps(default)
            if default is None and not field.null and field.attname not in FILLED:
                raise RuntimeError(
                    f"Case.{field.name} has no default and the synthetic generator does not "
                    "fill it: teach sanfu.ops.synthetic about it"
                )
            defaults[field.attname] = default
        self._defaults = defaults
        self._pick = itemgetter(*defaults)
        self.event_table = CaseEvent._meta.db_table
        self.event_columns = [_column(CaseEvent, name) for name in EVENT_FIELDS]
        self.assignment_table = Assignment._meta.db_table
        self.assignment_columns = [_column(Assignment, name) for name in ASSIGNMENT_FIELDS]

    def case_row(self, draft: Draft) -> tuple[Any, ...]:
        # One dict merge and one C-level pick per case instead of a lookup per column.
        row: tuple[Any, ...] = self._pick({**self._defaults, **draft.v})
        return row

    @staticmethod
    def assignment_rows(draft: Draft) -> list[tuple[Any, ...]]:
        return [
            (
                draft.id,
                a.unit,
                a.role,
                a.active,
                a.assigned_at,
                a.signed_at,
                a.sign_deadline,
                a.reply_deadline,
                a.opinion,
            )
            for a in draft.assignments
        ]


def _column(model: type[Case] | type[CaseEvent] | type[Assignment], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, Field):  # pragma: no cover - the names above are columns
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field.column


def insert_sql(table: str, columns: Sequence[str]) -> str:
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    marks = ", ".join(["%s"] * len(columns))
    return f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # noqa: S608 - quoted names


class SqliteWriter:
    """executemany in one transaction per batch; SQLite has one writer at a time anyway."""

    def __init__(self) -> None:
        self.columns = columns = Columns()
        self._insert_cases = insert_sql(columns.case_table, columns.case_columns)
        self._insert_events = insert_sql(columns.event_table, columns.event_columns)
        self._insert_assignments = insert_sql(columns.assignment_table, columns.assignment_columns)

    def write_all(self, batches: Iterable[Sequence[Arrival]], make: Make, done: Done) -> None:
        for batch in batches:
            with transaction.atomic():
                drafts = make(self._reserve_ids(len(batch)), batch)
                self._write(drafts)
            done(drafts)

    def _reserve_ids(self, count: int) -> list[int]:
        """The ids after the largest, taken once this transaction holds the write lock."""
        table = self.columns.case_table
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            # Any write takes SQLite's one write lock until the transaction ends, so no other
            # writer can take these ids before our rows are in.
            cursor.execute("UPDATE sqlite_sequence SET seq = seq WHERE name = %s", [table])
            cursor.execute(f"SELECT MAX(id) FROM {quote(table)}")  # noqa: S608 - a quoted name
            largest = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
        # AUTOINCREMENT never reuses an id, even a deleted row's: start after both.
        start = max(largest, row[0] if row else 0) + 1
        return list(range(start, start + count))

    def _write(self, drafts: Sequence[Draft]) -> None:
        columns = self.columns
        with connection.cursor() as cursor:
            cursor.executemany(
                self._insert_cases, [_sqlite(list(columns.case_row(d))) for d in drafts]
            )
            cursor.executemany(
                self._insert_events, [_sqlite(list(e)) for d in drafts for e in d.events]
            )
            cursor.executemany(
                self._insert_assignments,
                [_sqlite(list(row)) for d in drafts for row in columns.assignment_rows(d)],
            )

    def finish(self) -> None:
        pass


def _sqlite(row: list[Any]) -> list[Any]:
    """Values as Django stores them in SQLite: datetimes as naive UTC text, decimals as text."""
    adapt = connection.ops.adapt_datetimefield_value
    for index, value in enumerate(row):
        if isinstance(value, datetime):
            row[index] = adapt(value)
        elif isinstance(value, Decimal):
            row[index] = str(value)
    return row

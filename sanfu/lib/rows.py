"""One row in, one row out, without compiling a query each time: for the hottest writes and reads.

`Model.objects.create()` spends most of its time compiling the INSERT (resolving every field as
a possible expression, quoting, placeholders) for a statement that is the same every time;
`.filter(...).first()` does the same for a SELECT. On intake, which writes four or five rows
and reads two or three per request, that compiling cost more than the database did (issue 21).
Here the statement's text is built once per model and database vendor and kept (it is not a
server-side prepared statement: the driver still sends it each time); each call only turns the
instance's values into parameters, the way Django's compiler does (`pre_save`, then
`get_db_prep_save`), so defaults, `auto_now_add` and JSON fields behave as with `save()`.

No signals are sent and no overridden `save()` runs: use these only for models nothing listens
to, whose `save()` adds nothing to a new row.

Held rows (`rows_held`, `row_add`): on PostgreSQL every statement is a round trip to the server,
and intake writes five rows nobody reads back (the case, whose id came with its number, its
first event, the queued work, Open311's extras). Inside `rows_held()` those INSERTs are held and
sent together as one query (PostgreSQL's simple protocol runs several statements in one
message) — before any other statement of the connection runs, so the order of writes is the
order of the code, and at the block's end, inside the caller's transaction. On SQLite, in the
same process, a statement costs no trip: rows are written at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections, models, router, transaction

try:  # PostgreSQL's driver; absent where only SQLite is used
    from psycopg import _queries as _psycopg_queries
except ImportError:  # pragma: no cover
    _psycopg_queries = None  # type: ignore[assignment]

# psycopg merges parameters into the text client-side (Django's default) and keeps the parsed
# form of a statement in a cache only up to 50 parameters and 4 KB; a case's INSERT has more
# and was parsed again on every intake, and the held rows (below) together ~100 parameters:
# about 1.5 ms of CPU per intake. Statements built here are the same every time, so the cache
# is widened for them (a module setting of the driver, read on each call; where a future
# version lacks it, this only costs speed).
for _name, _wider in (("MAX_CACHED_STATEMENT_PARAMS", 400), ("MAX_CACHED_STATEMENT_LENGTH", 32768)):
    if _psycopg_queries is not None and getattr(_psycopg_queries, _name, _wider) < _wider:
        setattr(_psycopg_queries, _name, _wider)

M = TypeVar("M", bound=models.Model)
Convert = Callable[[Any], Any]
Key = tuple[type[models.Model], str]  # the model and the database vendor

_inserts: dict[tuple[type[models.Model], str, bool, bool], tuple[str, list[Any]]] = {}
_selects: dict[Key, tuple[str, list[str], list[Convert]]] = {}
# The rows held by the innermost `rows_held()` of each database alias, in this thread or task.
_held: ContextVar[dict[str, list[Held]] | None] = ContextVar("sanfu_rows_held", default=None)


def _insert_statement(
    model: type[models.Model], alias: str, *, key: bool = False, returning: bool = True
) -> tuple[str, list[Any]]:
    """The INSERT of a new row: with the primary key's column among the values (`key`, a key
    the caller chose) or left to the database, RETURNING it or not."""
    connection = connections[alias]
    found = _inserts.get((model, connection.vendor, key, returning))
    if found is None:
        meta = model._meta
        fields = [f for f in meta.local_concrete_fields if key or f is not meta.auto_field]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        statement = (
            f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608 - the model's names
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        if returning:
            statement += f" RETURNING {quote(meta.pk.column)}"
        found = (statement, fields)
        _inserts[(model, connection.vendor, key, returning)] = found
    return found


def row_insert(obj: M) -> M:
    """INSERT `obj` (a new instance with an automatic primary key) and set its primary key;
    as `obj.save()` would, without signals."""
    if not obj._state.adding or obj.pk is not None:
        raise ValueError(f"row_insert writes new rows only, not {obj!r}")
    model = type(obj)
    alias = router.db_for_write(model)
    connection = connections[alias]
    sql, fields = _insert_statement(model, alias)
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection=connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (pk,) = cursor.fetchone()
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = alias
    return obj


@dataclass(frozen=True)
class Held:
    """A statement held by `rows_held()`, and what to do with its rows once sent (if any)."""

    sql: str
    params: list[Any]
    on_rows: Callable[[list[tuple[Any, ...]]], None] | None = None


def _held_rows(alias: str) -> list[Held] | None:
    held = _held.get()
    return None if held is None else held.get(alias)


def row_values(obj: models.Model, *, key: bool) -> tuple[str, list[Any]]:
    """The INSERT of `obj` without RETURNING (with its primary key's column when `key`) and its
    parameters, as `row_add` sends it: for a caller that builds a statement around it."""
    model = type(obj)
    alias = router.db_for_write(model)
    sql, fields = _insert_statement(model, alias, key=key, returning=False)
    connection = connections[alias]
    return sql, [f.get_db_prep_save(f.pre_save(obj, True), connection=connection) for f in fields]


def row_add(obj: M) -> M:
    """INSERT `obj`, a new instance, without reading anything back: inside `rows_held()` on
    PostgreSQL the row is held and sent with the others. The primary key is the one set on
    `obj`; left None, the database chooses it and `obj.pk` stays None (use `row_insert` when
    the key is wanted)."""
    if not obj._state.adding:
        raise ValueError(f"row_add writes new rows only, not {obj!r}")
    sql, params = row_values(obj, key=obj.pk is not None)
    alias = router.db_for_write(type(obj))
    statement_add(sql, params, alias=alias)
    obj._state.adding = False
    obj._state.db = alias
    return obj


def statement_add(
    sql: str,
    params: list[Any],
    *,
    on_rows: Callable[[list[tuple[Any, ...]]], None] | None = None,
    alias: str = "default",
) -> None:
    """Run a statement, or inside `rows_held()` hold it and send it with the others; `on_rows`
    gets its rows (RETURNING …) when it has run."""
    rows = _held_rows(alias)
    if rows is not None:
        rows.append(Held(sql, params, on_rows))
        return
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        if on_rows is not None:
            on_rows(cursor.fetchall())


def _send(connection: Any, rows: list[Held], *, commit: bool = False) -> None:
    """The held statements as one query (one message, one trip), then forgotten; each one's
    rows to its `on_rows`. With `commit`, the message ends the transaction too."""
    if not rows and not commit:
        return
    sending = list(rows)
    rows.clear()
    statements = [h.sql for h in sending] + (["COMMIT"] if commit else [])
    with connection.cursor() as cursor:
        cursor.execute(";\n".join(statements), [p for h in sending for p in h.params])
        for number, held in enumerate(sending):
            if number:
                cursor.nextset()
            if held.on_rows is not None:
                held.on_rows(cursor.fetchall())


@contextmanager
def rows_held(alias: str = "default") -> Iterator[None]:
    """Hold `row_add`'s rows (and `statement_add`'s statements) on PostgreSQL and send them
    together (see the module's docstring).

    Use it inside a transaction: the rows are sent at the latest when the block ends, and a
    commit made inside the block would not wait for them. Nested, the outer block sends.
    An error in a held row is raised where they are sent, as the database's own error.
    """
    connection = connections[alias]
    if not connection.in_atomic_block:
        raise RuntimeError("rows_held() needs a transaction")
    with _holding(connection, alias, commit=False):
        yield


@contextmanager
def rows_together(alias: str = "default") -> Iterator[None]:
    """A transaction (`transaction.atomic`, without a savepoint) whose rows are held as in
    `rows_held`; when it is the outermost one, on PostgreSQL, the last message carries the
    COMMIT with the held rows: one trip fewer, and a row lock the rows take (intake's case
    counter) is held only while the server runs them, not while the request waits for its
    turn to send the COMMIT. (Django then finds the transaction ended and commits nothing;
    its on-commit callbacks run as ever.) If the rows fail, the COMMIT is not run and the
    transaction is rolled back like any other."""
    connection = connections[alias]
    outermost = not connection.in_atomic_block
    with (
        transaction.atomic(using=alias, savepoint=False),
        _holding(connection, alias, commit=outermost),
    ):
        yield


@contextmanager
def _holding(connection: Any, alias: str, *, commit: bool) -> Iterator[None]:
    held = _held.get()
    if connection.vendor != "postgresql" or (held is not None and alias in held):
        yield
        return
    rows: list[Held] = []

    def sent_first(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        _send(connection, rows)  # empty (no trip) when nothing is held, or while sending
        return execute(sql, params, many, context)

    token = _held.set({**(held or {}), alias: rows})
    try:
        with connection.execute_wrapper(sent_first):
            yield
            _send(connection, rows, commit=commit and not connection.needs_rollback)
    finally:
        _held.reset(token)


def _select_statement(
    model: type[models.Model], alias: str
) -> tuple[str, list[str], list[Convert]]:
    """The SELECT of every column, their attribute names, and per column the function from the
    database's value to Python's (booleans and dates on SQLite, for example), as the ORM's."""
    connection = connections[alias]
    found = _selects.get((model, connection.vendor))
    if found is None:
        meta = model._meta
        quote = connection.ops.quote_name
        fields = list(meta.concrete_fields)
        converters = []
        for field in fields:
            column = field.get_col(meta.db_table)
            steps = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            converters.append(_chain(steps, column, connection))
        found = (
            f"SELECT {', '.join(quote(f.column) for f in fields)} FROM {quote(meta.db_table)}",  # noqa: S608
            [f.attname for f in fields],
            converters,
        )
        _selects[(model, connection.vendor)] = found
    return found


def _chain(steps: list[Any], column: Any, connection: Any) -> Convert:
    if not steps:
        return lambda value: value

    def convert(value: Any) -> Any:
        for step in steps:
            value = step(value, column, connection)
        return value

    return convert


def row_get(model: type[M], where: str, params: Sequence[Any]) -> M | None:
    """The first row of `model` matching `where` (SQL over its column names, `%s` parameters),
    as an instance; None when there is none. Column names are not quoted: use ones that need
    no quoting."""
    found = rows_get(model, where, params, limit=1)
    return found[0] if found else None


def rows_get(
    model: type[M], where: str, params: Sequence[Any], *, order_by: str = "", limit: int
) -> list[M]:
    """Up to `limit` rows of `model` matching `where`, in `order_by` (SQL) order."""
    alias = router.db_for_read(model)
    select, names, converters = _select_statement(model, alias)
    order = f" ORDER BY {order_by}" if order_by else ""
    with connections[alias].cursor() as cursor:
        cursor.execute(f"{select} WHERE {where}{order} LIMIT {int(limit)}", list(params))
        rows = cursor.fetchall()
    return [
        model.from_db(
            alias, names, [convert(value) for convert, value in zip(converters, row, strict=True)]
        )
        for row in rows
    ]

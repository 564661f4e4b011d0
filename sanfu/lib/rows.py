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
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import connections, models, router

M = TypeVar("M", bound=models.Model)
Convert = Callable[[Any], Any]
Key = tuple[type[models.Model], str]  # the model and the database vendor

_inserts: dict[Key, tuple[str, list[models.Field[Any, Any]]]] = {}
_selects: dict[Key, tuple[str, list[str], list[Convert]]] = {}


def _insert_statement(model: type[models.Model], alias: str) -> tuple[str, list[Any]]:
    connection = connections[alias]
    found = _inserts.get((model, connection.vendor))
    if found is None:
        meta = model._meta
        fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        found = (
            f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608 - the model's names
            f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote(meta.pk.column)}",
            fields,
        )
        _inserts[(model, connection.vendor)] = found
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

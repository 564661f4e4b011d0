"""Model instances from a written-out SELECT, their values converted as the ORM converts them.

A request that hundreds of residents send a second pays more CPU for the ORM compiling its
queries than for anything else it does. Where such a read is written out (names from the
models, values as parameters), `RowReader` lists a model's columns for the SELECT and turns
the row back into an instance, through the same backend and field converters a queryset
applies (SQLite returns dates as text and booleans as integers):

    reader = RowReader(Survey)
    sql = f"SELECT {reader.columns('s')} FROM ... s WHERE ..."
    survey = reader.read(row[: reader.width])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.models import Model

M = TypeVar("M", bound=Model)
Converter = Callable[[Any, Any, Any], Any]


class RowReader(Generic[M]):
    """The concrete columns of `model` in order; build one per process (after apps load)."""

    def __init__(self, model: type[M]) -> None:
        self.model = model
        fields = model._meta.concrete_fields
        self.attnames = [f.attname for f in fields]
        self._columns = [f.column for f in fields]
        self.width = len(fields)
        self._converters: list[tuple[int, list[Converter], Any]] = []
        for position, field in enumerate(fields):
            expression = field.get_col(model._meta.db_table)
            found = connection.ops.get_db_converters(expression) + expression.get_db_converters(
                connection
            )
            if found:
                self._converters.append((position, found, expression))

    def columns(self, alias: str) -> str:
        """`alias."id", alias."kind", …`, for the SELECT list."""
        quote = connection.ops.quote_name
        return ", ".join(f"{alias}.{quote(column)}" for column in self._columns)

    def read(self, values: Sequence[Any]) -> M:
        """The instance of one row's `width` values (in `columns` order), as loaded from the
        database."""
        row = list(values)
        for position, converters, expression in self._converters:
            value = row[position]
            for converter in converters:
                value = converter(value, expression, connection)
            row[position] = value
        return self.model.from_db(connection.alias, self.attnames, row)

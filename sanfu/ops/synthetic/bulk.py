"""Many cases in one statement, for benchmarks that need a large table rather than a life story.

`sanfu seed cases` draws each case's life (events, assignments, real messages): right for the
figures, but a million of them take 14 minutes on PostgreSQL and far longer on SQLite. A page
that reads a place's cases only needs the rows to be there, spread over places, states and
dates. `bulk_copy_cases` writes them as one INSERT … SELECT over a number series (SQLite's
recursive CTE, PostgreSQL's generate_series) that copies a template case and varies the
columns the caller names by SQL expressions of the row's number `n`: a million rows in a minute
or two. The rows have no timeline; do not run the figures' rebuild over them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from django.db import connection, transaction

from sanfu.cases.models import Case

# Every copy needs its own values of the unique columns; the id is left to the database.
_UNIQUE = {
    "number": "'{prefix}' || n",
    "tracking_token": "'{prefix}t' || n",
}


def bulk_copy_cases(
    *, template: Case, count: int, varied: Mapping[str, str], prefix: str = "B"
) -> None:
    """Add `count` copies of `template` (n = 1 … count), each column in `varied` set to its SQL
    expression of `n` and the template's columns (by their database names); numbers and
    tracking tokens are `prefix` followed by n. The expressions are the caller's own SQL,
    never user input. Analyses the table afterwards, as a restore would."""
    unique = {column: sql.format(prefix=prefix) for column, sql in _UNIQUE.items()}
    expressions = {**unique, **varied}
    columns, values = [], []
    for field in Case._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        values.append(expressions.get(field.column, f"template.{field.column}"))
    table = Case._meta.db_table
    if connection.vendor == "postgresql":
        series = f"SELECT generate_series(1, {int(count)}) AS n"
    else:
        series = (
            "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s "  # noqa: S608
            f"WHERE n < {int(count)}) SELECT n FROM s"
        )
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - our own names and SQL
        f"SELECT {', '.join(values)} FROM ({series}) AS series, "
        f"(SELECT * FROM {table} WHERE id = {int(template.pk)}) AS template"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}" if connection.vendor == "postgresql" else "ANALYZE")


def moment_sql(start: datetime, *, days: str, seconds: str = "0") -> str:
    """SQL for `start` + `days` days + `seconds` seconds, both SQL integer expressions ≥ 0,
    in the form the database stores an aware datetime (UTC)."""
    if connection.vendor == "postgresql":
        at = start.isoformat()
        return (
            f"(TIMESTAMPTZ '{at}' + ({days}) * INTERVAL '1 day' "
            f"+ ({seconds}) * INTERVAL '1 second')"
        )
    at = start.strftime("%Y-%m-%d %H:%M:%S")
    return (
        f"strftime('%Y-%m-%d %H:%M:%S', '{at}', '+' || ({days}) || ' days', "
        f"'+' || ({seconds}) || ' seconds')"
    )


def pick_sql(key: str, choices: Sequence[int | str]) -> str:
    """SQL choosing choices[key % len(choices)] for an integer expression `key`."""

    def literal(value: int | str) -> str:
        return str(int(value)) if isinstance(value, int) else "'" + value.replace("'", "''") + "'"

    whens = " ".join(f"WHEN {i} THEN {literal(c)}" for i, c in enumerate(choices))
    return f"(CASE ({key}) % {len(choices)} {whens} END)"

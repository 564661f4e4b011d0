"""Keeping the daily aggregates current: recompute whole days, never patch counts in place.

`insight_refresh()` (run by every pass of `sanfu sweep`) finds the cases whose timeline grew
since the last refresh and recomputes every day that any of their dates falls on now or fell
on before (each date a case ever had was set by an action that left a timeline event on that
day, so the days of its events cover the old dates too). `insight_rebuild()` recomputes a whole
range of days (`sanfu insight rebuild [--since DAY]`), for the first load, after a bulk import
that bypassed the timeline, or after the organisation tree was re-zoned.

Recomputing days is a handful of set-based statements in one transaction: each family's facts
of those days grouped by the database (through the families' date indexes) into temporary work
tables, fanned out there to the units and categories they count for, and summed into the rows
of every grain, which replace those days' rows (only the rows that changed are written). No
fact row passes through Python; only the small (place, lead) → units table is worked out
here. A rebuild from the first case (no `--since`) writes every row afresh with the table's
indexes and keys made once at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BigIntegerField, F, Min, Q, Value
from django.db.models.functions import TruncDate
from django.utils import timezone

from sanfu.cases import figures as f
from sanfu.cases.models import Case, CaseEvent, Category
from sanfu.directory.models import TOWN_KINDS, VILLAGE_KINDS, Unit
from sanfu.insight.models import DailyParts, Grain, Watermark
from sanfu.lib.treepath import SEGMENT_WIDTH

# Units this deep or shallower get aggregates: the county, towns and departments, villages.
# Grids (depth 4) are never a dashboard's scope, but their cases count for their village.
MAX_DEPTH = 3
# When new events arrive, this many before them are read again, so an action whose transaction
# took an id before the last refresh but committed after it is still seen.
EVENT_ID_MARGIN = 200
# Narrower categories are kept for the units this deep or shallower: the county and what is
# right under it (towns, departments) — a county dashboard narrowed to a category reads them
# all. Below, a village's narrow rows would be nearly one a fact (three quarters of all narrow
# rows, tripling the rebuild), and a town's or village's scope is small enough to count live.
NARROW_DEPTH = 2
# A rebuild works through the days in chunks, to bound its memory (a quarter: the groupings
# of ~1 M facts still hash in memory; larger ones spill, smaller ones join case by case).
CHUNK_DAYS = 92
# The work tables of fewer facts than this are not analysed: analysing them is a fixed few
# milliseconds each (a sixth of a recomputed Sunday, 2,000 facts at 1 M cases), and without
# their statistics the fan-out hashes instead of sorting; at 1 M cases 1 to 28 days (15,000
# to 300,000 facts) were recomputed 10-40 % faster without. A full rebuild (quarters of a
# million facts) keeps its statistics, which its plans were tuned with.
ANALYZE_FROM = 200_000


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=local_zone())


def day_ranges(days: Iterable[date]) -> list[tuple[date, date]]:
    """Runs of consecutive days as [first, after_last) pairs."""
    ranges: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if ranges and ranges[-1][1] == day:
            ranges[-1] = (ranges[-1][0], day + timedelta(days=1))
        else:
            ranges.append((day, day + timedelta(days=1)))
    return ranges


def _dated(family: str, ranges: list[tuple[date, date]]) -> Q:
    date_field = f.FAMILY_SOURCES[family].date
    condition = Q(pk__in=[])
    for first, after in ranges:
        condition |= Q(
            **{f"{date_field}__gte": day_start(first), f"{date_field}__lt": day_start(after)}
        )
    return condition


def _grouped(family: str, ranges: list[tuple[date, date]]) -> Any:
    """The family's facts of these days, grouped by everything a row of the aggregates is
    keyed on: day, channel, the case's category, the unit where the case lies and the unit
    that did it (by id: the units' paths are read once, in Python, not joined per fact)."""
    source = f.FAMILY_SOURCES[family]
    case = source.of_case
    lead = F(f"{source.unit}_id") if source.unit else Value(0, output_field=BigIntegerField())
    return (
        source.rows()
        .filter(_dated(family, ranges))
        .values(
            chan=F(case("channel")),
            day=TruncDate(source.date, tzinfo=local_zone()),
            place=F(case("location_unit_id")),
            lead=lead,
            cat=F(case("category_id")),
        )
        .annotate(**f.family_aggregates(family))
        .order_by()
    )


def _reach(path: str | None, places: set[str]) -> dict[str, bool]:
    """The units a case placed in or led by the unit at `path` counts for: its ancestors down
    to MAX_DEPTH (the "placed in or led by" of `case_figures`), each with whether the case
    counts there through one of that unit's places (a town or village on the way down)."""
    reach: dict[str, bool] = {}
    if path:
        for depth in range(1, MAX_DEPTH + 1):
            width = depth * (SEGMENT_WIDTH + 1)
            if len(path) >= width:
                below = width + SEGMENT_WIDTH + 1
                reach[path[:width]] = len(path) >= below and path[:below] in places
    return reach


def _places_and_parents() -> tuple[set[str], set[str]]:
    """The paths of the active places (towns, villages) — the rows of a dashboard's places
    table — and of the units that have one under them."""
    kinds = set(TOWN_KINDS) | set(VILLAGE_KINDS)
    places = set(Unit.objects.filter(is_active=True, kind__in=kinds).values_list("path", flat=True))
    return places, {path[: -(SEGMENT_WIDTH + 1)] for path in places}


def _category_keys() -> list[tuple[int, int | None, bool]]:
    """(category, key, narrow): the broad category a case of that category counts for (not
    narrow), and, below level 1, the category itself (narrow). A narrow row holds the cases
    filed under exactly its category — one row a fact, not one per level — and a level-2
    category is read as its rows and its children's. Category 0 stands for the cases without
    one, counted under no broad category."""
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    keys: list[tuple[int, int | None, bool]] = [(0, None, False)]
    for pk in parents:
        root = pk
        for _level in range(len(parents)):  # bounded: the tree has no cycles, but still
            parent = parents.get(root)
            if parent is None:
                break
            root = parent
        keys.append((pk, root, False))
        if root != pk:
            keys.append((pk, pk, True))
    return keys


# Work tables of one recomputation (temporary: the session's own, gone when it ends).
FACTS = "insight_work_facts"  # the facts grouped by day, channel, place, lead and category
TARGETS = "insight_work_targets"  # each (place, lead): the units it counts for, and how
UNITS = "insight_work_units"  # the facts fanned out: by day, unit, category, channel, own
KEYS = "insight_work_categories"  # each category: its broad one, and itself if narrower
ROWS = "insight_work_rows"  # the recomputed days' rows, before they replace the old ones
WORK_TABLES = (FACTS, TARGETS, UNITS, KEYS, ROWS)
# A long rebuild's narrow copy of what the facts read of their cases (kept across its chunks).
CASES = "insight_work_cases"


def _q(*names: str) -> str:
    return _quoted(connection.vendor, names)


@cache
def _quoted(vendor: str, names: tuple[str, ...]) -> str:
    # Cached (by vendor too): a recomputed day's statements quote a few thousand names.
    return ".".join(connection.ops.quote_name(name) for name in names)


def _create_work_tables(cursor: Any) -> None:
    # Integers only, the sums in hundredths: summing integers is several times cheaper than
    # summing decimals, and these tables are summed twice over millions of rows.
    parts = ", ".join(f"{_q(name)} INTEGER NOT NULL DEFAULT 0" for name in f.PART_NAMES)
    day_and_channel = f"{_q('day')} DATE NOT NULL, {_q('chan')} VARCHAR(16) NOT NULL"
    place_and_lead = f"{_q('place')} BIGINT NOT NULL, {_q('lead')} BIGINT NOT NULL"
    for table, columns in (
        (FACTS, f"{day_and_channel}, {place_and_lead}, {_q('cat')} BIGINT NOT NULL, {parts}"),
        (
            TARGETS,
            f"{place_and_lead}, {_q('unit_id')} BIGINT NOT NULL, {_q('own')} BOOLEAN NOT NULL, "
            f"{_q('shallow')} BOOLEAN NOT NULL",
        ),
        (
            UNITS,
            f"{day_and_channel}, {_q('unit_id')} BIGINT NOT NULL, {_q('cat')} BIGINT NOT NULL, "
            f"{_q('own')} BOOLEAN NOT NULL, {_q('shallow')} BOOLEAN NOT NULL, {parts}",
        ),
        (KEYS, f"{_q('cat')} BIGINT NOT NULL, {_q('key')} BIGINT, {_q('narrow')} BOOLEAN NOT NULL"),
        (
            ROWS,
            f"{_q('day')} DATE NOT NULL, {_q('grain')} VARCHAR(10) NOT NULL, "
            f"{_q('unit_id')} BIGINT NOT NULL, {_q('category_id')} BIGINT, "
            f"{_q('channel')} VARCHAR(16) NOT NULL, "
            + ", ".join(
                f"{_q(name)} {'NUMERIC' if name in f.SUMS else 'BIGINT'} NOT NULL"
                for name in f.PART_NAMES
            ),
        ),
    ):
        cursor.execute(f"DROP TABLE IF EXISTS {_q(table)}")
        cursor.execute(f"CREATE TEMPORARY TABLE {_q(table)} ({columns})")


def _drop_work_tables(cursor: Any) -> None:
    for table in WORK_TABLES:
        cursor.execute(f"DROP TABLE IF EXISTS {_q(table)}")


def _analyze(cursor: Any, *tables: str) -> None:
    if connection.vendor == "postgresql":  # temporary tables are never analysed by themselves
        for table in tables:
            cursor.execute(f"ANALYZE {_q(table)}")


@contextmanager
def _narrow_cases(wanted: bool) -> Iterator[None]:
    """For a rebuild of many chunks: the cases' id, channel, place and category copied once
    into a narrow work table that each family's facts join instead of the cases' table. The
    facts of a chunk belong to cases of any age, so each family's join reads every case: a
    few dozen bytes a case instead of the whole wide row, once per family and chunk."""
    if not wanted:
        yield
        return
    case = Case._meta
    column_of = {field.name: field.column for field in case.concrete_fields}
    columns = ", ".join(
        _q(column_of[name]) for name in ("id", "channel", "location_unit", "category")
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_q(CASES)}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_q(CASES)} AS SELECT {columns} FROM {_q(case.db_table)}"  # noqa: S608 - quoted names
        )
        cursor.execute(f"CREATE UNIQUE INDEX {_q(CASES + '_id')} ON {_q(CASES)} ({_q('id')})")
        _analyze(cursor, CASES)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {_q(CASES)}")


def _through_narrow_cases(sql: str) -> str:
    """A family's query with its join to the cases' table made to the narrow copy instead
    (under the table's own name, so the query's references to its columns still hold)."""
    table = _q(Case._meta.db_table)
    join = f"INNER JOIN {table} ON"
    if sql.count(join) != 1:  # pragma: no cover - Django writes the one join this way
        raise RuntimeError(f"unexpected join to the cases in {sql!r}")
    return sql.replace(join, f"INNER JOIN {_q(CASES)} {table} ON")


def _collect_facts(cursor: Any, ranges: list[tuple[date, date]], *, narrow_cases: bool) -> int:
    """Every family's grouped facts of these days into the facts table: one statement a family,
    the grouping done by the database; how many rows."""
    rows = 0
    for family, names in f.FAMILIES.items():
        sql, params = _grouped(family, ranges).query.sql_with_params()
        if narrow_cases and f.FAMILY_SOURCES[family].case:
            sql = _through_narrow_cases(sql)
        columns = ", ".join(_q(name) for name in ("day", "chan", "place", "lead", "cat", *names))
        picked = ", ".join(
            [
                _q("g", "day"),
                f"COALESCE({_q('g', 'chan')}, '')",
                *(f"COALESCE({_q('g', name)}, 0)" for name in ("place", "lead")),
                *(
                    f"CAST(ROUND(COALESCE({_q('g', name)}, 0) * 100) AS INTEGER)"
                    if name in f.SUMS
                    else f"COALESCE({_q('g', name)}, 0)"
                    for name in ("cat", *names)
                ),
            ]
        )
        insert = f"INSERT INTO {_q(FACTS)} ({columns}) SELECT {picked} FROM ({sql}) {_q('g')}"  # noqa: S608 - quoted names, Django's SQL
        cursor.execute(insert, params)
        rows += max(cursor.rowcount, 0)
    return rows


def _insert_rows(
    cursor: Any, table: str, types: tuple[str, ...], rows: list[tuple[Any, ...]], batch: int = 500
) -> None:
    """Rows into a work table (of columns of these SQL types). On PostgreSQL in one statement,
    each column passed as one array: a parameter a value, formatted one by one, cost more than
    the whole recomputation of a day. The arrays go as text (integers, booleans, nulls only):
    the driver's own formatting of a list, value by value, took a tenth of a recomputed day.
    Elsewhere many rows to a statement."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"%s::{kind}[]" for kind in types)
        cursor.execute(
            f"INSERT INTO {_q(table)} SELECT * FROM unnest({arrays})",  # noqa: S608 - a quoted name
            [_array_text(column) for column in zip(*rows, strict=True)],
        )
        return
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        marks = ", ".join(["(" + ", ".join(["%s"] * len(chunk[0])) + ")"] * len(chunk))
        values = [value for row in chunk for value in row]
        cursor.execute(f"INSERT INTO {_q(table)} VALUES {marks}", values)  # noqa: S608 - a quoted name


def _array_text(values: Sequence[int | bool | None]) -> str:
    """An array of integers, booleans and nulls as PostgreSQL reads it from text (it reads
    True and False as booleans)."""
    if None in values:
        return "{" + ",".join("NULL" if value is None else str(value) for value in values) + "}"
    return "{" + ",".join(map(str, values)) + "}"


def _fill_targets(cursor: Any, *, analyze: bool) -> None:
    """For each (place, lead) pair among the facts, the units its facts count for, and whether
    as the unit's own (counted by none of its places); and the categories' keys."""
    width = MAX_DEPTH * (SEGMENT_WIDTH + 1)
    every_unit = list(Unit.objects.values_list("id", "path"))
    paths = {pk: path[:width] for pk, path in every_unit}
    unit_ids = {path: pk for pk, path in every_unit}
    places, parents = _places_and_parents()
    shallow = NARROW_DEPTH * (SEGMENT_WIDTH + 1)
    # Each unit's reach worked out once: a weekday's facts have thousands of (place, lead)
    # pairs but only hundreds of units.
    reaches: dict[int, dict[str, bool]] = {}
    cursor.execute(f"SELECT DISTINCT {_q('place')}, {_q('lead')} FROM {_q(FACTS)}")  # noqa: S608 - quoted names
    rows: list[tuple[int, int, int, bool, bool]] = []
    for place_id, lead_id in cursor.fetchall():
        for pk in (place_id, lead_id):
            if pk not in reaches:
                reaches[pk] = _reach(paths.get(pk), places)
        by_place, by_lead = reaches[place_id], reaches[lead_id]
        for path in by_place.keys() | by_lead.keys():
            unit_id = unit_ids.get(path)
            if unit_id is not None:
                # The unit's own if the case counts for it through none of its places.
                counted = by_place.get(path, False) or by_lead.get(path, False)
                own = path in parents and not counted
                rows.append((place_id, lead_id, unit_id, own, len(path) <= shallow))
    _insert_rows(cursor, TARGETS, ("BIGINT", "BIGINT", "BIGINT", "BOOLEAN", "BOOLEAN"), rows)
    cursor.execute(f"SELECT DISTINCT {_q('cat')} FROM {_q(FACTS)}")  # noqa: S608 - a quoted name
    present = {cat for (cat,) in cursor.fetchall()}
    keys = [key for key in _category_keys() if key[0] in present]
    _insert_rows(cursor, KEYS, ("BIGINT", "BIGINT", "BOOLEAN"), keys)
    if analyze:
        _analyze(cursor, FACTS, TARGETS, KEYS)


def _sums(table: str, *, final: bool = False) -> str:
    """The parts summed; `final`: the sums back from hundredths, for the aggregates' table."""
    return ", ".join(
        f"SUM({_q(table, name)}) / 100.0" if final and name in f.SUMS else f"SUM({_q(table, name)})"
        for name in f.PART_NAMES
    )


def _fan_out(cursor: Any, *, analyze: bool) -> None:
    """The facts counted for each unit they count for: the one large grouping, once; the
    grains are then summed from its far fewer rows."""
    names = ("day", "chan", "unit_id", "cat", "own", "shallow")
    keys = [_q("t" if name in ("unit_id", "own", "shallow") else "f", name) for name in names]
    columns = ", ".join(_q(name) for name in names)
    parts = ", ".join(_q(name) for name in f.PART_NAMES)
    unsorted = not analyze and connection.vendor == "postgresql"
    if unsorted:
        # Without the statistics the planner takes the join for a few rows and sorts them to
        # group them; hashing them is twice as quick.
        cursor.execute("SET LOCAL enable_sort = off")
    cursor.execute(
        f"INSERT INTO {_q(UNITS)} ({columns}, {parts}) SELECT {', '.join(keys)}, {_sums('f')} "  # noqa: S608 - quoted names
        f"FROM {_q(FACTS)} {_q('f')} JOIN {_q(TARGETS)} {_q('t')} "
        f"ON {_q('t', 'place')} = {_q('f', 'place')} AND {_q('t', 'lead')} = {_q('f', 'lead')} "
        f"GROUP BY {', '.join(keys)}"
    )
    if unsorted:
        cursor.execute("RESET enable_sort")
    if analyze:
        _analyze(cursor, UNITS)


def _insert_grain(cursor: Any, grain: Grain, table: str) -> int:
    """The grain's rows, summed from the units' table in one grouped statement into `table`
    (the aggregates' or the work table of new rows); how many."""
    by_category = grain != Grain.UNIT
    narrow = grain in (Grain.NARROW, Grain.NARROW_OWN)
    by_channel = grain in (Grain.BREAKDOWN, Grain.NARROW)
    own = grain in (Grain.OWN, Grain.NARROW_OWN)
    category = _q("c", "key") if by_category else "NULL"
    channel = _q("u", "chan") if by_channel else "''"
    joins = ""
    conditions = [_q("u", "own")] if own else []
    if narrow:
        conditions.append(_q("u", "shallow"))
    if by_category:
        joins = f"JOIN {_q(KEYS)} {_q('c')} ON {_q('c', 'cat')} = {_q('u', 'cat')}"
        conditions.append(f"{'' if narrow else 'NOT '}{_q('c', 'narrow')}")
    groups = [_q("u", "day"), _q("u", "unit_id")]
    groups += [category] if by_category else []
    groups += [channel] if by_channel else []
    columns = ["day", "grain", "unit_id", "category_id", "channel", *f.PART_NAMES]
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    cursor.execute(
        f"INSERT INTO {_q(table)} ({', '.join(map(_q, columns))}) "  # noqa: S608 - quoted names
        f"SELECT {_q('u', 'day')}, %s, {_q('u', 'unit_id')}, {category}, {channel}, "
        f"{_sums('u', final=True)} FROM {_q(UNITS)} {_q('u')} {joins} {where} "
        f"GROUP BY {', '.join(groups)}",
        [grain.value],
    )
    return int(cursor.rowcount)


ROW_KEY = ("day", "grain", "unit_id", "category_id", "channel")


def _replace_rows(cursor: Any, ranges: list[tuple[date, date]]) -> None:
    """The days' rows made what the work table of new rows says, writing only the rows that
    changed: the old rows with no equal new one go, the new rows with no equal old one come.
    A late reply changes a few dozen of a day's thousands of rows; deleting and inserting them
    all (each insert a wide index entry, and a foreign key check queued for the commit) was
    most of the cost of recomputing a day."""
    table = DailyParts._meta.db_table

    def same(new: str, old: str) -> str:
        # Equal in every column; the category by COALESCE, so the unit grain's NULL matches
        # (and the comparison stays a hash join).
        return " AND ".join(
            f"COALESCE({_q(new, name)}, 0) = COALESCE({_q(old, name)}, 0)"
            if name == "category_id"
            else f"{_q(new, name)} = {_q(old, name)}"
            for name in (*ROW_KEY, *f.PART_NAMES)
        )

    def within(alias: str) -> tuple[str, list[date]]:
        column = _q(alias, "day")
        days = " OR ".join(f"({column} >= %s AND {column} < %s)" for _ in ranges)
        return f"({days})", [day for pair in ranges for day in pair]

    old_days, params = within(table)
    cursor.execute(
        f"DELETE FROM {_q(table)} WHERE {old_days} AND NOT EXISTS "  # noqa: S608 - quoted names
        f"(SELECT 1 FROM {_q(ROWS)} {_q('n')} WHERE {same('n', table)})",
        params,
    )
    columns = ", ".join(_q(name) for name in (*ROW_KEY, *f.PART_NAMES))
    old_days, params = within("d")
    cursor.execute(
        f"INSERT INTO {_q(table)} ({columns}) SELECT {columns} FROM {_q(ROWS)} {_q('n')} "  # noqa: S608 - quoted names
        f"WHERE NOT EXISTS (SELECT 1 FROM {_q(table)} {_q('d')} "
        f"WHERE {old_days} AND {same('n', 'd')})",
        params,
    )


def recompute_days(days: Iterable[date]) -> int:
    """Replace the aggregates of these days with what the cases say now; how many rows the
    days have.

    The facts are grouped by the database into a work table, fanned out there to the units
    and categories they count for, and summed into the aggregates' table: the rows never pass
    through Python, so a rebuild costs a few grouped statements per chunk of days."""
    return _recompute(day_ranges(days), replace=True)


def _recompute(
    ranges: list[tuple[date, date]], *, replace: bool, narrow_cases: bool = False
) -> int:
    if not ranges:
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The groupings hash in memory rather than sort on disk; compiling them is slower
            # than running them.
            cursor.execute("SET LOCAL work_mem = '1GB'")
            cursor.execute("SET LOCAL jit = off")
            # The fan-out joins a million facts to a few thousand (place, lead) pairs: a hash
            # of the pairs, not two sorts (which the planner picks, misjudging the matches).
            cursor.execute("SET LOCAL enable_mergejoin = off")
        _create_work_tables(cursor)
        facts = _collect_facts(cursor, ranges, narrow_cases=narrow_cases)
        analyze = not replace or facts >= ANALYZE_FROM  # a full rebuild's plans as tuned
        _fill_targets(cursor, analyze=analyze)
        _fan_out(cursor, analyze=analyze)
        target = ROWS if replace else DailyParts._meta.db_table
        rows = sum(_insert_grain(cursor, grain, target) for grain in Grain)
        if replace:
            _replace_rows(cursor, ranges)
        _drop_work_tables(cursor)
    return rows


@contextmanager
def _indexes_built_after() -> Iterator[None]:
    """On PostgreSQL, drop the aggregates' indexes and foreign keys and make them again at
    the end: building an index once over millions of rows, and checking a foreign key with
    one join, costs a fraction of keeping them up to date row by row (a deferred key also
    queues a check per row until the commit). Inside a transaction, so a failure leaves
    them as they were."""
    if connection.vendor != "postgresql":
        yield
        return
    table = DailyParts._meta.db_table
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
        keys = {name: found[name] for name in found if found[name]["foreign_key"]}
        for name in keys:
            cursor.execute(f"ALTER TABLE {_q(table)} DROP CONSTRAINT {_q(name)}")
    indexes = DailyParts._meta.indexes
    with connection.schema_editor() as editor:
        for index in indexes:
            editor.remove_index(DailyParts, index)
    yield
    with connection.schema_editor() as editor:
        for index in indexes:
            editor.add_index(DailyParts, index)
    with connection.cursor() as cursor:
        for name, key in keys.items():
            other, other_column = key["foreign_key"]
            column = key["columns"][0]
            cursor.execute(
                f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} FOREIGN KEY ({_q(column)}) "
                f"REFERENCES {_q(other)} ({_q(other_column)}) DEFERRABLE INITIALLY DEFERRED"
            )
        cursor.execute(f"ANALYZE {_q(table)}")


def _rebuild_everything(first: date, last: date) -> int:
    """Every row from scratch, in one transaction, so no reader sees a half-built table. On
    PostgreSQL the TRUNCATE and the dropped indexes lock the table until the commit (minutes
    at a million cases): the dashboard and the league tables, rather than wait or read partial
    figures, say the figures are being rebuilt (`insight.selectors.aggregates_read`); on
    SQLite they read the old figures meanwhile."""
    rows = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Checks the transaction deferred so far run now: a table with pending checks
                # cannot be emptied or altered (none are pending when the rebuild is a
                # transaction of its own, as the command's is).
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {_q(DailyParts._meta.db_table)}")
        else:
            DailyParts.objects.all().delete()
        with _indexes_built_after(), _narrow_cases(True):
            for chunk in _chunks(first, last):
                rows += _recompute(day_ranges(chunk), replace=False, narrow_cases=True)
    return rows


def _watermark() -> Watermark:
    mark = Watermark.objects.select_for_update().filter(pk=1).first()
    if mark is None:
        Watermark.objects.get_or_create(pk=1)
        mark = Watermark.objects.select_for_update().get(pk=1)
    return mark


def _local_day(moment: datetime) -> date:
    return moment.astimezone(local_zone()).date()


@dataclass(frozen=True)
class RefreshResult:
    events: int
    days: int
    rows: int

    def as_dict(self) -> dict[str, int]:
        return {"events": self.events, "days": self.days, "rows": self.rows}


@transaction.atomic
def insight_refresh(*, at: datetime | None = None) -> RefreshResult:
    """Recompute the days touched by the timeline events since the last refresh."""
    at = at or timezone.now()
    mark = _watermark()
    newest = CaseEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    if newest <= mark.last_event_id:
        mark.refreshed_at = at
        mark.save(update_fields=["refreshed_at"])
        return RefreshResult(events=0, days=0, rows=0)
    recent = CaseEvent.objects.filter(id__gt=mark.last_event_id - EVENT_ID_MARGIN)
    touched = set(recent.values_list("case_id", flat=True))
    last_event = max(recent.values_list("id", flat=True), default=mark.last_event_id)
    days: set[date] = set()
    if touched:
        # Every fact is recorded with a timeline event of the same day, so the days of the
        # touched cases' events cover every fact of theirs; receipt is the one fact without
        # an action, and a category changed by triage moves a case between breakdown rows.
        for moment in CaseEvent.objects.filter(case_id__in=touched).values_list("at", flat=True):
            days.add(_local_day(moment))
        received = Case.objects.filter(pk__in=touched).values_list("received_at", flat=True)
        days.update(_local_day(moment) for moment in received)
    rows = recompute_days(days)
    if mark.last_event_id == 0:  # the first refresh: every case's days, narrow rows too
        mark.narrow_from = date.min
    mark.last_event_id = max(last_event, mark.last_event_id)
    mark.refreshed_at = at
    mark.save(update_fields=["last_event_id", "refreshed_at", "narrow_from"])
    return RefreshResult(events=len(touched), days=len(days), rows=rows)


def _chunks(first: date, last: date) -> Iterator[list[date]]:
    day = first
    while day <= last:
        chunk = [
            day + timedelta(days=n) for n in range(CHUNK_DAYS) if day + timedelta(days=n) <= last
        ]
        yield chunk
        day = chunk[-1] + timedelta(days=1)


def insight_rebuild(*, since: date | None = None, at: datetime | None = None) -> RefreshResult:
    """Recompute every day from `since` (default: the first case) to today."""
    at = at or timezone.now()
    with transaction.atomic():
        mark = _watermark()
        last_event = CaseEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    first = since
    if first is None:
        earliest = Case.objects.aggregate(first=Min("received_at"))["first"]
        first = _local_day(earliest) if earliest else _local_day(at)
    last = _local_day(at)
    days = (last - first).days + 1 if first <= last else 0
    if since is None:
        # Every day is recomputed; rows before the first case (of cases since deleted) or
        # after today go too.
        rows = _rebuild_everything(first, last)
    else:
        rows = 0
        for chunk in _chunks(first, last):
            rows += recompute_days(chunk)
        DailyParts.objects.filter(day__gt=last).delete()
    with transaction.atomic():
        mark = _watermark()
        mark.last_event_id = max(mark.last_event_id, last_event)
        mark.refreshed_at = at
        # Every day from `first` now has its narrow rows (every day at all without `since`).
        complete = date.min if since is None else first
        if mark.narrow_from is None or complete < mark.narrow_from:
            mark.narrow_from = complete
        mark.save(update_fields=["last_event_id", "refreshed_at", "narrow_from"])
    return RefreshResult(events=0, days=days, rows=rows)


def as_of() -> datetime | None:
    """When the aggregates were last brought up to date."""
    return Watermark.objects.filter(pk=1).values_list("refreshed_at", flat=True).first()

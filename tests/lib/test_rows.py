"""Single-row writes and reads with statements built once give what the ORM's own would:
defaults, JSON, the database's booleans and dates turned into Python's, None for no row."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sanfu.cases.models import BackgroundTask, TaskState
from sanfu.directory.models import Unit, UnitKind
from sanfu.lib.rows import (
    row_add,
    row_get,
    row_insert,
    rows_get,
    rows_held,
    rows_together,
    statement_add,
)
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def test_an_inserted_row_reads_back_with_its_defaults_and_json_as_the_orm_wrote_it() -> None:
    at = timezone.now()
    task = row_insert(
        BackgroundTask(
            kind="test.kind",
            payload={"case": 7, "名": ["列"]},
            run_after=at,
            created_at=at,
            updated_at=at,
        )
    )
    assert task.pk is not None
    assert not task._state.adding
    stored = BackgroundTask.objects.get(pk=task.pk)
    assert (stored.state, stored.attempts, stored.subject) == (TaskState.PENDING, 0, "")
    assert stored.payload == {"case": 7, "名": ["列"]}
    assert stored.run_after == at
    assert stored.leased_until is None
    second = row_insert(
        BackgroundTask(kind="test.kind", run_after=at, created_at=at, updated_at=at)
    )
    assert second.pk != task.pk


def test_a_row_read_has_python_values_and_none_when_nothing_matches(tree: Tree) -> None:
    county = Unit.objects.get(kind=UnitKind.COUNTY)
    found = row_get(Unit, "code = %s AND is_active = %s", [county.code, True])
    assert found is not None
    assert not found._state.adding
    assert (found.pk, found.path, found.kind) == (county.pk, county.path, UnitKind.COUNTY)
    assert found.is_active is True
    assert abs(found.created_at - county.created_at) < timedelta(seconds=1)
    assert found.created_at.tzinfo is not None
    assert row_get(Unit, "code = %s", ["no-such-code"]) is None
    towns = rows_get(Unit, "parent_id = %s", [county.pk], order_by="path", limit=2)
    assert [t.pk for t in towns] == list(
        Unit.objects.filter(parent=county).order_by("path").values_list("pk", flat=True)[:2]
    )


def test_a_saved_row_is_not_inserted_again() -> None:
    at = timezone.now()
    task = row_insert(BackgroundTask(kind="test.kind", run_after=at, created_at=at, updated_at=at))
    with pytest.raises(ValueError, match="new rows only"):
        row_insert(task)
    assert BackgroundTask.objects.count() == 1


def _task(**fields: object) -> BackgroundTask:
    at = timezone.now()
    return BackgroundTask(kind="test.kind", run_after=at, created_at=at, updated_at=at, **fields)


def test_held_rows_go_in_one_trip_on_postgresql_and_before_any_other_statement() -> None:
    atomic = transaction.atomic(savepoint=False)  # inside the test's: no SAVEPOINT statements
    with CaptureQueriesContext(connection) as seen, atomic, rows_held():
        for n in range(3):
            row_add(_task(payload={"n": n}))
    # One message for the three rows on PostgreSQL; SQLite, in this process, writes at once.
    assert len(seen) == (1 if connection.vendor == "postgresql" else 3)
    assert sorted(t.payload["n"] for t in BackgroundTask.objects.all()) == [0, 1, 2]
    with transaction.atomic(), rows_held():
        row_add(_task(payload={"n": 3}))
        # A statement after a held row sees it: the held rows are sent first.
        assert BackgroundTask.objects.filter(payload__n=3).count() == 1


def test_a_held_statement_gives_its_rows_back_once_sent() -> None:
    got: list[tuple[object, ...]] = []
    table = connection.ops.quote_name(BackgroundTask._meta.db_table)
    at = timezone.now()
    with transaction.atomic(), rows_held():
        statement_add(
            f"INSERT INTO {table} (kind, subject, payload, state, attempts, run_after, "  # noqa: S608
            "last_error, created_at, updated_at) VALUES (%s, '', '{}', 'pending', 0, %s, '', "
            "%s, %s) RETURNING kind",
            ["test.returned", at, at, at],
            on_rows=got.extend,
        )
        row_add(_task())
    assert got == [("test.returned",)]
    assert BackgroundTask.objects.count() == 2


def test_a_bad_held_row_fails_the_block_and_keeps_nothing() -> None:
    kept = row_insert(_task())

    def write() -> None:
        with transaction.atomic(), rows_held():
            row_add(_task(payload={"n": 1}))
            row_add(_task(pk=kept.pk))  # the primary key is taken

    with pytest.raises(IntegrityError):
        write()
    assert list(BackgroundTask.objects.values_list("pk", flat=True)) == [kept.pk]


@pytest.mark.django_db(transaction=True)
def test_rows_are_held_only_inside_a_transaction() -> None:
    with pytest.raises(RuntimeError, match="needs a transaction"), rows_held():
        pass


def _count_elsewhere() -> int:
    """Tasks as another connection sees them: only what was committed."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {BackgroundTask._meta.db_table}")  # noqa: S608
            return int(cursor.fetchone()[0])
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_rows_together_are_committed_with_the_last_message_and_callbacks_run_after() -> None:
    committed: list[int] = []
    with CaptureQueriesContext(connection) as seen, rows_together():
        row_add(_task(payload={"n": 1}))
        row_add(_task(payload={"n": 2}))
        transaction.on_commit(lambda: committed.append(_count_elsewhere()))
    # PostgreSQL: one message with the rows and the COMMIT; SQLite: the rows. (Django lists its
    # own BEGIN and COMMIT too; the latter finds the transaction ended and sends nothing.)
    sent = [q["sql"] for q in seen.captured_queries if not q["sql"].startswith(("BEGIN", "COMMIT"))]
    if connection.vendor == "postgresql":
        assert len(sent) == 1
        assert sent[0].endswith("COMMIT")
    else:
        assert len(sent) == 2
    assert committed == [2]
    assert not connection.in_atomic_block
    assert _count_elsewhere() == 2
    with rows_together():  # and the connection goes on as usual
        row_add(_task(payload={"n": 3}))
    assert _count_elsewhere() == 3


@pytest.mark.django_db(transaction=True)
def test_rows_together_that_fail_keep_nothing_and_commit_nothing() -> None:
    kept = row_insert(_task())
    committed: list[bool] = []

    def write() -> None:
        with rows_together():
            row_add(_task(payload={"n": 1}))
            transaction.on_commit(lambda: committed.append(True))
            row_add(_task(pk=kept.pk))  # the primary key is taken

    with pytest.raises(IntegrityError):
        write()
    assert committed == []
    assert _count_elsewhere() == 1
    assert list(BackgroundTask.objects.values_list("pk", flat=True)) == [kept.pk]

"""Single-row writes and reads with statements built once give what the ORM's own would:
defaults, JSON, the database's booleans and dates turned into Python's, None for no row."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sanfu.cases.models import BackgroundTask, TaskState
from sanfu.directory.models import Unit, UnitKind
from sanfu.lib.rows import row_get, row_insert, rows_get
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

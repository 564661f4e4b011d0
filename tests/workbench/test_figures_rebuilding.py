"""While a full rebuild holds the aggregates locked (PostgreSQL), the pages that read them say
so at once instead of holding a server thread until it commits."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from sanfu.insight.build import insight_rebuild
from sanfu.insight.models import DailyParts
from tests.cases.conftest import People
from tests.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def _held_by_a_rebuild(locked: threading.Event, release: threading.Event) -> None:
    """The lock `sanfu insight rebuild` takes (its TRUNCATE), held in another connection."""
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                table = connection.ops.quote_name(DailyParts._meta.db_table)
                cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
            locked.set()
            release.wait(60)
    finally:
        connection.close()


@pytest.mark.parametrize("path", ["/workbench/dashboard/", "/workbench/league/"])
def test_the_figures_pages_say_they_are_being_rebuilt_rather_than_wait(
    people: People, path: str
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite readers never wait for the rebuild")
    insight_rebuild()  # the pages read the aggregates once they were built
    client = login(people.supervisor)
    assert client.get(path).status_code == 200
    locked, release = threading.Event(), threading.Event()
    rebuild = threading.Thread(target=_held_by_a_rebuild, args=(locked, release))
    rebuild.start()
    try:
        assert locked.wait(10)
        busy = client.get(path)
    finally:
        release.set()
        rebuild.join()
    assert busy.status_code == 503
    assert busy["Retry-After"] == "120"
    assert "统计数据正在重建" in busy.content.decode()
    # The rebuild committed: the figures are back.
    assert client.get(path).status_code == 200

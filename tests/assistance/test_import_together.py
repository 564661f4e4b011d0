"""Imports that run at the same time, die halfway, or hit a database refusal.

Two imports of one body at once (two uploads, or the worker and a command) must neither lose
nor double a row; a batch whose process died is taken over by `sanfu sweep`; any error stops a
batch as failed with its reason, the chunk being written rolled back whole.
"""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from sanfu.assistance.imports import run
from sanfu.assistance.imports.run import (
    STALE_AFTER,
    batch_claim,
    batch_process,
    batch_upload,
    mapping_guess,
)
from sanfu.assistance.models import BatchState, ImportBatch, SourceRecord
from sanfu.directory.models import User
from tests.assistance.conftest import HEADER, Bodies, csv_bytes, id_number
from tests.cases.test_concurrency import at_once
from tests.cli_helpers import SANFU, production_environment, run_sanfu
from tests.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

CHUNK = 40  # small chunks, so that two imports interleave many times


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "CHUNK", CHUNK)


def _rows(first: int, last: int, phones: str = "138") -> list[list[str]]:
    """Rows for persons first..last-1: one valid aid record each."""
    rows = [HEADER]
    for n in range(first, last):
        born = date(1950, 1, 1) + timedelta(days=n)
        number = id_number(f"330299{born:%Y%m%d}{n % 1000:03d}")
        rows.append(["张三", number, f"{phones}{n:08d}", "石门镇", "DB01", "800", "2025-07-01"])
    return rows


def _upload(bodies: Bodies, name: str, rows: list[list[str]]) -> ImportBatch:
    data = csv_bytes(rows)
    mapping = mapping_guess(source=bodies.civil, file_name=name, data=data)
    batch, created = batch_upload(
        source=bodies.civil, mapping=mapping, file_name=name, data=data, user=None
    )
    assert created
    return batch


def _claim_and_process(batch_id: int) -> ImportBatch | None:
    if not batch_claim(batch_id):
        return None
    return batch_process(batch=ImportBatch.objects.get(pk=batch_id))


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database cannot be shared by threads; see the test below",
)
def test_two_overlapping_files_of_one_body_at_once_import_every_row_once(bodies: Bodies) -> None:
    # The same 400 aid records twice, the second file with the phones corrected: the two
    # imports reach the same rows at the same time, chunk after chunk.
    first = _upload(bodies, "一月.csv", _rows(0, 400))
    second = _upload(bodies, "一月更正.csv", _rows(0, 400, phones="139"))
    results = at_once([lambda: _claim_and_process(first.pk), lambda: _claim_and_process(second.pk)])
    for result in results:
        assert isinstance(result, ImportBatch), result
        assert result.state == BatchState.DONE, result.error
    one, two = (ImportBatch.objects.get(pk=b.pk) for b in (first, second))
    assert SourceRecord.objects.count() == 400
    assert one.kept + two.kept == 400
    assert one.duplicates + two.duplicates == 400
    assert (one.refused, two.refused) == (0, 0)
    # Every record belongs to the batch that counted it as kept.
    assert SourceRecord.objects.filter(batch=one).count() == one.kept
    assert SourceRecord.objects.filter(batch=two).count() == two.kept


def test_a_batch_claimed_by_two_processes_at_once_is_imported_by_one(bodies: Bodies) -> None:
    batch = _upload(bodies, "二月.csv", _rows(0, 100))
    claims = at_once([lambda: batch_claim(batch.pk) for _ in range(4)])
    assert sorted(claims, key=str) == [False, False, False, True]


def test_sweep_takes_over_a_batch_whose_process_died(bodies: Bodies) -> None:
    dead = _upload(bodies, "三月.csv", _rows(0, 100))
    alive = _upload(bodies, "四月.csv", _rows(100, 150))
    assert batch_claim(dead.pk)
    assert batch_claim(alive.pk)
    # The first process was killed long ago; the second is importing right now.
    ImportBatch.objects.filter(pk=dead.pk).update(
        heartbeat_at=timezone.now() - STALE_AFTER - timedelta(minutes=1)
    )
    assert not batch_claim(alive.pk)
    call_command("sweep", "--once", stdout=io.StringIO())
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.state, dead.kept) == (BatchState.DONE, 100)
    assert alive.state == BatchState.RUNNING
    assert SourceRecord.objects.filter(batch=alive).count() == 0


def test_a_process_whose_batch_was_taken_over_stops_writing(bodies: Bodies) -> None:
    batch = _upload(bodies, "五月.csv", _rows(0, 200))
    assert batch_claim(batch.pk)
    chunks: list[int] = []

    def taken_over(current: ImportBatch) -> None:
        chunks.append(current.processed_rows)
        if len(chunks) == 1:  # the process stalls; the sweep gives its batch to another
            ImportBatch.objects.filter(pk=batch.pk).update(
                heartbeat_at=timezone.now() - STALE_AFTER - timedelta(minutes=1)
            )
            assert batch_claim(batch.pk)

    stalled = batch_process(batch=batch, progress=taken_over)
    assert len(chunks) == 1
    assert stalled.state == BatchState.RUNNING  # the new runner's, untouched
    assert SourceRecord.objects.count() == CHUNK
    done = batch_process(batch=ImportBatch.objects.get(pk=batch.pk))
    assert (done.state, done.kept, done.duplicates) == (BatchState.DONE, 200, 0)
    assert SourceRecord.objects.count() == 200


@pytest.fixture
def refuse_row_90() -> Iterator[None]:
    """A database trigger that refuses the record of row 90, as a constraint would."""
    table = SourceRecord._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_row_90() RETURNS trigger AS $$ BEGIN "
                "IF NEW.row = 90 THEN RAISE EXCEPTION USING ERRCODE = '23514', "
                "MESSAGE = 'refused by test'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER refuse_row_90 BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_row_90()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER refuse_row_90 BEFORE INSERT ON {table} "
                "WHEN NEW.row = 90 BEGIN SELECT RAISE(ABORT, 'refused by test'); END"
            )
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS refuse_row_90 ON {table}")
            cursor.execute("DROP FUNCTION IF EXISTS refuse_row_90()")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS refuse_row_90")


def test_a_database_error_fails_the_batch_with_its_reason_and_no_half_chunk(
    bodies: Bodies, civil_staff: User, refuse_row_90: None
) -> None:
    batch = _upload(bodies, "六月.csv", _rows(0, 200))
    assert batch_claim(batch.pk)
    failed = batch_process(batch=batch)
    assert failed.state == BatchState.FAILED
    assert "refused by test" in failed.error
    # Rows 2..41 and 42..81 were written; the chunk of row 90 (82..121) not at all.
    assert SourceRecord.objects.count() == 2 * CHUNK
    assert not SourceRecord.objects.filter(row__gte=82).exists()
    page = login(civil_staff).get(reverse("assistance:batch", args=[batch.pk]))
    assert "refused by test" in page.content.decode()

    with connection.cursor() as cursor:  # the cause removed, the same batch is run again
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER refuse_row_90 ON {SourceRecord._meta.db_table}")
        else:
            cursor.execute("DROP TRIGGER refuse_row_90")
    assert batch_claim(batch.pk)
    again = batch_process(batch=batch)
    assert (again.state, again.kept, again.duplicates, again.error) == (BatchState.DONE, 200, 0, "")
    assert SourceRecord.objects.count() == 200


def test_a_missing_file_fails_the_batch_instead_of_leaving_it_running(bodies: Bodies) -> None:
    batch = _upload(bodies, "七月.csv", _rows(0, 10))
    batch.file.delete(save=False)
    assert batch_claim(batch.pk)
    failed = batch_process(batch=batch)
    assert failed.state == BatchState.FAILED
    assert failed.error
    assert SourceRecord.objects.count() == 0


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite deployment: one file")
def test_two_import_commands_at_once_on_one_sqlite_file(tmp_path: Path) -> None:
    env = production_environment(tmp_path)
    assert run_sanfu("migrate", "-v0", env=env).returncode == 0
    # The benchmark's body (BENCHD01) and its programme, with a few rows of its own.
    made = run_sanfu("assistance", "import-bench", "--rows", "5", env=env)
    assert made.returncode == 0, made.stderr
    header = ["姓名", "身份证号", "联系电话", "项目", "发放金额", "发放日期"]
    files = []
    for name, first, last in (("a.csv", 0, 1500), ("b.csv", 750, 2250)):
        rows = [header] + [
            [r[0], r[1], r[2], "BENCH-DB", "800", "2025-07-01"] for r in _rows(first, last)[1:]
        ]
        path = tmp_path / name
        path.write_bytes(csv_bytes(rows))
        files.append(path)
    commands = [
        subprocess.Popen(  # noqa: S603 - our own command with fixed arguments
            [SANFU, "assistance", "import", "--source", "BENCHD01", "--file", str(path)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in files
    ]
    outputs = [command.communicate(timeout=300) for command in commands]
    for command, (_out, err) in zip(commands, outputs, strict=True):
        assert command.returncode == 0, err
    results = [json.loads(out) for out, _err in outputs]
    assert sum(r["kept"] for r in results) == 2250
    assert sum(r["already_imported"] for r in results) == 750
    with sqlite3.connect(tmp_path / "sanfu.sqlite3") as database:
        (records,) = database.execute(
            "SELECT count(*) FROM assistance_sourcerecord WHERE row > 0 AND batch_id IN "
            "(SELECT id FROM assistance_importbatch WHERE file_name IN ('a.csv', 'b.csv'))"
        ).fetchone()
    assert records == 2250

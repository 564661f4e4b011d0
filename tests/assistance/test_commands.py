"""`sanfu assistance import|mapping|link|findings|work|import-bench`: JSON out, progress out."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from sanfu.assistance.models import Finding, ImportBatch, Person, SourceRecord
from tests.assistance.conftest import HEADER, LI, ZHANG, Bodies, csv_bytes, xlsx_bytes


def run(*args: str) -> tuple[dict[str, Any], str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("assistance", *args, stdout=out, stderr=err)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result, err.getvalue()


def test_import_prints_the_row_report_and_progress(bodies: Bodies, tmp_path: Path) -> None:
    path = tmp_path / "低保.xlsx"
    header: list[object] = list(HEADER)
    path.write_bytes(
        xlsx_bytes([
            header,
            ["张三", ZHANG, "13800138000", "石门镇", "DB01", 800, "2025-07-01"],
            ["李四", 3.30102199001011e17, "13800138001", "石门镇", "DB01", 800, "2025-07-01"],
        ])
    )  # fmt: skip
    result, progress = run("import", "--source", "YXD01", "--file", str(path))
    assert (result["kept"], result["refused"]) == (1, 1)
    assert result["refused_rows"][0]["row"] == 3
    assert result["refused_rows"][0]["column"] == "身份证号"
    assert "rows" in progress
    again, _ = run("import", "--source", "YXD01", "--file", str(path))
    assert again["new_file"] is False
    assert SourceRecord.objects.count() == 1


def test_import_refuses_an_unknown_source_and_a_missing_file(
    bodies: Bodies, tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match="--source"):
        run("import", "--source", "NOPE", "--file", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="--file"):
        run("import", "--source", "YXD01", "--file", str(tmp_path / "missing.csv"))
    assert ImportBatch.objects.count() == 0


def test_a_saved_mapping_reads_the_bodys_own_layout(bodies: Bodies, tmp_path: Path) -> None:
    run(
        "mapping", "--source", "YXD01", "--name", "民政七月",
        "--column", "name=对象", "--column", "id_number=证号", "--column", "amount=钱",
        "--default", "programme=DB01", "--default", "given_on=2025-07",
    )  # fmt: skip
    path = tmp_path / "m.csv"
    path.write_bytes(csv_bytes([["对象", "证号", "钱"], ["张三", ZHANG, "800"]], "gbk"))
    result, _ = run("import", "--source", "YXD01", "--file", str(path), "--mapping", "民政七月")
    assert result["kept"] == 1
    with pytest.raises(CommandError, match="columns"):
        run("mapping", "--source", "YXD01", "--name", "坏", "--column", "nonsense=x")


def test_link_then_findings(
    bodies: Bodies, tmp_path: Path, linkage_model: Any, settings: Any
) -> None:
    from sanfu.assistance.linkage import default_model_path

    settings.DATA_DIR = tmp_path
    linkage_model.save(default_model_path())
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes([
        HEADER,
        ["张三", ZHANG, "13800138000", "石门镇", "YL01", "3000", "2025-03-01"],
        ["李四", LI, "13800138001", "石门镇", "DB01", "800", "2025-06-01"],
    ]))  # fmt: skip
    run("import", "--source", "YXD01", "--file", str(path))
    linked, _ = run("link")
    assert linked["persons"] == Person.objects.count() == 2
    found, _ = run("findings")
    assert found["on"] == "2025-06-01"
    assert found["new"] == Finding.objects.count()
    again, _ = run("findings")
    assert again["new"] == 0


def test_the_worker_imports_waiting_batches(bodies: Bodies) -> None:
    from sanfu.assistance.imports.run import batch_upload, mapping_guess

    data = csv_bytes(
        [HEADER, ["张三", ZHANG, "13800138000", "石门镇", "DB01", "800", "2025-07-01"]]
    )
    mapping = mapping_guess(source=bodies.civil, file_name="w.csv", data=data)
    batch, _ = batch_upload(
        source=bodies.civil, mapping=mapping, file_name="w.csv", data=data, user=None
    )
    assert batch.state == "pending"
    result, _ = run("work", "--once")
    assert result["imported_batches"] == 1
    batch.refresh_from_db()
    assert (batch.state, batch.kept) == ("done", 1)


def test_import_bench_prints_its_figures(db: None) -> None:
    result, _ = run("import-bench", "--rows", "300")
    assert result["kept"] == 297
    assert result["refused"] == 3
    assert result["reimport_kept"] == 0
    assert result["reimport_already_imported"] == 297

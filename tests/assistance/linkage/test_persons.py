"""Person ids across re-links (`sanfu assistance link`) and incremental linking (`--new`)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from sanfu.assistance.models import Finding, Person, SourceRecord
from sanfu.directory.models import Unit
from tests.assistance.conftest import HEADER, LI, ZHANG, Bodies, csv_bytes, id_number

WANG = id_number("33029919620520008")


def run(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("assistance", *args, stdout=out, stderr=io.StringIO())
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


@pytest.fixture
def with_model(tmp_path: Path, linkage_model: Any, settings: Any) -> Path:
    from sanfu.assistance.linkage import default_model_path

    settings.DATA_DIR = tmp_path
    linkage_model.save(default_model_path())
    return tmp_path


def _import(folder: Path, name: str, rows: list[list[str]]) -> None:
    path = folder / name
    path.write_bytes(csv_bytes([HEADER, *rows]))
    result = run("import", "--source", "YXD01", "--file", str(path))
    assert result["refused"] == 0, result


def _person(record: SourceRecord) -> int:
    record.refresh_from_db()
    assert record.person_id is not None
    return record.person_id


def _record(name: str, phone: str) -> SourceRecord:
    return SourceRecord.objects.get(name=name, phone=phone)


def test_a_relink_keeps_ids_splits_get_new_ones_merges_keep_the_older(
    bodies: Bodies, with_model: Path
) -> None:
    _import(with_model, "a.csv", [
        ["张三", ZHANG, "13800138000", "石门镇", "DB01", "800", "2025-01-01"],
        ["张三", ZHANG, "13800138000", "石门镇", "DB01", "800", "2025-02-01"],
        ["张三", ZHANG, "13800138000", "石门镇", "DB01", "800", "2025-03-01"],
        ["李四", LI, "13800138001", "石门镇", "DB01", "800", "2025-01-01"],
        ["李四", "", "13911112222", "白岩镇", "DB01", "800", "2025-02-01"],
    ])  # fmt: skip
    first = run("link")
    assert first["persons"] == 3
    zhang = SourceRecord.objects.filter(name="张三").order_by("pk")
    zhang_id = _person(zhang[0])
    assert {_person(r) for r in zhang} == {zhang_id}
    li_id = _person(_record("李四", "13800138001"))
    stray_id = _person(_record("李四", "13911112222"))
    assert li_id < stray_id  # the stray 李四 (other phone, other town) is a person of its own
    finding = Finding.objects.create(
        kind="duplicate", key="k1", need="subsistence", period="2025-02", person_id=stray_id,
        person_name="李四", seen_at=timezone.now(),
    )  # fmt: skip

    # The first of 张三's records (the smallest id of the cluster) turns out to be another
    # person's; the stray 李四 record is corrected to his phone and town.
    SourceRecord.objects.filter(pk=zhang[0].pk).update(name="王五", id_number=WANG)
    stray = _record("李四", "13911112222")
    SourceRecord.objects.filter(pk=stray.pk).update(
        phone="13800138001", town=Unit.objects.get(name="石门镇")
    )
    second = run("link")

    assert {_person(r) for r in zhang[1:]} == {zhang_id}  # carries on: keeps its id
    split = _person(zhang[0])
    assert split not in {zhang_id, li_id, stray_id}  # split off: a new person
    assert _person(stray) == li_id  # merged into the older person
    assert second["merged_persons"] == 1
    assert second["new_persons"] == 1
    assert Person.objects.get(pk=li_id).merged_ids == [stray_id]
    assert not Person.objects.filter(pk=stray_id).exists()
    finding.refresh_from_db()
    assert finding.person_id == li_id  # the finding follows its person
    assert run("link")["new_persons"] == 0  # nothing changed: every id stays


def test_link_new_makes_one_person_of_a_strangers_records(bodies: Bodies, with_model: Path) -> None:
    _import(with_model, "a.csv", [
        ["张三", ZHANG, "13800138000", "石门镇", "DB01", "800", "2025-01-01"],
        ["张三", ZHANG, "13800138000", "石门镇", "DB01", "800", "2025-02-01"],
    ])  # fmt: skip
    run("link")
    zhang_id = _person(SourceRecord.objects.filter(name="张三").first() or SourceRecord())
    _import(with_model, "b.csv", [
        ["李四", LI, "13800138001", "石门镇", "DB01", "800", "2025-03-01"],
        ["李四", "", "13800138001", "石门镇", "DB01", "800", "2025-04-01"],
        ["张三", "", "13800138000", "石门镇", "DB01", "800", "2025-03-01"],
    ])  # fmt: skip
    result = run("link", "--new")
    assert (result["records"], result["new_persons"]) == (3, 1)
    li = SourceRecord.objects.filter(name="李四")
    assert len({_person(r) for r in li}) == 1
    assert _person(SourceRecord.objects.get(name="张三", given_on="2025-03-01")) == zhang_id

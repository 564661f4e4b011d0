"""`sanfu assistance match` end to end: a CSV in, record_id,person_id out."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from sanfu.assistance.linkage.evaluate import pairwise_scores
from sanfu.lib.idnumber import id_number_check_char
from tests.assistance.linkage.other_generator import population, write_csv

HEADER = "record_id,source,name,id_number,phone,birth_date,address,town"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _match(*args: str) -> tuple[dict[str, object], str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("assistance", "match", *args, stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


def _persons(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as handle:
        return {row["record_id"]: row["person_id"] for row in csv.DictReader(handle)}


def _id(first17: str) -> str:
    return first17 + id_number_check_char(first17)


def test_it_matches_a_gbk_file_from_another_generator(tmp_path):
    rows, truth = population(600, seed=5)
    source = tmp_path / "records.csv"
    write_csv(rows, source, encoding="gbk")
    result, progress = _match("--input", str(source), "--output", str(tmp_path / "out.csv"))
    person_of = _persons(tmp_path / "out.csv")
    scores = pairwise_scores(person_of, truth)
    assert result["records"] == len(rows)
    assert result["persons"] == len(set(person_of.values()))
    assert "predict" in progress
    # This generator was never used to tune the matcher; a few hundred persons give ~500
    # true pairs, so the bars leave room for a couple of its hardest cases only.
    assert scores.precision >= 0.98, scores
    assert scores.recall >= 0.95, scores


def test_a_utf8_file_with_bom_and_full_width_digits_reads(tmp_path):
    number = _id("34292119800101123")
    full = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    source = tmp_path / "in.csv"
    source.write_text(
        f"\ufeff{HEADER}\n"
        f"a,民政局,张三,{full},+86 139-5712-3456,1980年1月1日,城关镇上村1组2号 ,城关镇\n"
        f"b,残联,张三,{number},13957123456,1980/1/1,,\n",
        encoding="utf-8",
    )
    result, _ = _match("--input", str(source), "--output", str(tmp_path / "out.csv"))
    assert result["records"] == 2
    assert _persons(tmp_path / "out.csv") == {"a": "a", "b": "a"}


def test_bad_rows_are_refused_by_row_and_field_and_nothing_is_written(tmp_path):
    source = tmp_path / "in.csv"
    output = tmp_path / "out.csv"
    source.write_text(
        f"{HEADER}\n"
        "a,民政局,张三,,,,,\n"
        "b,民政局,李四,3.42921E+17,,,,\n"
        ",民政局,王五,,,,,\n"
        "d,民政局,赵六,,,2024-02-30,,\n"
        "a,残联,张三,,,,,\n"
        "f,民政局,钱七,,电话未知,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="5 row"):
        _match("--input", str(source), "--output", str(output))
    assert not output.exists()


def test_the_refusal_names_each_row_and_field(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(f"{HEADER}\nb,民政局,李四,3.42921E+17,,,,\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "assistance", "match", "--input", str(source), "--output", str(tmp_path / "o.csv"),
            stdout=io.StringIO(), stderr=err,
        )  # fmt: skip
    assert "row 2, id_number: The ID number was stored as a number" in err.getvalue()


def test_a_row_cut_short_before_its_record_id_is_refused_by_row(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("source,name,record_id\n民政局,张三,a1\n民政局\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 row"):
        call_command(
            "assistance", "match", "--input", str(source), "--output", str(tmp_path / "o.csv"),
            stdout=io.StringIO(), stderr=err,
        )  # fmt: skip
    assert "row 3, record_id: must not be empty" in err.getvalue()


def test_a_file_without_the_required_columns_is_refused(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("id,name\n1,张三\n", encoding="utf-8")
    with pytest.raises(CommandError, match="record_id, source"):
        _match("--input", str(source), "--output", str(tmp_path / "out.csv"))


def test_a_mistyped_id_number_is_kept_for_matching_not_refused(tmp_path):
    number = _id("34292119800101123")
    typo = number[:10] + number[11] + number[10] + number[12:]
    dropped = number[:5] + number[6:]
    source = tmp_path / "in.csv"
    source.write_text(
        f"{HEADER}\n"
        f"a,民政局,张三丰,{number},13957123456,,城关镇上村1组2号,城关镇\n"
        f"b,残联,张三丰,{typo},13957123456,,,城关镇\n"
        f"c,医保,张三丰,{dropped},,,城关镇上村1组2号,\n",
        encoding="utf-8",
    )
    _match("--input", str(source), "--output", str(tmp_path / "out.csv"))
    assert set(_persons(tmp_path / "out.csv").values()) == {"a"}


def test_a_saved_model_is_used_again(tmp_path):
    rows, _ = population(300, seed=6)
    source = tmp_path / "records.csv"
    write_csv(rows, source)
    model = tmp_path / "model.json"
    _match("--input", str(source), "--output", str(tmp_path / "a.csv"), "--save-model", str(model))
    assert json.loads(model.read_text())["format"] == "sanfu-linkage-model"
    _match("--input", str(source), "--output", str(tmp_path / "b.csv"), "--model", str(model))
    assert _persons(tmp_path / "a.csv") == _persons(tmp_path / "b.csv")


def test_a_model_of_another_version_is_refused(tmp_path):
    model = tmp_path / "model.json"
    model.write_text(json.dumps({"format": "sanfu-linkage-model", "version": 99}))
    source = tmp_path / "in.csv"
    source.write_text(f"{HEADER}\na,s,张三,,,,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="version 99"):
        _match("--input", str(source), "--output", str(tmp_path / "o.csv"), "--model", str(model))

"""`sanfu routing …`: JSON on stdout with stable keys, bad files refused naming line and column."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sanfu.routing.suggest import forget_router, load_router
from tests.routing.conftest import corpus, corpus_csv

pytestmark = pytest.mark.django_db

REPORT_KEYS = {
    "accuracy",
    "macro_f1",
    "per_class",
    "n_train",
    "n_test",
    "train_seconds",
    "predict_ms_per_message",
}


def routing(*args: str) -> dict[str, object]:
    out, err = io.StringIO(), io.StringIO()
    call_command("routing", *args, stdout=out, stderr=err)
    result: dict[str, object] = json.loads(out.getvalue())
    return result


def test_train_writes_a_model_that_load_router_then_serves(small_csv: Path, data_dir: Path):
    forget_router()
    result = routing("train", "--data", str(small_csv))
    assert result["model"] == str(data_dir / "routing" / "router.npz")
    assert result["n_train"] == 72
    router = load_router()
    assert router is not None
    assert router.version == result["version"]


def test_train_refuses_to_write_outside_the_data_folder(small_csv: Path, data_dir: Path):
    with pytest.raises(CommandError, match="models are kept only in"):
        routing("train", "--data", str(small_csv), "--out", str(data_dir.parent / "elsewhere.npz"))


def test_evaluate_prints_every_figure(small_csv: Path, tmp_path: Path):
    test_csv = tmp_path / "test.csv"
    test_csv.write_text(corpus_csv(corpus(per_label=6, seed=99)), encoding="utf-8")
    result = routing("evaluate", "--train", str(small_csv), "--test", str(test_csv))
    assert set(result) >= REPORT_KEYS
    assert result["n_test"] == 18
    assert isinstance(result["macro_f1"], float)
    per_class = result["per_class"]
    assert isinstance(per_class, dict)
    assert set(per_class["教育文体"]) == {"precision", "recall", "f1", "support"}


def test_crossval_averages_the_same_figures_over_folds(small_csv: Path):
    result = routing("crossval", "--data", str(small_csv), "--folds", "3")
    assert set(result) >= REPORT_KEYS
    assert result["folds"] == 3
    assert result["n_test"] == 24


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,title,text\n1,a,b\n", "missing column"),
        ("id,title,text,label\n1,路灯,不亮,城乡建设\n2,雨,大,天气\n", "line 3, column label"),
    ],
)
def test_a_bad_csv_is_refused_naming_the_problem(tmp_path: Path, content: str, message: str):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        routing("train", "--data", str(path))


def test_a_missing_file_is_refused_in_one_line(tmp_path: Path):
    with pytest.raises(CommandError, match="cannot be read"):
        routing("crossval", "--data", str(tmp_path / "none.csv"))


def test_training_from_cases_needs_enough_closed_cases(data_dir: Path):
    with pytest.raises(CommandError, match="Fewer than 20"):
        routing("train", "--from-cases")


def test_hotspots_prints_the_clusters_and_the_heat_formula(tmp_path: Path):
    path = tmp_path / "board.csv"
    rows = ["id,user,title,time,text,against,likes"] + [
        f"{n},u{n},A2区丽发新城搅拌站扰民,2019/11/{n + 1} 10:00:00,"
        f"丽发新城小区旁边建搅拌站，噪音扰民，扬尘严重。,0,{n}"
        for n in range(4)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = routing("hotspots", "--data", str(path), "--top", "5")
    assert "ln(1 + votes)" in str(result["heat_formula"])
    hotspots = result["hotspots"]
    assert isinstance(hotspots, list)
    assert hotspots[0]["messages"] == 4
    assert hotspots[0]["ids"] == ["0", "1", "2", "3"]
    assert set(hotspots[0]) >= {"title", "place", "start", "end", "heat", "people", "votes"}


def test_review_counts_the_flags_of_a_replies_file(tmp_path: Path):
    path = tmp_path / "replies.csv"
    path.write_text(
        "id,title,time,text,reply,reply_time\n"
        "1,路灯不亮,2019/5/1 9:00:00,村口路灯坏了,网友您好！留言已收悉。,2019/6/1 9:00:00\n",
        encoding="utf-8",
    )
    result = routing("review", "--data", str(path))
    flags = result["flags"]
    assert isinstance(flags, dict)
    assert flags["too_short"] == 1
    assert flags["late"] == 1


def test_review_check_measures_each_flag_against_the_shipped_labels():
    result = routing("review-check")
    flags = result["flags"]
    assert isinstance(flags, dict)
    assert set(flags) == {"too_short", "no_action", "no_basis", "no_contact", "off_topic"}
    for score in flags.values():
        assert score["labelled"] >= 180
        assert score["deserved"] > 0
        assert score["precision"] >= 0.8
    # The figures are honest about where they come from, and unseen replies are measured too.
    assert "same hand-labelled sample" in str(result["note"])
    held_out = result["held_out"]
    assert isinstance(held_out, dict)
    assert "never used to tune" in held_out["note"]
    assert held_out["flags"]["too_short"]["labelled"] == 50


def test_review_check_reads_another_labelled_file_and_refuses_one_without_labels(
    tmp_path: Path,
):
    path = tmp_path / "labels.csv"
    path.write_text(
        "title,text,reply,too_short,no_action,no_basis,no_contact,off_topic\n"
        "路灯不亮,村口路灯坏了,网友您好！留言已收悉。,1,1,1,1,\n",
        encoding="utf-8",
    )
    result = routing("review-check", "--data", str(path))
    flags = result["flags"]
    assert isinstance(flags, dict)
    assert flags["too_short"]["precision"] == 1.0
    assert flags["off_topic"]["labelled"] == 0
    assert result["note"] == ""
    bad = tmp_path / "bad.csv"
    bad.write_text("title,text,reply\nx,y,z\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing column"):
        routing("review-check", "--data", str(bad))

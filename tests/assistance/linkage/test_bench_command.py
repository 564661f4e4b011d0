"""`sanfu assistance bench`: figures as JSON on stdout, progress on stderr."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command


def test_bench_prints_matching_findings_and_step_figures():
    out, err = io.StringIO(), io.StringIO()
    call_command("assistance", "bench", "--persons", "400", "--seed", "3", stdout=out, stderr=err)
    result = json.loads(out.getvalue())
    assert result["persons"] == 400
    assert result["records"] > 400
    assert 0.9 <= result["matching"]["precision"] <= 1.0
    assert 0.9 <= result["matching"]["recall"] <= 1.0
    assert {"generate", "train", "predict", "cluster", "findings"} <= set(result["steps"])
    assert result["steps"]["predict"]["seconds"] >= 0
    assert set(result["findings"]) >= {"duplicate", "excessive", "missed"}
    assert "train" in err.getvalue()


def test_bench_refuses_a_tiny_county():
    with pytest.raises(CommandError, match="--persons"):
        call_command("assistance", "bench", "--persons", "3", stdout=io.StringIO())


def test_bench_links_the_last_records_incrementally_when_asked():
    out = io.StringIO()
    call_command(
        "assistance", "bench", "--persons", "400", "--seed", "5", "--incremental", "60",
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    result = json.loads(out.getvalue())["incremental"]
    assert result["new_records"] == 60
    assert result["existing_records"] + 60 == json.loads(out.getvalue())["records"]
    assert 0.9 <= result["matching"]["precision"] <= 1.0
    assert 0.9 <= result["matching"]["recall"] <= 1.0

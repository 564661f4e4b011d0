"""The labelled messages shipped for the demo, and training from a compressed CSV."""

from __future__ import annotations

import gzip
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sanfu.routing.datasets import ROUTING_LABELS, examples_read

PACKAGED = Path(__file__).resolve().parents[2] / "sanfu/routing/data/routing_train.csv.gz"


def test_the_shipped_file_holds_every_category_and_reads_cleanly():
    with gzip.open(PACKAGED, "rt", encoding="utf-8-sig", newline="") as lines:
        read = examples_read(lines, labels=ROUTING_LABELS)
    counts = Counter(example.label for example in read.examples)
    assert len(read.examples) == 5927
    assert set(counts) == set(ROUTING_LABELS)


@pytest.mark.django_db
def test_train_reads_a_gzip_csv(small_csv: Path, data_dir: Path, tmp_path: Path):
    packed = tmp_path / "train.csv.gz"
    packed.write_bytes(gzip.compress(small_csv.read_bytes()))
    out = io.StringIO()
    call_command("routing", "train", "--data", str(packed), stdout=out, stderr=io.StringIO())
    assert json.loads(out.getvalue())["n_train"] == 72
    broken = tmp_path / "broken.csv.gz"
    broken.write_bytes(b"not gzip at all")
    with pytest.raises(CommandError, match="not a gzip file"):
        call_command("routing", "train", "--data", str(broken), stdout=io.StringIO())

"""The Spark backend (local mode) runs the model DuckDB trained and finds the same persons.

Slow, and skipped without pyspark (``scripts/uv.sh sync --group analytics``) or Java:
``pytest -m slow tests/assistance/linkage/test_spark.py``.
"""

from __future__ import annotations

import pytest

from sanfu.assistance.linkage import LinkageModel, Record, link, match_new, train
from sanfu.assistance.linkage.evaluate import pairwise_scores
from sanfu.assistance.linkage.spark import spark_available
from sanfu.assistance.linkage.synthetic import generate

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not spark_available(), reason="needs pyspark and Java"),
]


def test_spark_links_with_the_model_duckdb_trained(tmp_path):
    records, truth = generate(2000, seed=21)
    path = tmp_path / "model.json"
    train(records).save(path)
    model = LinkageModel.load(path)
    on_duckdb = link(records, model=model, with_pairs=False).person_of
    on_spark = link(records, model=model, backend="spark", with_pairs=False).person_of
    duck, spark = pairwise_scores(on_duckdb, truth), pairwise_scores(on_spark, truth)
    assert spark.precision >= 0.99, spark
    assert abs(spark.f1 - duck.f1) < 0.002, (duck, spark)


def test_spark_matches_new_records_incrementally():
    records, truth = generate(2000, seed=22)
    model = train(records)
    by_person: dict[str, list[Record]] = {}
    for record in records:
        by_person.setdefault(truth[record.record_id], []).append(record)
    known = next(
        r for r in records
        if r.id_number and r.name and r.phone and len(by_person[truth[r.record_id]]) >= 3
    )  # fmt: skip
    rest = [r for r in records if r is not known]
    linkage = link(rest, model=model, with_pairs=False)
    existing = [(r, linkage.person_of[r.record_id]) for r in rest]
    sibling = next(r for r in by_person[truth[known.record_id]] if r is not known)
    person, probability = match_new([known], existing, model=model, backend="spark")[
        known.record_id
    ]
    assert person == linkage.person_of[sibling.record_id]
    assert probability >= model.threshold

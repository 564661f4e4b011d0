"""Training, linking and incremental matching with Splink (DuckDB by default, Spark selectable)."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from splink import Linker, block_on
from splink.internals.exceptions import SplinkException

from sanfu.assistance.linkage.attach import attach_sparse
from sanfu.assistance.linkage.features import features_table, id_for_matching, name_counts
from sanfu.assistance.linkage.model import (
    LinkageModel,
    comparison_levels,
    settings_creator,
)
from sanfu.assistance.linkage.steps import StepLog, no_gc

if TYPE_CHECKING:
    from splink.internals.database_api import DatabaseAPI
    from splink.internals.splink_dataframe import SplinkDataFrame

    from sanfu.assistance.linkage import Linkage, MatchedPair, NewLinkage, Record

__all__ = [
    "link",
    "link_at_thresholds",
    "link_new",
    "match_new",
    "train",
    "train_or_default",
]

BACKENDS = ("duckdb", "spark")
# Splink logs every SQL step at INFO; only its warnings are worth showing.
_SPLINK_LOG_LEVEL = logging.ERROR
# At most this many records take part in training; more adds time, not precision.
_TRAINING_SAMPLE = 200_000
_MAX_NAME_COUNTS = 100_000
_U_PAIRS = 5e5
MIN_TRAINING_RECORDS = 2_000


@contextmanager
def _db_api(backend: str) -> Iterator[DatabaseAPI[Any]]:
    if backend == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        con = duckdb.connect(":memory:")
        try:
            yield DuckDBAPI(connection=con)
        finally:
            con.close()
    elif backend == "spark":
        from sanfu.assistance.linkage.spark import spark_api

        with spark_api() as api:
            yield api
    else:
        raise ValueError(f"unknown backend {backend!r}; one of {', '.join(BACKENDS)}")


def _register(api: DatabaseAPI[Any], table: pa.Table, name: str) -> SplinkDataFrame:
    # Both backends take an Arrow table (Spark 4 converts it without pandas).
    return api.register(table, table_name=name)


def train(records: Sequence[Record], *, backend: str = "duckdb") -> LinkageModel:
    """Learn the model without labels.

    The prior comes from deterministic links on the exact ID number (assumed to find 60% of
    true pairs: many records have no or a mistyped number); u from random pairs; m by EM in
    two sessions whose blocking leaves every comparison free in at least one of them.
    """
    if len(records) < 2:
        raise ValueError("training needs at least two records")
    try:
        return _train(records, backend=backend)
    except SplinkException as exc:
        raise ValueError(f"these records cannot train a model: {exc}") from exc


def train_or_default(
    records: Sequence[Record], *, backend: str = "duckdb"
) -> tuple[LinkageModel, str]:
    """A model trained on ``records``, or the packaged default when they are too few.

    Returns the model and where it came from (``"trained"`` or ``"default"``). EM needs
    thousands of candidate pairs to estimate anything; below ``MIN_TRAINING_RECORDS``, or when
    training fails for want of pairs, the packaged model (trained on a synthetic county) is
    better than a guess.
    """
    if len(records) >= MIN_TRAINING_RECORDS:
        try:
            return train(records, backend=backend), "trained"
        except ValueError:
            pass
    return LinkageModel.default(), "default"


def _train(records: Sequence[Record], *, backend: str) -> LinkageModel:
    sample = records
    if len(records) > _TRAINING_SAMPLE:
        step = len(records) / _TRAINING_SAMPLE
        sample = [records[int(i * step)] for i in range(_TRAINING_SAMPLE)]
    with _db_api(backend) as api:
        frame = _register(api, features_table(sample), "records")
        linker = Linker(frame, settings_creator(), log_level=_SPLINK_LOG_LEVEL)
        training = linker.training
        training.estimate_probability_two_random_records_match([block_on("id_number")], recall=0.6)
        # Half a million random pairs give every common level's u; the rare levels (a
        # one-digit ID difference) are floored in LinkageModel.from_splink instead of
        # sampling billions of pairs.
        training.estimate_u_using_random_sampling(
            max_pairs=_U_PAIRS, seed=7, min_count_per_level=None, num_chunks=1
        )
        training.estimate_parameters_using_expectation_maximisation(
            block_on("id_number"), estimate_without_term_frequencies=True
        )
        training.estimate_parameters_using_expectation_maximisation(
            block_on("name_pinyin", "birth_date"), estimate_without_term_frequencies=True
        )
        trained = linker.misc.save_model_to_json()
    model = LinkageModel.from_splink(trained, trained_on=len(sample))
    counts = name_counts(sample)
    model.name_total = sum(counts.values())
    model.name_counts = {n: c for n, c in counts.most_common(_MAX_NAME_COUNTS) if c >= 2}
    return model


def _register_name_frequencies(
    api: DatabaseAPI[Any], linker: Linker, records: Sequence[Record], model: LinkageModel
) -> None:
    """Term frequencies of names: the model's counts pooled with this batch's."""
    batch = name_counts(records)
    total = model.name_total + sum(batch.values())
    names = list(batch)
    frequencies = [(model.name_counts.get(n, 0) + batch[n]) / total for n in names]
    table = pa.table(
        {"name": pa.array(names, pa.string()), "tf_name": pa.array(frequencies, pa.float64())}
    )
    frame = _register(api, table, f"tf_name_{id(linker)}")
    linker.table_management.register_term_frequency_lookup(frame, "name")


def _evidence_labels() -> dict[str, dict[int, str]]:
    """Comparison -> gamma value -> label (null level -1, else level 0, best level highest)."""
    labels: dict[str, dict[int, str]] = {}
    for name, levels in comparison_levels().items():
        non_null = levels[1:]
        labels[name] = {-1: levels[0]}
        for index, label in enumerate(non_null):
            labels[name][len(non_null) - 1 - index] = label
    return labels


def _scored_pairs(
    predictions: SplinkDataFrame, threshold: float, *, with_evidence: bool
) -> Iterator[tuple[str, str, float, dict[str, str]]]:
    """Pairs at or above the threshold, except two different valid ID numbers.

    GB 11643's MOD 11-2 check digit catches every single-digit error and every swap of two
    neighbours, so two records that both carry a valid but different number are two people
    (twins share everything else); no amount of other agreement may link them.
    """
    names = list(comparison_levels())
    columns = ["unique_id_l", "unique_id_r", "match_probability", "id_number_l", "id_number_r"]
    columns += ["id_valid_l", "id_valid_r"]
    if with_evidence:
        columns += [f"gamma_{n}" for n in names]
    labels = _evidence_labels()
    table: pa.Table = predictions.as_pyarrow_table()  # type: ignore[no-untyped-call]
    for batch in table.select(columns).to_batches(max_chunksize=200_000):
        data = {c: batch.column(c).to_pylist() for c in columns}
        for i in range(batch.num_rows):
            probability = data["match_probability"][i]
            if probability is None or probability < threshold:
                continue
            if (
                data["id_valid_l"][i]
                and data["id_valid_r"][i]
                and data["id_number_l"][i] != data["id_number_r"][i]
            ):
                continue
            evidence = {n: labels[n][data[f"gamma_{n}"][i]] for n in names} if with_evidence else {}
            yield data["unique_id_l"][i], data["unique_id_r"][i], float(probability), evidence


def _clusters(
    ids: Sequence[str],
    edges: Sequence[tuple[str, str, float]],
    valid_id_of: dict[str, str],
) -> dict[str, str]:
    """Connected components that never join two different valid ID numbers.

    Edges are taken from the most to the least probable; an edge that would put records with
    two different valid ID numbers into one person is skipped. Without this, twins (one of
    whose records lacks the number) or a household sharing a phone would be chained together
    through one weak pair. Each record maps to the smallest record_id of its component.
    """
    parent = {record_id: record_id for record_id in ids}
    number_of: dict[str, str] = dict(valid_id_of)  # root -> its one valid ID number

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for left, right, _ in sorted(edges, key=lambda e: -e[2]):
        a, b = root(left), root(right)
        if a == b:
            continue
        number_a, number_b = number_of.get(a), number_of.get(b)
        if number_a and number_b and number_a != number_b:
            continue
        if b < a:
            a, b = b, a
        parent[b] = a
        if number_a or number_b:
            number_of[a] = number_a or number_b or ""
    return {record_id: root(record_id) for record_id in ids}


def _valid_ids(records: Sequence[Record]) -> dict[str, str]:
    valid: dict[str, str] = {}
    for record in records:
        if record.id_number:
            number, ok = id_for_matching(record.id_number)
            if ok:
                valid[record.record_id] = number
    return valid


def _check_unique(records: Sequence[Record]) -> None:
    seen: set[str] = set()
    for record in records:
        if record.record_id in seen:
            raise ValueError(f"record_id {record.record_id!r} appears twice")
        seen.add(record.record_id)


def link(
    records: Sequence[Record],
    *,
    model: LinkageModel | None = None,
    backend: str = "duckdb",
    with_pairs: bool = True,
    steps: StepLog | None = None,
) -> Linkage:
    """Cluster the records into persons; trains a model on them when none is given.

    ``with_pairs=False`` skips building ``MatchedPair`` objects (a million records make
    millions of them) and returns ``pairs=[]``. ``steps`` records time and memory of the
    train, predict and cluster steps.
    """

    with no_gc():
        return _link(records, model=model, backend=backend, with_pairs=with_pairs, steps=steps)


def _link(
    records: Sequence[Record],
    *,
    model: LinkageModel | None,
    backend: str,
    with_pairs: bool,
    steps: StepLog | None,
) -> Linkage:
    from sanfu.assistance.linkage import Linkage, MatchedPair

    log = steps or StepLog()
    _check_unique(records)
    if model is None:
        with log.step("train"):
            model, _ = train_or_default(records, backend=backend)
    pairs: list[MatchedPair] = []
    edges: list[tuple[str, str, float]] = []
    with log.step("predict"):
        for left, right, probability, evidence in _predict(
            records, model, model.threshold, backend=backend, with_evidence=with_pairs
        ):
            edges.append((left, right, probability))
            if with_pairs:
                pairs.append(MatchedPair(left, right, probability, evidence))
    with log.step("cluster"):
        person_of = _clusters([r.record_id for r in records], edges, _valid_ids(records))
        person_of = attach_sparse(records, person_of)
    return Linkage(person_of=person_of, pairs=pairs)


def _predict(
    records: Sequence[Record],
    model: LinkageModel,
    threshold: float,
    *,
    backend: str,
    with_evidence: bool,
) -> list[tuple[str, str, float, dict[str, str]]]:
    with _db_api(backend) as api:
        frame = _register(api, features_table(records), "records")
        linker = Linker(frame, settings_creator(model), log_level=_SPLINK_LOG_LEVEL)
        _register_name_frequencies(api, linker, records, model)
        predictions = linker.inference.predict(
            threshold_match_probability=threshold, warning_mode="never"
        )
        return list(_scored_pairs(predictions, threshold, with_evidence=with_evidence))


def link_at_thresholds(
    records: Sequence[Record],
    *,
    model: LinkageModel,
    thresholds: Sequence[float],
    backend: str = "duckdb",
) -> dict[float, dict[str, str]]:
    """``person_of`` at each threshold, from one prediction: for choosing the threshold."""
    _check_unique(records)
    scored = _predict(records, model, min(thresholds), backend=backend, with_evidence=False)
    ids, valid = [r.record_id for r in records], _valid_ids(records)
    return {
        t: attach_sparse(
            records, _clusters(ids, [(a, b, p) for a, b, p, _ in scored if p >= t], valid)
        )
        for t in thresholds
    }


def link_new(
    new: Sequence[Record],
    existing: Sequence[tuple[Record, str]],
    *,
    model: LinkageModel,
    backend: str = "duckdb",
) -> NewLinkage:
    """Link new records to existing persons and to each other, without re-linking the rest.

    Pairs are scored between new and existing records and among the new records (the same
    blocking rules as ``link``); pairs among the existing records are not. The pairs at or
    above the threshold are taken from the most probable down, never putting two existing
    persons, or two different valid ID numbers, into one. Then the second pass of ``link``
    (``attach_sparse``) lets a sparse group of new records join the only person, existing or
    new, bearing its name. New records that reach no existing person form new persons, each
    keyed by the smallest record_id of its records.
    """
    from sanfu.assistance.linkage import NewLinkage

    _check_unique([*new, *(record for record, _ in existing)])
    person_of = {record.record_id: person for record, person in existing}
    new_ids = [r.record_id for r in new]
    best: dict[str, float] = dict.fromkeys(new_ids, 0.0)
    edges: list[tuple[str, str, float]] = []  # (new record, new record or person node, p)
    if new and existing:
        for a, b, probability in _predict_between(new, existing, model, backend=backend):
            new_id, old_id = (a, b) if a in best else (b, a)
            best[new_id] = max(best[new_id], probability)
            if probability >= model.threshold:
                edges.append((new_id, _PERSON + person_of[old_id], probability))
    if len(new) >= 2:
        for a, b, probability, _ in _predict(
            new, model, model.threshold, backend=backend, with_evidence=False
        ):
            edges.append((a, b, probability))
    numbers: dict[str, set[str]] = {n: {number} for n, number in _valid_ids(new).items()}
    for record_id, number in _valid_ids([r for r, _ in existing]).items():
        numbers.setdefault(_PERSON + person_of[record_id], set()).add(number)
    group = _components(new_ids, edges, numbers)
    # The second pass, over existing and new records: only groups without an existing person
    # may move, so existing persons are never joined to one another.
    everyone = [*(record for record, _ in existing), *new]
    keys = {r.record_id: _PERSON + p for r, p in existing} | group
    movable = {key for key in group.values() if not key.startswith(_PERSON)}
    keys = attach_sparse(everyone, keys, movable=movable)
    result: dict[str, str | None] = {}
    new_person_of: dict[str, str] = {}
    for record_id in new_ids:
        key = keys[record_id]
        if key.startswith(_PERSON):
            result[record_id] = key.removeprefix(_PERSON)
        else:
            result[record_id] = None
            new_person_of[record_id] = key
    return NewLinkage(person_of=result, new_person_of=new_person_of, probability=best)


# Prefix of an existing person's node: sorts before every record_id, so a group that takes in
# an existing person is keyed by that person.
_PERSON = "\x00"


def _components(
    new_ids: Sequence[str],
    edges: Sequence[tuple[str, str, float]],
    numbers: dict[str, set[str]],
) -> dict[str, str]:
    """New record -> its group: the person node it reached, else its smallest new record_id.

    Edges are taken from the most to the least probable; one that would join two existing
    persons, or two different valid ID numbers, is skipped.
    """
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for new_id in new_ids:
        root(new_id)
    for left, right, _ in sorted(edges, key=lambda e: -e[2]):
        a, b = root(left), root(right)
        if a == b or (a.startswith(_PERSON) and b.startswith(_PERSON)):
            continue
        number_a, number_b = numbers.get(a, set()), numbers.get(b, set())
        if number_a and number_b and not number_a & number_b:
            continue
        if b < a:
            a, b = b, a
        parent[b] = a
        if number_b:
            numbers[a] = number_a | number_b
    return {new_id: root(new_id) for new_id in new_ids}


def _predict_between(
    new: Sequence[Record],
    existing: Sequence[tuple[Record, str]],
    model: LinkageModel,
    *,
    backend: str,
) -> list[tuple[str, str, float]]:
    """Scored pairs of one new and one existing record (every probability)."""
    with _db_api(backend) as api:
        left = _register(api, features_table([r for r, _ in existing]), "existing")
        right = _register(api, features_table(new), "new")
        linker = Linker(
            [left, right],
            settings_creator(model, link_type="link_only"),
            log_level=_SPLINK_LOG_LEVEL,
        )
        _register_name_frequencies(api, linker, [*new, *(r for r, _ in existing)], model)
        predictions = linker.inference.predict_between(
            left, right, link_type="link_only", warning_mode="never"
        )
        return [(a, b, p) for a, b, p, _ in _scored_pairs(predictions, 0.0, with_evidence=False)]


def match_new(
    new: Sequence[Record],
    existing: Sequence[tuple[Record, str]],
    *,
    model: LinkageModel,
    backend: str = "duckdb",
) -> dict[str, tuple[str | None, float]]:
    """Each new record's existing person, or ``None`` (a new person), and the probability of
    its best pair with an existing record (0.0 when no candidate pair was found).

    ``link_new`` in the shape an application needs; ``link_new`` also says which new records
    are one new person.
    """
    linkage = link_new(new, existing, model=model, backend=backend)
    return {
        r.record_id: (linkage.person_of[r.record_id], linkage.probability[r.record_id]) for r in new
    }

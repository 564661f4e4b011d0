"""Scoring the category model: evaluate on a held-out file, and k-fold cross-validation.

Both print the same figures, so a cross-validated choice and a held-out check read alike:
accuracy, macro-F1 (the mean of per-class F1, so the rarer categories count as much as the
common ones), per-class precision/recall/F1/support, training seconds and prediction time per
message measured through `Router.predict` one message at a time (segmentation included).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from sanfu.routing.model import Router
from sanfu.routing.training import (
    SEED,
    Progress,
    TrainingSet,
    TrainOptions,
    router_fit,
)

Report = dict[str, Any]
# Prediction time is measured on at most this many messages: enough for a stable mean.
TIMING_SAMPLE = 500


def _quiet(_message: str) -> None:
    return None


def scores_of(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> Report:
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support  # type: ignore[import-untyped]

    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=list(labels), zero_division=0
    )
    per_class = {
        label: {
            "precision": round(float(precision[i]), 4),
            "recall": round(float(recall[i]), 4),
            "f1": round(float(f1[i]), 4),
            "support": int(support[i]),
        }
        for i, label in enumerate(labels)
    }
    present = [i for i, label in enumerate(labels) if support[i] > 0]
    return {
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(float(np.mean([f1[i] for i in present])) if present else 0.0, 4),
        "per_class": per_class,
    }


def calibration_error(
    confidence: Sequence[float], correct: Sequence[bool], bins: int = 10
) -> float:
    """Expected calibration error of the top suggestion: over ten confidence bins, the gap
    between the stated confidence and the share actually right, weighted by the bin's size."""
    if not confidence:
        return 0.0
    stated, right = np.asarray(confidence), np.asarray(correct, dtype=float)
    which = np.minimum((stated * bins).astype(int), bins - 1)
    error = 0.0
    for number in range(bins):
        inside = which == number
        if inside.any():
            error += inside.mean() * abs(stated[inside].mean() - right[inside].mean())
    return round(float(error), 4)


def predict_labels(router: Router, data: TrainingSet) -> tuple[list[str], float, float]:
    """Each example's top label (through the full text path), and wall-clock and CPU ms per
    message (on a shared machine the CPU figure is the one to compare)."""
    predicted, _confidence, wall, cpu = _predict(router, data)
    return predicted, wall, cpu


def _predict(router: Router, data: TrainingSet) -> tuple[list[str], list[float], float, float]:
    predicted: list[str] = []
    confidence: list[float] = []
    started, started_cpu = time.perf_counter(), time.process_time()
    for example in data.examples:
        top = router.predict(example.title, example.text, top=1)
        predicted.append(top[0].label if top else "")
        confidence.append(top[0].probability if top else 0.0)
    count = max(1, len(data.examples))
    wall = (time.perf_counter() - started) * 1000 / count
    return predicted, confidence, wall, (time.process_time() - started_cpu) * 1000 / count


def evaluate(
    train: TrainingSet,
    test: TrainingSet,
    options: TrainOptions | None = None,
    progress: Progress = _quiet,
) -> Report:
    started, started_cpu = time.perf_counter(), time.process_time()
    progress(f"training on {len(train.examples)} messages")
    router = router_fit(train, options)
    train_seconds = time.perf_counter() - started
    train_cpu = time.process_time() - started_cpu
    progress(f"scoring {len(test.examples)} messages")
    predicted, confidence, _ms, _cpu = _predict(router, test)
    truth = test.labels.tolist()
    labels = sorted(set(router.labels) | set(truth))
    report = scores_of(truth, predicted, labels)
    report["calibration_error"] = calibration_error(
        confidence, [p == t for p, t in zip(predicted, truth, strict=True)]
    )
    sample = test.subset(range(min(TIMING_SAMPLE, len(test.examples))))
    _predicted, ms, cpu_ms = predict_labels(router, sample)
    report.update(
        n_train=len(train.examples),
        n_test=len(test.examples),
        # Training time excludes segmentation, which `training_set` did before (the train
        # command reports it whole).
        train_seconds=round(train_seconds, 2),
        train_cpu_seconds=round(train_cpu, 2),
        predict_ms_per_message=round(ms, 3),
        predict_cpu_ms_per_message=round(cpu_ms, 3),
    )
    return report


def crossval(
    data: TrainingSet,
    folds: int = 5,
    options: TrainOptions | None = None,
    progress: Progress = _quiet,
) -> Report:
    """Stratified k-fold: every figure is the mean over folds (per-class support is summed)."""
    from sklearn.model_selection import StratifiedKFold  # type: ignore[import-untyped]

    if folds < 2:
        raise ValueError("cross-validation needs at least two folds")
    labels = data.labels
    splitter = StratifiedKFold(folds, shuffle=True, random_state=SEED)
    reports = []
    for number, (train, test) in enumerate(splitter.split(np.zeros(len(labels)), labels), 1):
        progress(f"fold {number}/{folds}")
        reports.append(evaluate(data.subset(train), data.subset(test), options))
    return _mean_report(reports, folds)


def _mean_report(reports: list[Report], folds: int) -> Report:
    def mean(key: str) -> float:
        return round(float(np.mean([r[key] for r in reports])), 4)

    labels = sorted({label for r in reports for label in r["per_class"]})
    per_class = {}
    for label in labels:
        rows = [r["per_class"][label] for r in reports if label in r["per_class"]]
        per_class[label] = {
            key: round(float(np.mean([row[key] for row in rows])), 4)
            for key in ("precision", "recall", "f1")
        } | {"support": int(sum(row["support"] for row in rows))}
    return {
        "accuracy": mean("accuracy"),
        "macro_f1": mean("macro_f1"),
        "macro_f1_std": round(float(np.std([r["macro_f1"] for r in reports])), 4),
        "calibration_error": mean("calibration_error"),
        "per_class": per_class,
        "n_train": round(mean("n_train")),
        "n_test": round(mean("n_test")),
        "train_seconds": round(mean("train_seconds"), 2),
        "train_cpu_seconds": round(mean("train_cpu_seconds"), 2),
        "predict_ms_per_message": round(mean("predict_ms_per_message"), 3),
        "predict_cpu_ms_per_message": round(mean("predict_cpu_ms_per_message"), 3),
        "folds": folds,
    }

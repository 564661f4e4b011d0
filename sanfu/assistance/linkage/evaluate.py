"""Pairwise precision, recall and F1 of a clustering against the truth."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["PairwiseScores", "pairwise_scores"]


@dataclass(frozen=True)
class PairwiseScores:
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 5),
            "recall": round(self.recall, 5),
            "f1": round(self.f1, 5),
            "true_pairs": self.true_pairs,
            "predicted_pairs": self.predicted_pairs,
            "correct_pairs": self.correct_pairs,
        }


def _pairs(counts: Counter[object]) -> int:
    return sum(n * (n - 1) // 2 for n in counts.values())


def pairwise_scores(predicted: Mapping[str, str], truth: Mapping[str, str]) -> PairwiseScores:
    """Count pairs of records put together by ``predicted`` (record -> cluster) and ``truth``.

    Both mappings must cover the same records. Counted through cluster sizes, never by listing
    pairs, so a million records take a second.
    """
    if predicted.keys() != truth.keys():
        raise ValueError("the clustering and the truth cover different records")
    both: Counter[object] = Counter((predicted[r], truth[r]) for r in truth)
    return PairwiseScores(
        true_pairs=_pairs(Counter(truth.values())),
        predicted_pairs=_pairs(Counter(predicted.values())),
        correct_pairs=_pairs(both),
    )

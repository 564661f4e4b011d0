"""The trained category model at prediction time: NumPy only, no scikit-learn.

`Router.predict` turns a title and text into the first-level categories ranked with calibrated
probabilities. The scores are a linear model over TF-IDF blocks (see features.py); the
probabilities come from a small multinomial calibrator fitted on out-of-fold scores, so "0.9"
means right about nine times in ten on messages the model did not see in training.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sanfu.routing import storage
from sanfu.routing.features import (
    CharBlock,
    FeatureBlock,
    FeatureSpec,
    Message,
    cleaned,
    message_words,
)
from sanfu.routing.text import Segmenter, default_segmenter

Array = np.ndarray[Any, Any]


@dataclass(frozen=True)
class Prediction:
    label: str
    probability: float


class Router:
    """A trained first-level category model."""

    def __init__(
        self,
        *,
        spec: FeatureSpec,
        labels: list[str],
        word_vocabulary: Array,
        word_idf: Array,
        char_vocabulary: Array,
        char_idf: Array,
        coef: Array,
        intercept: Array,
        calibration_coef: Array,
        calibration_intercept: Array,
        info: dict[str, Any] | None = None,
        segmenter: Segmenter | None = None,
    ) -> None:
        self.spec = spec
        self.labels = list(labels)
        self.words = FeatureBlock(word_vocabulary, word_idf, offset=0)
        self.chars = CharBlock(char_vocabulary, char_idf, offset=self.words.size, spec=spec)
        # One row per term: a message's terms are gathered as contiguous rows.
        self.weights = np.ascontiguousarray(coef.T, dtype=np.float64)
        self.intercept = intercept.astype(np.float64)
        self.calibration_coef = calibration_coef.astype(np.float64)
        self.calibration_intercept = calibration_intercept.astype(np.float64)
        self.info = dict(info or {})
        self.segmenter = segmenter or default_segmenter()
        self._arrays = {
            "word_vocabulary": word_vocabulary,
            "word_idf": word_idf,
            "char_vocabulary": char_vocabulary,
            "char_idf": char_idf,
            "coef": coef,
            "intercept": intercept,
            "calibration_coef": calibration_coef,
            "calibration_intercept": calibration_intercept,
        }
        if coef.shape != (len(self.labels), self.words.size + self.chars.size):
            raise storage.ModelFormatError("the weights do not match the vocabularies")

    @property
    def version(self) -> str:
        """A short fingerprint of the weights: what a recorded suggestion was made with."""
        return str(self.info.get("version", ""))

    def scores(self, message: Message) -> Array | None:
        """The linear model's raw scores, or None when the message has no known term."""
        parts = cleaned(message, self.spec)
        words = message_words(parts, self.spec, self.segmenter, lookup=True)
        word_columns, word_values = self.words.vector(words, 1.0)
        char_columns, char_values = self.chars.vector(parts, self.spec.char_block_weight)
        if not len(word_columns) and not len(char_columns):
            return None
        columns = np.concatenate([word_columns, char_columns])
        values = np.concatenate([word_values, char_values])
        result: Array = values @ np.take(self.weights, columns, axis=0) + self.intercept
        return result

    def probabilities(self, scores: Array) -> Array:
        logits = self.calibration_coef @ scores + self.calibration_intercept
        logits -= logits.max()
        exp = np.exp(logits)
        result: Array = exp / exp.sum()
        return result

    def predict(self, title: str, text: str, *, top: int = 3) -> list[Prediction]:
        """The `top` most likely categories, best first; [] when nothing in the text is known."""
        scores = self.scores(Message(title=title, text=text))
        if scores is None:
            return []
        probabilities = self.probabilities(scores)
        order = np.argsort(-probabilities, kind="stable")[:top]
        return [Prediction(self.labels[i], round(float(probabilities[i]), 4)) for i in order]

    # --- files -------------------------------------------------------------------------

    def save(self, path: Path | None = None) -> Path:
        header = {"spec": self.spec.as_dict(), "labels": self.labels, "info": self.info}
        return storage.write_model(path or storage.default_model_path(), header, self._arrays)

    @classmethod
    def load(cls, path: Path | None = None, *, segmenter: Segmenter | None = None) -> Router:
        header, arrays = storage.read_model(path or storage.default_model_path())
        try:
            return cls(
                spec=FeatureSpec.from_dict(header["spec"]),
                labels=[str(label) for label in header["labels"]],
                info=header.get("info") or {},
                segmenter=segmenter,
                **{name: arrays[name] for name in _ARRAY_NAMES},
            )
        except (KeyError, TypeError) as exc:
            raise storage.ModelFormatError(f"incomplete model file: {exc}") from exc


_ARRAY_NAMES = (
    "word_vocabulary",
    "word_idf",
    "char_vocabulary",
    "char_idf",
    "coef",
    "intercept",
    "calibration_coef",
    "calibration_intercept",
)


def weights_fingerprint(coef: Array) -> str:
    return hashlib.sha256(np.ascontiguousarray(coef, dtype=np.float32).tobytes()).hexdigest()[:12]

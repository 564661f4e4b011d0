"""Training, evaluating and cross-validating the category model (scikit-learn lives here only).

Segmentation (jieba-rs) is cheap but not free, so each message is segmented once
into `Terms` and every fold and every candidate model reuses them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from sanfu.routing.features import FeatureSpec, Message, Terms, message_terms
from sanfu.routing.model import Router, weights_fingerprint
from sanfu.routing.text import Segmenter, default_segmenter

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped]

Array = np.ndarray[Any, Any]
Progress = Callable[[str], None]

# The model chosen by cross-validation on routing_train.csv (see scripts/bench_routing_models.py
# and the issue note; scripts/bench_routing_ideas.py for the later ideas, none better): which
# linear model, and its regularisation.
DEFAULT_CLASSIFIER = "svm"
DEFAULT_C = 0.5
# Three folds: the temperature is one number, and each fold is another fit (~5 s).
CALIBRATION_FOLDS = 3
SEED = 20200


@dataclass(frozen=True)
class Example:
    title: str
    text: str
    label: str


@dataclass
class TrainingSet:
    """Examples with their terms, segmented once."""

    examples: list[Example]
    terms: list[Terms]
    spec: FeatureSpec

    @property
    def labels(self) -> Array:
        return np.array([e.label for e in self.examples])

    def subset(self, indices: Sequence[int] | Array) -> TrainingSet:
        return TrainingSet(
            [self.examples[i] for i in indices], [self.terms[i] for i in indices], self.spec
        )


def training_set(
    examples: Sequence[Example],
    spec: FeatureSpec | None = None,
    segmenter: Segmenter | None = None,
) -> TrainingSet:
    spec = spec or FeatureSpec()
    segmenter = segmenter or default_segmenter()
    terms = [message_terms(Message(e.title, e.text), spec, segmenter) for e in examples]
    return TrainingSet(list(examples), terms, spec)


def _identity(terms: list[str]) -> list[str]:
    return terms


@dataclass
class Vectorizers:
    """The fitted TF-IDF of each block, and the matrices of the data they were fitted on."""

    words: Any
    chars: Any
    spec: FeatureSpec

    def transform(self, terms: Sequence[Terms]) -> csr_matrix:
        from scipy.sparse import hstack

        words = self.words.transform([t.words for t in terms])
        chars = self.chars.transform([t.chars for t in terms]) * self.spec.char_block_weight
        return hstack([words, chars]).tocsr()


def _block_fit(documents: list[list[str]], spec: FeatureSpec) -> tuple[Any, csr_matrix]:
    """A TF-IDF vectorizer fitted on one block, and the block's matrix.

    A small or empty block (a test's handful of messages, or the character block turned
    off) would leave no term after the document-frequency limits; it then keeps every term,
    or one placeholder that never occurs, so the model file always has both blocks.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

    options: dict[str, Any] = {"analyzer": _identity, "sublinear_tf": True, "dtype": np.float64}
    try:
        vectorizer = TfidfVectorizer(min_df=spec.min_df, max_df=spec.max_df, **options)
        return vectorizer, vectorizer.fit_transform(documents)
    except ValueError:
        vectorizer = TfidfVectorizer(**options)
        if not any(documents):
            vectorizer.fit([[PLACEHOLDER]])
            return vectorizer, vectorizer.transform(documents)
        return vectorizer, vectorizer.fit_transform(documents)


PLACEHOLDER = "\x00"


def vectorizers_fit(data: TrainingSet) -> tuple[Vectorizers, csr_matrix]:
    from scipy.sparse import hstack

    spec = data.spec
    words, word_matrix = _block_fit([t.words for t in data.terms], spec)
    chars, char_matrix = _block_fit([t.chars for t in data.terms], spec)
    matrix = hstack([word_matrix, char_matrix * spec.char_block_weight]).tocsr()
    return Vectorizers(words, chars, spec), matrix


def classifier_make(name: str, c: float) -> Any:
    """A linear model by name; each exposes decision_function and coef_/intercept_."""
    from sklearn.linear_model import RidgeClassifier, SGDClassifier  # type: ignore[import-untyped]
    from sklearn.svm import LinearSVC  # type: ignore[import-untyped]

    if name == "svm":
        return LinearSVC(C=c, class_weight="balanced", random_state=SEED)
    if name == "svm_plain":
        return LinearSVC(C=c, random_state=SEED)
    if name == "logreg":
        # Logistic loss by SGD (c is alpha): lbfgs took minutes on 400,000 sparse columns,
        # and liblinear no longer does one-vs-rest itself.
        return SGDClassifier(
            loss="log_loss", alpha=c, class_weight="balanced", max_iter=50, random_state=SEED
        )
    if name == "sgd":
        return SGDClassifier(
            loss="modified_huber", alpha=c, class_weight="balanced", random_state=SEED
        )
    if name == "ridge":
        return RidgeClassifier(alpha=c, class_weight="balanced")
    raise ValueError(f"unknown classifier {name!r}")


@dataclass
class Fitted:
    coef: Array
    intercept: Array
    classes: list[str]

    def decision(self, matrix: csr_matrix) -> Array:
        result: Array = np.asarray(matrix @ self.coef.T) + self.intercept
        return result


def linear_fit(matrix: csr_matrix, labels: Array, *, name: str, c: float) -> Fitted:
    model = classifier_make(name, c)
    model.fit(matrix, labels)
    coef = np.asarray(model.coef_, dtype=np.float64)
    intercept = np.atleast_1d(np.asarray(model.intercept_, dtype=np.float64))
    if len(model.classes_) == 2:  # binary models keep one row; make it one per class
        coef = np.vstack([-coef[0], coef[0]]) / 2
        intercept = np.array([-intercept[0], intercept[0]]) / 2
    return Fitted(coef, intercept, [str(c) for c in model.classes_])


def calibration_fit(matrix: csr_matrix, labels: Array, *, name: str, c: float) -> float:
    """The temperature T that makes softmax(scores / T) honest on out-of-fold scores.

    One number, fitted by maximum likelihood: it turns scores into probabilities without
    changing which category ranks first (a full multinomial calibrator did, and cost 0.4
    points of macro-F1 by favouring the common categories).
    """
    from scipy.optimize import minimize_scalar  # type: ignore[import-untyped]
    from sklearn.model_selection import StratifiedKFold  # type: ignore[import-untyped]

    classes = sorted(set(labels.tolist()))
    folds = min(CALIBRATION_FOLDS, min(int((labels == k).sum()) for k in classes))
    scores = np.zeros((len(labels), len(classes)))
    if folds >= 2:
        splitter = StratifiedKFold(folds, shuffle=True, random_state=SEED)
        for train, test in splitter.split(np.zeros(len(labels)), labels):
            scores[test] = linear_fit(matrix[train], labels[train], name=name, c=c).decision(
                matrix[test]
            )
    else:  # too few examples to hold any out: calibrate on the training scores themselves
        scores = linear_fit(matrix, labels, name=name, c=c).decision(matrix)
    truth = np.searchsorted(classes, labels)

    def loss(log_temperature: float) -> float:
        logits = scores / np.exp(log_temperature)
        logits -= logits.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(logits).sum(axis=1))
        return float(np.mean(log_norm - logits[np.arange(len(truth)), truth]))

    best = minimize_scalar(loss, bounds=(-7.0, 3.0), method="bounded")
    return float(np.exp(best.x))


@dataclass
class TrainOptions:
    classifier: str = DEFAULT_CLASSIFIER
    c: float = DEFAULT_C
    spec: FeatureSpec = field(default_factory=FeatureSpec)


def router_fit(data: TrainingSet, options: TrainOptions | None = None) -> Router:
    """Train on segmented examples; the model's labels are those seen in `data`."""
    options = options or TrainOptions(spec=data.spec)
    labels = data.labels
    if len(set(labels.tolist())) < 2:
        raise ValueError("training needs examples of at least two categories")
    vectorizers, matrix = vectorizers_fit(data)
    fitted = linear_fit(matrix, labels, name=options.classifier, c=options.c)
    temperature = calibration_fit(matrix, labels, name=options.classifier, c=options.c)
    calibration_coef, calibration_intercept = _calibration_arrays(temperature, fitted.classes)
    return Router(
        spec=data.spec,
        labels=fitted.classes,
        word_vocabulary=_vocabulary(vectorizers.words),
        word_idf=vectorizers.words.idf_.astype(np.float32),
        char_vocabulary=_vocabulary(vectorizers.chars),
        char_idf=vectorizers.chars.idf_.astype(np.float32),
        coef=fitted.coef.astype(np.float32),
        intercept=fitted.intercept.astype(np.float32),
        calibration_coef=calibration_coef,
        calibration_intercept=calibration_intercept,
        info={
            "version": weights_fingerprint(fitted.coef),
            "classifier": options.classifier,
            "c": options.c,
            "n_train": len(labels),
            "temperature": round(temperature, 4),
            "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        },
        segmenter=None,
    )


def _vocabulary(vectorizer: Any) -> Array:
    terms = sorted(vectorizer.vocabulary_.items(), key=lambda item: item[1])
    return np.array([term for term, _index in terms], dtype=np.str_)


def _calibration_arrays(temperature: float, classes: list[str]) -> tuple[Array, Array]:
    """Temperature scaling in the model file's general form: (I / T) · scores + 0."""
    size = len(classes)
    coef: Array = (np.eye(size) / temperature).astype(np.float32)
    intercept: Array = np.zeros(size, dtype=np.float32)
    return coef, intercept

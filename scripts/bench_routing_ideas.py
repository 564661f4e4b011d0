"""Last ideas for the category router, each paired per fold against the shipped recipe (issue 6).

    SANFU_DEBUG=true .venv/bin/python scripts/bench_routing_ideas.py \
        --data ../shared/data/routing_train.csv --shared ../shared/data \
        [--only ceiling,taxonomy,embeddings,lsa,ensembles,stacking,mlp,bias]

The same 5 stratified folds as `sanfu routing crossval` (seed 20200). For every candidate the
line shows its mean macro-F1 ± std over the folds and the paired per-fold difference against
the shipped model (linear SVM C=0.5 on word TF-IDF + char 1-3 n-grams): mean ± standard error,
and "beats" when the mean exceeds twice its standard error (the rule for shipping a new model).
Anything learnt from unlabelled text (embeddings, LSA) is fitted per fold on the training
folds' text plus the other local files, never on the held-out fold; any weighting that would
need choosing is printed for each value tried, so a choice can be made on inner folds only.
Each group takes minutes (the MLP about half an hour on the shared machine): use --only.

- ceiling: messages whose text is the same up to a few characters (cosine of char 1-3 TF-IDF
  ≥ 0.9) but whose labels differ, and the macro-F1 of an oracle that gives each group of such
  near-duplicates its majority label and is right on everything else: the bound that
  contradictory duplicates alone put on any model.
- taxonomy: the office's catalogue (category_taxonomy.csv, level1 → level2 → level3): per
  level-1 class, how many of the message's words are words of that class's level-2/3 terms,
  and how many level-3 terms occur verbatim; added as extra columns at a few weights.
- embeddings: word vectors from PPMI + SVD of word co-occurrence (window 5) over all local
  text, a message as the tf-idf-weighted mean of its words' vectors, added as dense columns.
- lsa: truncated SVD of the word TF-IDF over all local text, added as dense columns.
- ensembles: calibrated probabilities (softmax of out-of-fold-temperature scores) of SVM,
  logistic regression and complement NB averaged.
- stacking: a multinomial logistic meta-learner over the out-of-fold scores (inner 5 folds of
  the training folds only) of several models and views.
- mlp: a small neural model trained here (truncated SVD 300 of the TF-IDF, one hidden layer of
  256), alone and averaged with the SVM's calibrated probabilities.
- bias: per-class offsets on the SVM's scores chosen for macro-F1 on inner folds; then the
  shipped model's out-of-fold confusions and a sample of its errors, to read.

Measured 2026-11-29 (shipped 0.9184 ± 0.0152; diff = paired mean ± standard error; none beats):
  ceiling ≥ 0.95 / 0.9 / 0.8 cosine: 181 / 218 / 247 near-duplicate pairs, 2 with different
    labels (2 groups, 4 messages): oracle macro-F1 0.9998 — duplicates cap nothing.
  taxonomy weight 0.1 / 0.3 / 1.0: 0.9187 (+0.0003 ± 0.0007) / 0.9185 (+0.0000 ± 0.0018) /
    0.9125 (-0.0059 ± 0.0037)
  PPMI-SVD 100-d, weight 0.3 / 1 / 3: 0.9166 (-0.0018 ± 0.0020) / 0.9069 / 0.8932
    (300-d: the SVD had not finished after 16 CPU minutes; dropped)
  LSA 200-d, weight 0.3 / 1 / 3: 0.9171 (-0.0013 ± 0.0011) / 0.9077 / 0.8934
  mean of calibrated probabilities: svm+logreg 0.9156, svm+cnb 0.9109, svm+logreg+cnb 0.9136,
    svm+words-only svm+chars-only svm 0.9153, all six (with kNN) 0.9169 (-0.0015 ± 0.0025)
  stacking: svm+logreg+cnb 0.9134, three SVM views 0.9098, five models 0.9119, six 0.9158
  MLP on SVD-300: 0.8992 (-0.0192 ± 0.0043); averaged with the SVM 0.9148 (-0.0036 ± 0.0026)
  per-class offsets for macro-F1: 0.9142 (-0.0042 ± 0.0028)
  errors: 461 of 5927 out of fold (accuracy 0.922); most confused 商贸旅游→城乡建设 61,
    交通运输→城乡建设 36, 城乡建设→商贸旅游 36, 城乡建设→环境保护 25. Reading the 40 sampled
    errors: 28 could go either way (物业乱收费 under 商贸旅游, 迅达大道多坑 under 交通运输,
    保健品推销 under 卫生计生...), 4 labels look wrong (公交车拒载 under 城乡建设), 8 are the
    model's plain mistakes (农民工路灯工钱 guessed 城乡建设). If every plain mistake were fixed
    (~20% of errors, ~90 messages) accuracy would be ~0.938: one reader's estimate on 40
    errors, but it puts 0.94 at about the ceiling of any model scored against these labels.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanfu.settings")
os.environ.setdefault("SANFU_DEBUG", "true")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import django

django.setup()

import numpy as np  # noqa: E402
from bench_routing_models import MemoSegmenter, macro  # noqa: E402
from scipy import sparse  # type: ignore[import-untyped]  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # type: ignore[import-untyped]  # noqa: E402

from sanfu.routing.datasets import FIELD_LIMIT, ROUTING_LABELS, examples_read  # noqa: E402
from sanfu.routing.features import FeatureSpec, Message, cleaned  # noqa: E402
from sanfu.routing.text import char_ngrams, clean  # noqa: E402
from sanfu.routing.training import (  # noqa: E402
    SEED,
    TrainingSet,
    linear_fit,
    training_set,
    vectorizers_fit,
)

Array = np.ndarray[Any, Any]
# scores(train_matrix, train_labels, test_matrix, fold) -> (scores, classes); the fold lets a
# scorer reach its own per-fold extra features.
Scorer = Callable[[Any, Array, Any, "Fold"], tuple[Array, list[str]]]


class Fold:
    def __init__(self, data: TrainingSet, train: Array, test: Array) -> None:
        self.train, self.test = train, test
        self.vectorizers, self.x_train = vectorizers_fit(data.subset(train))
        self.x_test = self.vectorizers.transform([data.terms[i] for i in test])
        self.y_train, self.y_test = data.labels[train], data.labels[test]
        self.extra: dict[str, Any] = {}


def folds_make(data: TrainingSet, k: int = 5) -> list[Fold]:
    splitter = StratifiedKFold(k, shuffle=True, random_state=SEED)
    return [
        Fold(data, tr, te) for tr, te in splitter.split(np.zeros(len(data.labels)), data.labels)
    ]


def svm_scores(x_train: Any, y: Array, x_test: Any, c: float = 0.5) -> tuple[Array, list[str]]:
    fitted = linear_fit(x_train, y, name="svm", c=c)
    return fitted.decision(x_test), fitted.classes


def per_fold(folds: list[Fold], scorer: Scorer) -> list[float]:
    result = []
    for fold in folds:
        scores, classes = scorer(fold.x_train, fold.y_train, fold.x_test, fold)
        predicted = np.array(classes)[np.asarray(scores).argmax(axis=1)]
        result.append(macro(fold.y_test, predicted)[0])
    return result


TABLE: list[dict[str, Any]] = []


def report(name: str, f1s: list[float], base: list[float] | None, seconds: float) -> None:
    mean, std = float(np.mean(f1s)), float(np.std(f1s))
    line = f"{name:62s} macro-F1 {mean:.4f} ±{std:.4f}"
    row: dict[str, Any] = {"candidate": name, "macro_f1": round(mean, 4), "std": round(std, 4)}
    if base is not None:
        diff = np.array(f1s) - np.array(base)
        se = float(diff.std(ddof=1) / np.sqrt(len(diff)))
        beats = diff.mean() > 2 * se
        line += f"  diff {diff.mean():+.4f} ±{se:.4f} (se){'  BEATS' if beats else ''}"
        row.update(diff=round(float(diff.mean()), 4), se=round(se, 4), beats=bool(beats))
    row["folds"] = [round(f, 4) for f in f1s]
    row["seconds"] = round(seconds, 1)
    TABLE.append(row)
    print(f"{line}  ({seconds:.0f} s)", flush=True)


def timed(folds: list[Fold], scorer: Scorer) -> tuple[list[float], float]:
    started = time.perf_counter()
    return per_fold(folds, scorer), time.perf_counter() - started


# --- local text ---------------------------------------------------------------------------


def local_messages(shared: Path) -> list[Message]:
    """Title and text of the other local files (no labels are read)."""
    csv.field_size_limit(FIELD_LIMIT)
    result = []
    for name in ("unlabeled_messages.csv", "hotspot_messages.csv", "replied_messages.csv"):
        with (shared / name).open(encoding="utf-8-sig", newline="") as lines:
            result += [Message(r["title"], r["text"]) for r in csv.DictReader(lines)]
    return result


# --- ceiling ------------------------------------------------------------------------------


def ceiling(data: TrainingSet, threshold: float) -> dict[str, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

    texts = [clean(e.title + " " + e.text, limit=3000) for e in data.examples]
    vectorizer = TfidfVectorizer(
        analyzer=lambda t: char_ngrams(t, 1, 3), sublinear_tf=True, min_df=1
    )
    matrix = vectorizer.fit_transform(texts)
    similarity = (matrix @ matrix.T).tocoo()
    keep = (similarity.row < similarity.col) & (similarity.data >= threshold)
    rows, cols = similarity.row[keep], similarity.col[keep]
    labels = data.labels
    conflicting = int((labels[rows] != labels[cols]).sum())
    graph = sparse.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(labels),) * 2)
    _count, component = sparse.csgraph.connected_components(graph, directed=False)
    groups: dict[int, list[int]] = defaultdict(list)
    for i, g in enumerate(component):
        groups[int(g)].append(i)
    oracle = labels.copy()
    mixed_groups, mixed_messages = 0, 0
    for members in groups.values():
        found = Counter(labels[members].tolist())
        if len(found) > 1:
            mixed_groups += 1
            mixed_messages += len(members)
            oracle[members] = found.most_common(1)[0][0]
    f1, accuracy = macro(labels, oracle)
    return {
        "threshold": threshold,
        "near_duplicate_pairs": len(rows),
        "pairs_with_different_labels": conflicting,
        "groups_with_different_labels": mixed_groups,
        "messages_in_those_groups": mixed_messages,
        "oracle_macro_f1": round(f1, 4),
        "oracle_accuracy": round(accuracy, 4),
    }


# --- taxonomy -----------------------------------------------------------------------------


def taxonomy_features(
    data: TrainingSet, path: Path, segmenter: MemoSegmenter, spec: FeatureSpec
) -> Array:
    """Per level-1 class: share of the message's words that are words of the class's
    level-2/3 terms (two columns: title and text), and verbatim level-3 term hits."""
    with path.open(encoding="utf-8-sig", newline="") as lines:
        rows = list(csv.DictReader(lines))
    classes = sorted({r["level1"] for r in rows})
    words_of: dict[str, set[int]] = defaultdict(set)
    phrases: list[tuple[str, int]] = []
    for r in rows:
        k = classes.index(r["level1"])
        for term in (r["level2"], r["level3"]):
            for word in segmenter.words_of(clean(term)):
                if len(word) >= 2:
                    words_of[word].add(k)
        phrases.append((clean(r["level3"]), k))
    columns = 3 * len(classes)
    result = np.zeros((len(data.examples), columns))
    for i, example in enumerate(data.examples):
        parts = cleaned(Message(example.title, example.text), spec)
        for block, text in enumerate((parts.title, parts.text)):
            words = segmenter.words_of(text)
            for word in words:
                for k in words_of.get(word, ()):
                    result[i, block * len(classes) + k] += 1
            if words:
                result[i, block * len(classes) : (block + 1) * len(classes)] /= np.sqrt(len(words))
        whole = parts.title + " " + parts.text
        for phrase, k in phrases:
            if phrase and phrase in whole:
                result[i, 2 * len(classes) + k] += 1
    print(f"taxonomy: {len(classes)} level-1 classes, {len(words_of)} words", file=sys.stderr)
    return result


def with_dense(name: str, weight: float, c: float = 0.5) -> Scorer:
    """SVM on the TF-IDF blocks plus a fold's dense extra columns (standardised × weight)."""

    def scorer(x_train: Any, y: Array, x_test: Any, fold: Fold) -> tuple[Array, list[str]]:
        extra_train, extra_test = fold.extra[name]
        scale = extra_train.std(axis=0) + 1e-9
        center = extra_train.mean(axis=0)
        dense_train = (extra_train - center) / scale * weight / np.sqrt(extra_train.shape[1])
        dense_test = (extra_test - center) / scale * weight / np.sqrt(extra_train.shape[1])
        return svm_scores(
            sparse.hstack([x_train, dense_train]).tocsr(),
            y,
            sparse.hstack([x_test, dense_test]).tocsr(),
            c,
        )

    return scorer


# --- embeddings (PPMI + SVD) and LSA ------------------------------------------------------


def ppmi_vectors(documents: list[list[str]], dim: int, window: int = 5) -> dict[str, Array]:
    from scipy.sparse.linalg import svds  # type: ignore[import-untyped]

    counts = Counter(w for d in documents for w in d)
    vocabulary = {w: i for i, (w, n) in enumerate(counts.most_common()) if n >= 3}
    rows: list[int] = []
    cols: list[int] = []
    for document in documents:
        ids = [vocabulary[w] for w in document if w in vocabulary]
        for offset in range(1, window + 1):
            rows += ids[:-offset]
            cols += ids[offset:]
    size = len(vocabulary)
    cooc = sparse.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(size, size)).tocsr()
    cooc = cooc + cooc.T
    total = cooc.sum()
    row_sum = np.asarray(cooc.sum(axis=1)).ravel()
    col_sum = row_sum**0.75  # context distribution smoothing (Levy et al.)
    col_sum = col_sum / col_sum.sum() * total
    cooc = cooc.tocoo()
    pmi = np.log(cooc.data * total / (row_sum[cooc.row] * col_sum[cooc.col]))
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (cooc.row[keep], cooc.col[keep])), shape=(size, size))
    u, s, _vt = svds(ppmi, k=dim, random_state=SEED)
    vectors = u * np.sqrt(s)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    return {w: vectors[i] for w, i in vocabulary.items()}


def doc_vectors(terms: list[list[str]], vectors: dict[str, Array], idf: dict[str, float]) -> Array:
    dim = len(next(iter(vectors.values())))
    result = np.zeros((len(terms), dim))
    for i, words in enumerate(terms):
        total = np.zeros(dim)
        for word, n in Counter(words).items():
            if word in vectors:
                total += (1 + np.log(n)) * idf.get(word, 1.0) * vectors[word]
        norm = np.linalg.norm(total)
        result[i] = total / norm if norm else total
    return result


# --- ensembles and stacking ---------------------------------------------------------------


def _knn(x_train: Any, y: Array, x_test: Any, k: int = 10) -> tuple[Array, list[str]]:
    classes = sorted(set(y.tolist()))
    similarity = (x_test @ x_train.T).toarray()
    top = np.argsort(-similarity, axis=1)[:, :k]
    scores = np.zeros((x_test.shape[0], len(classes)))
    index = np.searchsorted(classes, y)
    for row in range(x_test.shape[0]):
        np.add.at(scores[row], index[top[row]], similarity[row, top[row]])
    return scores, classes


def _cnb(x_train: Any, y: Array, x_test: Any) -> tuple[Array, list[str]]:
    from sklearn.naive_bayes import ComplementNB  # type: ignore[import-untyped]

    nb = ComplementNB(alpha=0.3).fit(x_train, y)
    scores = nb.predict_joint_log_proba(x_test)
    return scores - scores.mean(axis=1, keepdims=True), [str(c) for c in nb.classes_]


def _linear(name: str, c: float, view: str = "all") -> Callable[..., tuple[Array, list[str]]]:
    def fit(x_train: Any, y: Array, x_test: Any, words: int) -> tuple[Array, list[str]]:
        if view == "words":
            x_train, x_test = x_train[:, :words], x_test[:, :words]
        elif view == "chars":
            x_train, x_test = x_train[:, words:], x_test[:, words:]
        fitted = linear_fit(x_train, y, name=name, c=c)
        return fitted.decision(x_test), fitted.classes

    return fit


BASE_MODELS: dict[str, Callable[..., tuple[Array, list[str]]]] = {
    "svm": _linear("svm", 0.5),
    "logreg": _linear("logreg", 1e-5),
    "cnb": lambda xt, y, xs, _w: _cnb(xt, y, xs),
    "svm_words": _linear("svm", 0.5, "words"),
    "svm_chars": _linear("svm", 0.5, "chars"),
    "knn": lambda xt, y, xs, _w: _knn(xt, y, xs),
}


def base_scores(fold: Fold, names: list[str] | None = None) -> dict[str, tuple[Array, Array]]:
    """Each base model's out-of-fold scores on the training folds (inner 5 folds) and its
    scores on the held-out fold (fitted on all training folds)."""
    words = len(fold.vectorizers.words.vocabulary_)
    y = fold.y_train
    result = {}
    inner = list(StratifiedKFold(5, shuffle=True, random_state=SEED).split(np.zeros(len(y)), y))
    for name, fit in BASE_MODELS.items():
        if names is not None and name not in names:
            continue
        oof = np.zeros((len(y), 7))
        for tr, te in inner:
            oof[te] = fit(fold.x_train[tr], y[tr], fold.x_train[te], words)[0]
        result[name] = (oof, fit(fold.x_train, y, fold.x_test, words)[0])
    return result


def _temperature(scores: Array, truth: Array) -> float:
    from scipy.optimize import minimize_scalar  # type: ignore[import-untyped]

    def loss(log_t: float) -> float:
        logits = scores / np.exp(log_t)
        logits = logits - logits.max(axis=1, keepdims=True)
        norm = np.log(np.exp(logits).sum(axis=1))
        return float(np.mean(norm - logits[np.arange(len(truth)), truth]))

    return float(np.exp(minimize_scalar(loss, bounds=(-7, 5), method="bounded").x))


def _softmax(logits: Array) -> Array:
    logits = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    result: Array = exp / exp.sum(axis=1, keepdims=True)
    return result


def averaged(members: list[str]) -> Scorer:
    def scorer(_xt: Any, y: Array, _xs: Any, fold: Fold) -> tuple[Array, list[str]]:
        classes = sorted(set(y.tolist()))
        truth = np.searchsorted(classes, y)
        total: Array = np.zeros((fold.x_test.shape[0], len(classes)))
        for name in members:
            oof, test = fold.extra["oof"][name]
            total = total + _softmax(test / _temperature(oof, truth))
        return np.asarray(total), classes

    return scorer


def stacked(members: list[str]) -> Scorer:
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    def scorer(_xt: Any, y: Array, _xs: Any, fold: Fold) -> tuple[Array, list[str]]:
        oof = np.hstack([fold.extra["oof"][name][0] for name in members])
        test = np.hstack([fold.extra["oof"][name][1] for name in members])
        center, scale = oof.mean(axis=0), oof.std(axis=0) + 1e-9
        meta = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
        meta.fit((oof - center) / scale, y)
        return meta.decision_function((test - center) / scale), [str(c) for c in meta.classes_]

    return scorer


def _offsets(scores: Array, truth: Array, classes: list[str]) -> Array:
    """Per-class additive offsets that raise macro-F1 on out-of-fold scores (coordinate
    ascent over a grid, three sweeps)."""
    offsets = np.zeros(scores.shape[1])
    names = np.array(classes)

    def f1(values: Array) -> float:
        return macro(truth, names[(scores + values).argmax(axis=1)])[0]

    best = f1(offsets)
    for _sweep in range(3):
        for k in range(len(offsets)):
            for step in np.linspace(-0.3, 0.3, 13):
                trial = offsets.copy()
                trial[k] += step
                value = f1(trial)
                if value > best + 1e-9:
                    best, offsets = value, trial
    return offsets


def biased(_xt: Any, y: Array, _xs: Any, fold: Fold) -> tuple[Array, list[str]]:
    classes = sorted(set(y.tolist()))
    oof, test = fold.extra["oof"]["svm"]
    return test + _offsets(oof, y, classes), classes


def mlp_scorer(*, alone: bool) -> Scorer:
    """A small neural model trained here: truncated SVD of the fold's TF-IDF, then a
    one-hidden-layer perceptron (early stopping on a tenth of the training folds)."""
    from sklearn.decomposition import TruncatedSVD  # type: ignore[import-untyped]
    from sklearn.neural_network import MLPClassifier  # type: ignore[import-untyped]

    def scorer(x_train: Any, y: Array, x_test: Any, fold: Fold) -> tuple[Array, list[str]]:
        svd = TruncatedSVD(300, random_state=SEED).fit(x_train)
        scale = np.sqrt(svd.explained_variance_).mean()
        net = MLPClassifier(
            (256,), alpha=1e-3, early_stopping=True, max_iter=200, random_state=SEED
        ).fit(svd.transform(x_train) / scale, y)
        probabilities = net.predict_proba(svd.transform(x_test) / scale)
        classes = [str(c) for c in net.classes_]
        if alone:
            return probabilities, classes
        oof, test = fold.extra["oof"]["svm"]
        truth = np.searchsorted(classes, y)
        return probabilities + _softmax(test / _temperature(oof, truth)), classes

    return scorer


def errors(data: TrainingSet, folds: list[Fold], show: int = 40) -> None:
    """The shipped model's out-of-fold confusions, and a sample of its errors to read."""
    truth, guess, where = [], [], []
    for fold in folds:
        _oof, test = fold.extra["oof"]["svm"]
        classes = sorted(set(fold.y_train.tolist()))
        truth += fold.y_test.tolist()
        guess += [classes[i] for i in test.argmax(axis=1)]
        where += fold.test.tolist()
    pairs = Counter((t, g) for t, g in zip(truth, guess, strict=True) if t != g)
    print(f"errors: {sum(pairs.values())} of {len(truth)}; most confused (label -> guess):")
    for (t, g), n in pairs.most_common(10):
        print(f"  {t} -> {g}: {n}")
    rng = np.random.default_rng(SEED)
    wrong = [i for i in range(len(truth)) if truth[i] != guess[i]]
    for i in rng.choice(wrong, size=min(show, len(wrong)), replace=False):
        e = data.examples[where[i]]
        print(f"  [{truth[i]} -> {guess[i]}] {e.title[:40]} | {clean(e.text, limit=110)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--shared", type=Path, required=True, help="the shared data folder")
    parser.add_argument(
        "--only", default="ceiling,taxonomy,embeddings,lsa,ensembles,stacking,mlp,bias"
    )
    args = parser.parse_args()
    groups = set(args.only.split(","))
    with args.data.open(encoding="utf-8-sig", newline="") as lines:
        examples = examples_read(lines, labels=ROUTING_LABELS).examples
    segmenter = MemoSegmenter()
    spec = FeatureSpec()
    data = training_set(examples, spec, segmenter)

    if "ceiling" in groups:
        for threshold in (0.95, 0.9, 0.8):
            result = ceiling(data, threshold)
            TABLE.append({"candidate": "ceiling", **result})
            print("ceiling", json.dumps(result, ensure_ascii=False), flush=True)
        if groups == {"ceiling"}:
            print(json.dumps(TABLE, ensure_ascii=False, indent=1))
            return

    folds = folds_make(data)
    base, seconds = timed(folds, lambda xt, y, xs, _f: svm_scores(xt, y, xs))
    report("shipped: SVM C=0.5, words + chars 1-3", base, None, seconds)

    if "taxonomy" in groups:
        features = taxonomy_features(data, args.shared / "category_taxonomy.csv", segmenter, spec)
        for fold in folds:
            fold.extra["taxonomy"] = (features[fold.train], features[fold.test])
        for weight in (0.1, 0.3, 1.0):
            f1s, seconds = timed(folds, with_dense("taxonomy", weight))
            report(f"+ taxonomy matches (weight {weight})", f1s, base, seconds)

    local = local_messages(args.shared) if groups & {"embeddings", "lsa"} else []
    if "embeddings" in groups or "lsa" in groups:
        local_words = [
            segmenter.words_of(cleaned(m, spec).title) + segmenter.words_of(cleaned(m, spec).text)
            for m in local
        ]
        own_words = [
            segmenter.words_of(cleaned(Message(e.title, e.text), spec).title)
            + segmenter.words_of(cleaned(Message(e.title, e.text), spec).text)
            for e in data.examples
        ]
    if "embeddings" in groups:
        for dim in (100,):
            started = time.perf_counter()
            for fold in folds:
                corpus = [own_words[i] for i in fold.train] + local_words
                vectors = ppmi_vectors(corpus, dim)
                document_frequency = Counter(w for d in corpus for w in set(d))
                idf = {w: float(np.log(len(corpus) / n)) for w, n in document_frequency.items()}
                terms = [t.words for t in data.terms]
                fold.extra["ppmi"] = (
                    doc_vectors([terms[i] for i in fold.train], vectors, idf),
                    doc_vectors([terms[i] for i in fold.test], vectors, idf),
                )
            prepared = time.perf_counter() - started
            print(f"ppmi {dim}: vectors in {prepared:.0f} s", file=sys.stderr, flush=True)
            for weight in (0.3, 1.0, 3.0):
                f1s, seconds = timed(folds, with_dense("ppmi", weight))
                report(f"+ PPMI-SVD {dim}-d word vectors (weight {weight})", f1s, base, seconds)
    if "lsa" in groups:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        for dim in (200,):
            for fold in folds:
                corpus = [own_words[i] for i in fold.train] + local_words
                tfidf = TfidfVectorizer(
                    analyzer=lambda t: t, sublinear_tf=True, min_df=2, max_df=0.5
                ).fit(corpus)
                svd = TruncatedSVD(dim, random_state=SEED).fit(tfidf.transform(corpus))
                terms = [t.words for t in data.terms]
                fold.extra["lsa"] = (
                    svd.transform(tfidf.transform([terms[i] for i in fold.train])),
                    svd.transform(tfidf.transform([terms[i] for i in fold.test])),
                )
            for weight in (0.3, 1.0, 3.0):
                f1s, seconds = timed(folds, with_dense("lsa", weight))
                report(f"+ LSA {dim}-d of all local text (weight {weight})", f1s, base, seconds)

    if "mlp" in groups:
        for fold in folds:
            fold.extra["oof"] = base_scores(fold, ["svm"])
        f1s, seconds = timed(folds, mlp_scorer(alone=True))
        report("MLP (one hidden layer of 256) on SVD-300 of the TF-IDF", f1s, base, seconds)
        f1s, seconds = timed(folds, mlp_scorer(alone=False))
        report("mean of calibrated SVM and that MLP's probabilities", f1s, base, seconds)

    if "bias" in groups:
        started = time.perf_counter()
        for fold in folds:
            fold.extra.setdefault("oof", base_scores(fold, ["svm"]))
        prepared = time.perf_counter() - started
        f1s, seconds = timed(folds, biased)
        report("SVM + per-class offsets for macro-F1 (inner folds)", f1s, base, seconds + prepared)
        errors(data, folds)

    if "ensembles" in groups or "stacking" in groups:
        started = time.perf_counter()
        for number, fold in enumerate(folds, 1):
            fold.extra["oof"] = base_scores(fold)
            print(f"stacking: fold {number} base models done", file=sys.stderr, flush=True)
        prepared = time.perf_counter() - started
        members = list(BASE_MODELS)
        if "ensembles" in groups:
            for chosen in (
                ["svm", "logreg"],
                ["svm", "cnb"],
                ["svm", "logreg", "cnb"],
                ["svm", "svm_words", "svm_chars"],
                members,
            ):
                f1s, seconds = timed(folds, averaged(chosen))
                report(
                    f"mean of calibrated probabilities: {'+'.join(chosen)}",
                    f1s,
                    base,
                    seconds + prepared,
                )
        if "stacking" in groups:
            for chosen in (
                ["svm", "logreg", "cnb"],
                ["svm", "svm_words", "svm_chars"],
                [m for m in members if m != "knn"],
                members,
            ):
                f1s, seconds = timed(folds, stacked(chosen))
                report(
                    f"stacking (logistic meta): {'+'.join(chosen)}", f1s, base, seconds + prepared
                )

    print(json.dumps(TABLE, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

"""A tiny labelled corpus and a model trained on it, shared by the routing tests.

Three categories with words of their own, mixed with words every complaint has, so that the
model has something to learn and something to ignore. Training takes about a second.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.utils import translation

from sanfu.cases import queue
from sanfu.routing.features import FeatureSpec
from sanfu.routing.model import Router
from sanfu.routing.training import Example, router_fit, training_set
from tests.cases.conftest import catalogue, people  # noqa: F401 - fixtures for these tests

TOPICS = {
    "城乡建设": ["路灯", "道路", "破损", "违章建筑", "物业", "小区", "下水道", "井盖"],
    "教育文体": ["学校", "老师", "学生", "幼儿园", "招生", "补课", "学费", "校车"],
    "劳动和社会保障": ["工资", "拖欠", "社保", "养老金", "缴纳", "劳动合同", "失业", "工伤"],
}
COMMON = ["希望", "领导", "尽快", "解决", "我们", "反映", "情况", "非常"]


def corpus(per_label: int = 24, seed: int = 7) -> list[Example]:
    rng = random.Random(seed)
    examples = []
    for label, words in TOPICS.items():
        for _ in range(per_label):
            title = "".join(rng.sample(words, 2)) + "的问题"
            text = "，".join(rng.sample(words, 4) + rng.sample(COMMON, 3)) + "。"
            examples.append(Example(title=title, text=text, label=label))
    rng.shuffle(examples)
    return examples


def corpus_csv(examples: list[Example]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "title", "text", "label"])
    for number, example in enumerate(examples):
        writer.writerow([f"m{number}", example.title, example.text, example.label])
    return out.getvalue()


@pytest.fixture(scope="session")
def router() -> Router:
    return router_fit(training_set(corpus(), FeatureSpec()))


@pytest.fixture
def data_dir(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A fresh data folder for this test; models are written under its `routing` folder."""
    settings.DATA_DIR = tmp_path  # type: ignore[attr-defined]
    return tmp_path


@pytest.fixture
def small_csv(tmp_path: Path) -> Path:
    path = tmp_path / "train.csv"
    path.write_text(corpus_csv(corpus()), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages in English, so the tests hold once the strings are translated."""
    with translation.override("en"):
        yield


@contextmanager
def drained() -> Iterator[None]:
    """The request, then the background worker (`sanfu queue work` beside the server)."""
    yield
    queue.work()

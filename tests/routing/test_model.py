"""The category model: what it predicts, how it is stored, and which files it refuses."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from sanfu.routing import storage
from sanfu.routing.features import Message
from sanfu.routing.model import Router
from sanfu.routing.suggest import forget_router, load_router
from sanfu.routing.training import (
    DEFAULT_C,
    DEFAULT_CLASSIFIER,
    linear_fit,
    training_set,
    vectorizers_fit,
)
from tests.routing.conftest import corpus


def test_it_ranks_the_right_category_first_with_calibrated_probabilities(router: Router):
    predictions = router.predict("小区路灯不亮", "道路破损，井盖丢失，希望尽快解决。")
    assert predictions[0].label == "城乡建设"
    assert len(predictions) == 3
    assert predictions[0].probability > 0.5
    assert sum(p.probability for p in router.predict("老师补课", "学校", top=3)) <= 1.0001


def test_scores_without_scikit_learn_equal_the_trained_pipeline(router: Router):
    data = training_set(corpus(per_label=5, seed=3), router.spec)
    vectorizers, matrix = vectorizers_fit(training_set(corpus(), router.spec))
    fitted = linear_fit(
        matrix, training_set(corpus(), router.spec).labels, name=DEFAULT_CLASSIFIER, c=DEFAULT_C
    )
    expected = fitted.decision(vectorizers.transform(data.terms))
    for row, example in enumerate(data.examples):
        scores = router.scores(Message(example.title, example.text))
        assert scores is not None
        assert np.allclose(scores, expected[row], atol=1e-4)


@pytest.mark.parametrize(
    "text",
    ["", "😀😀😀🙏", "<script>alert(1)</script>", "x" * 100_000, "路灯 street light ＬＥＤ 坏了"],
)
def test_any_text_gets_an_answer_and_never_an_exception(router: Router, text: str):
    predictions = router.predict(text, text)
    assert isinstance(predictions, list)
    assert all(0.0 <= p.probability <= 1.0 for p in predictions)


def test_text_with_no_known_term_gets_no_suggestion(router: Router):
    assert router.predict("😀", "🙏🙏") == []


def test_a_saved_model_loads_and_predicts_the_same(router: Router, data_dir: Path):
    path = router.save()
    assert path == data_dir / "routing" / "router.npz"
    loaded = Router.load()
    assert loaded.version == router.version
    assert loaded.predict("拖欠工资", "社保") == router.predict("拖欠工资", "社保")


def test_load_router_returns_none_when_no_model_is_trained(data_dir: Path, db: None):
    forget_router()
    assert load_router() is None


def test_load_router_picks_up_a_newly_trained_model(router: Router, data_dir: Path, db: None):
    forget_router()
    assert load_router() is None
    router.save()
    loaded = load_router()
    assert loaded is not None
    assert loaded.version == router.version


def test_a_model_outside_the_data_folder_is_refused(router: Router, data_dir: Path):
    with pytest.raises(storage.UntrustedModel):
        router.save(data_dir.parent / "elsewhere.npz")
    with pytest.raises(storage.UntrustedModel):
        Router.load(Path("/etc/passwd"))


def test_a_symbolic_link_is_refused(router: Router, data_dir: Path):
    real = router.save()
    link = real.with_name("link.npz")
    link.symlink_to(real)
    with pytest.raises(storage.UntrustedModel, match="symbolic link"):
        Router.load(link)


def test_a_file_others_may_write_is_refused(router: Router, data_dir: Path, db: None):
    path = router.save()
    os.chmod(path, 0o664)  # group-writable is enough to refuse
    with pytest.raises(storage.UntrustedModel, match="others may write"):
        Router.load(path)
    forget_router()
    assert load_router() is None


def test_another_format_version_is_refused_with_a_reason(router: Router, data_dir: Path):
    path = router.save()
    header, arrays = storage.read_model(path)
    header["format_version"] = storage.FORMAT_VERSION + 1
    storage.write_model(path, header, arrays)
    with pytest.raises(storage.ModelFormatError, match="train the model again"):
        Router.load(path)


def test_a_file_that_is_not_a_model_is_refused(data_dir: Path):
    folder = data_dir / "routing"
    folder.mkdir()
    (folder / "router.npz").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(storage.ModelFormatError):
        Router.load()


def test_writing_leaves_no_temporary_file_behind(router: Router, data_dir: Path):
    router.save()
    router.save()
    assert sorted(p.name for p in (data_dir / "routing").iterdir()) == ["router.npz"]

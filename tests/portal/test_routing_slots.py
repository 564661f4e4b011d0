"""The submit page's routing slots: published answers to similar requests nearby, and the broad
field the routing app reads in what is being typed — public words only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sanfu.cases.models import Case, Category
from sanfu.routing import services
from sanfu.routing.features import FeatureSpec
from sanfu.routing.suggest import forget_router
from sanfu.routing.training import router_fit, training_set
from tests.cases.conftest import Catalogue, web_case
from tests.conftest import Tree, https_client
from tests.routing.conftest import corpus

pytestmark = pytest.mark.django_db

LAMP_TITLE = "上坪村口路灯不亮"
LAMP_TEXT = "上坪村村口的三盏路灯已经坏了两周，晚上出行很危险。王建国13812345678"


def published_lamp(tree: Tree, catalogue: Catalogue) -> Case:
    case = web_case(tree, catalogue, title=LAMP_TITLE, text=LAMP_TEXT)
    assert services.case_index(case=case)
    Case.objects.filter(pk=case.pk).update(
        published_at=case.received_at,
        replied_at=case.received_at,
        public_title="上坪村口路灯不亮",
        public_text="上坪村村口的三盏路灯已经坏了两周，晚上出行很危险。",
        public_reply="经现场核实，已更换村口路灯三盏，如有问题请联系石门镇城建办。",
        reply_text="王建国您好，已更换。",
    )
    return case


def similar(**params: str) -> str:
    response = https_client().get("/submit/similar/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_published_answer_nearby_is_offered_in_public_words_only(
    tree: Tree, catalogue: Catalogue
):
    case = published_lamp(tree, catalogue)
    unpublished = web_case(tree, catalogue, title=LAMP_TITLE, text=LAMP_TEXT)
    services.case_index(case=unpublished)
    page = similar(
        title="村口路灯坏了", text="上坪村口路灯不亮，晚上很危险", town=str(tree.town_a.pk)
    )
    assert 'data-testid="similar-cases"' in page
    assert "已更换村口路灯三盏" in page
    assert case.number not in page
    # Nothing private: not the requester, not their phone, not the private reply.
    for private in ("王建国", "13812345678", "王建国您好"):
        assert private not in page
    # The same text in another town finds nothing.
    assert "similar-cases" not in similar(
        title="村口路灯坏了", text="上坪村口路灯不亮，晚上很危险", town=str(tree.town_b.pk)
    )


def test_typing_what_only_the_private_text_holds_finds_nothing(tree: Tree, catalogue: Catalogue):
    published_lamp(tree, catalogue)
    assert "similar-cases" not in similar(
        title="王建国", text="13812345678 王建国", town=str(tree.town_a.pk)
    )


@pytest.mark.parametrize(
    ("title", "text"),
    [("", ""), ("😀😀", "😀" * 50), ("<script>alert(1)</script>", "<b>路灯</b>" * 20000)],
)
def test_odd_input_gets_an_answer_not_an_error(
    tree: Tree, catalogue: Catalogue, title: str, text: str
):
    published_lamp(tree, catalogue)
    page = similar(title=title, text=text, town=str(tree.town_a.pk), village="abc")
    assert "<script>" not in page
    response = https_client().get("/submit/categories/", {"title": title, "text": text[:5000]})
    assert response.status_code == 200


@pytest.fixture
def trained(
    settings: pytest.FixtureRequest, tmp_path: Path, catalogue: Catalogue
) -> Iterator[None]:
    settings.DATA_DIR = tmp_path  # type: ignore[attr-defined]
    Category.objects.create(code="C03", name="教育文体", level=1)
    router_fit(training_set(corpus(), FeatureSpec())).save()
    forget_router()
    yield
    forget_router()


def test_the_field_read_in_the_text_is_shown_and_its_matters_come_first(
    tree: Tree, catalogue: Catalogue, trained: None
):
    response = https_client().get(
        "/submit/categories/",
        {"title": "小区路灯不亮", "text": "道路破损，井盖丢失，路灯不亮，希望尽快维修。"},
    )
    page = response.content.decode()
    assert 'data-testid="suggested-fields"' in page
    assert "城乡建设" in page.split('data-testid="suggested-fields"')[1].split("</p>")[0]
    assert "道路维修" in page
    assert "劳动和社会保障" not in page.split('data-testid="suggested-fields"')[1].split("</p>")[0]

"""The operator's live help at intake, in a real browser: typing a request into the intake form
brings up the trained model's suggested category and unit and the earlier case that says the
same thing; an outsider typing the same words is not shown the other town's case."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from sanfu.routing import services
from sanfu.routing.features import FeatureSpec
from sanfu.routing.suggest import forget_router
from sanfu.routing.training import router_fit, training_set
from tests.browser.conftest import Opener
from tests.browser.helpers import fits_the_phone, log_in, overflowing
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree
from tests.routing.conftest import corpus

pytestmark = pytest.mark.django_db(transaction=True)

Shot = Callable[[Page, str], Path]


@pytest.fixture
def trained(settings: pytest.FixtureRequest, tmp_path: Path) -> Iterator[None]:
    """The routing tests' small model, saved where the site (and its live server) loads it."""
    settings.DATA_DIR = tmp_path  # type: ignore[attr-defined]
    router_fit(training_set(corpus(), FeatureSpec())).save()
    forget_router()
    yield
    forget_router()


def type_request(page: Page) -> None:
    page.locator("#id_title").press_sequentially("村口路灯不亮", delay=20)
    page.locator("#id_text").press_sequentially("上坪村村口路灯坏了两周，很危险", delay=5)


def test_typing_at_intake_shows_the_suggestion_and_the_earlier_case(
    open_page: Opener, shot: Shot, trained: None, tree: Tree, catalogue: Catalogue, people: People
):
    earlier = web_case(tree, catalogue)
    assert services.case_index(case=earlier)

    page = open_page()
    log_in(page, people.dispatcher, next_url="/workbench/intake/")
    expect(page.get_by_test_id("intake-assist")).to_have_count(0)
    page.locator("#id_location_unit").select_option(label="上坪村 · 村")
    type_request(page)

    assist = page.get_by_test_id("intake-assist")
    expect(assist).to_be_visible()
    category = assist.locator("[data-suggested-category]").first
    # The model's guess (城乡建设: lamps and roads), with its calibrated confidence.
    expect(category).to_contain_text("城乡建设")
    expect(category).to_contain_text("%")
    expect(category).to_have_attribute("data-suggested-category", str(catalogue.construction.pk))
    expect(assist.locator("[data-suggested-unit]")).to_contain_text("上坪村")
    similar = assist.get_by_test_id("similar-cases")
    expect(similar).to_contain_text(earlier.number)
    assert fits_the_phone(page), overflowing(page)
    shot(page, "intake-help-on-a-phone")

    # Editing the text asks again: nothing typed, no help shown.
    page.locator("#id_title").fill("")
    page.locator("#id_text").fill("")
    page.locator("#id_text").dispatch_event("input")
    expect(page.get_by_test_id("intake-assist")).to_have_count(0)

    outsider = open_page(desktop=True)
    log_in(outsider, people.outsider, next_url="/workbench/intake/")
    # Town A's village is not offered to town B's staff, and typing the same request there
    # shows the suggestion but never town A's case.
    assert "上坪村" not in outsider.locator("#id_location_unit").inner_text()
    type_request(outsider)
    expect(outsider.get_by_test_id("routing-suggestion")).to_be_visible()
    expect(outsider.get_by_test_id("similar-cases")).to_have_count(0)
    assert earlier.number not in outsider.get_by_test_id("intake-assist").inner_text()

"""公示 in a real browser, on a phone and at a desk: the publisher reads the text as it will
appear, edits it, previews, publishes what was seen; the page fits a 360 px screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from sanfu.cases import services
from sanfu.cases.models import Case, Rating, ReplyKind
from tests.browser.conftest import Opener
from tests.browser.helpers import fits_the_phone, log_in, open_action, overflowing, submit_action
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree

pytestmark = pytest.mark.django_db(transaction=True)

Shot = Callable[[Page, str], Path]
TEXT = "上坪村村口的路灯坏了两周。隔壁陈丽华家门口也黑着。"
REPLY = "经县住建局核查，村口路灯线路老化，已于5月6日更换。如有疑问请致电0571-88886666。"


def closed_case(tree: Tree, catalogue: Catalogue, people: People) -> Case:
    case = web_case(tree, catalogue, text=TEXT)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    services.case_sign(actor=people.cadre, case_id=case.pk)
    services.case_reply(actor=people.cadre, case_id=case.pk, kind=ReplyKind.SOLVED, text=REPLY)
    services.case_rate(
        solved=True, number=case.number, token=case.tracking_token, rating=Rating.SATISFIED
    )
    return case


@pytest.mark.parametrize("desktop", [False, True], ids=["360px", "1366px"])
def test_the_publisher_reviews_edits_previews_and_publishes(
    open_page: Opener,
    shot: Shot,
    tree: Tree,
    catalogue: Catalogue,
    people: People,
    desktop: bool,
):
    case = closed_case(tree, catalogue, people)
    page = open_page(desktop=desktop)
    log_in(page, people.dispatcher, next_url=f"/workbench/cases/{case.pk}/")
    open_action(page, "publish")
    preview = page.get_by_test_id("publish-preview")
    expect(preview.get_by_test_id("publish-names")).to_contain_text("陈丽华")
    expect(preview.get_by_test_id("publish-preview-text")).to_contain_text("陈**")
    expect(preview.get_by_test_id("publish-preview-text")).to_contain_text("0571-88886666")
    if not desktop:
        assert fits_the_phone(page), overflowing(page)
    shot(page, "publish-1-draft")

    reply = page.locator("details[data-action=publish] textarea[name=publish-reply]")
    reply.fill(REPLY + "感谢您的反映。")
    page.get_by_test_id("publish-preview-button").click()
    expect(page.get_by_test_id("publish-preview-text")).to_contain_text("感谢您的反映。")
    shot(page, "publish-2-preview")

    submit_action(page, "publish")
    expect(page.get_by_test_id("published-text")).to_be_visible()
    if not desktop:
        assert fits_the_phone(page), overflowing(page)
    shot(page, "publish-3-published")

    resident = open_page()
    resident.goto("/published/")
    listing = resident.get_by_test_id("published-list")
    expect(listing).to_contain_text("感谢您的反映。")
    expect(listing).not_to_contain_text("陈丽华")

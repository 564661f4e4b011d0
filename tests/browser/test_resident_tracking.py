"""On a phone: tracking by number and phone with a texted code; an error page with a way back."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect

from sanfu.cases import queue
from sanfu.notify.transports import MemorySmsBackend
from tests.browser.helpers import fits_the_phone, overflowing
from tests.cases.conftest import Catalogue, web_case
from tests.conftest import Tree

pytestmark = pytest.mark.django_db(transaction=True)

Shot = Callable[[Page, str], Path]


@override_settings(SANFU_SMS_BACKEND="sanfu.notify.transports.MemorySmsBackend")
def test_a_resident_tracks_with_a_texted_code_on_a_phone(
    page: Page, shot: Shot, tree: Tree, catalogue: Catalogue
):
    MemorySmsBackend.outbox.clear()
    case = web_case(tree, catalogue)
    queue.work()  # the worker beside the server sends the receipt
    page.goto("/track/")
    page.locator("#id_number").fill(case.number)
    page.locator("#id_phone").fill("13812345678")
    page.locator("button[name=send]").click()
    expect(page.get_by_test_id("code-sent")).to_be_visible()
    assert fits_the_phone(page), overflowing(page)
    shot(page, "01-track-code-sent")
    receipt, (phone, text) = MemorySmsBackend.outbox  # the receipt came after the case was made
    assert case.number in receipt[1]
    code = re.search(r"(?<!\d)(\d{6})(?!\d)", text)
    assert phone == "13812345678"
    assert code is not None
    page.locator("#id_code").fill(code.group(1))
    page.locator("button[name=check]").click()
    expect(page.get_by_test_id("case-state")).to_be_visible()
    assert case.tracking_token in page.url
    MemorySmsBackend.outbox.clear()


def test_an_unknown_address_shows_the_error_page_with_a_way_home(
    page: Page, shot: Shot, tree: Tree
):
    response = page.goto("/track/nosuch/link/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_test_id("error-page")).to_be_visible()
    assert fits_the_phone(page), overflowing(page)
    shot(page, "02-error-404")
    page.get_by_test_id("home-link").click()
    page.wait_for_url("**/")

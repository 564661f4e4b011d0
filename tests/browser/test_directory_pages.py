"""Staff log in with a real browser and see their part of the county tree, in Chinese."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from sanfu.directory.models import User
from tests.conftest import PASSWORD, Tree

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page: Page, user: User) -> None:
    page.goto("/accounts/login/?next=/directory/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_an_administrator_sees_the_county_tree_in_chinese(
    page: Page, tree: Tree, administrator: User
):
    log_in(page, administrator)
    expect(page.get_by_role("heading", name="组织架构")).to_be_visible()
    listing = page.get_by_test_id("unit-tree")
    for name in ("云溪县", "石门镇", "上坪村", "白岩镇", "县住房和城乡建设局"):
        expect(listing.get_by_role("link", name=name, exact=True)).to_be_visible()
    # Grids are left to their village's page, to keep a county's tree readable.
    expect(listing.get_by_text("上坪村第一网格")).to_have_count(0)
    listing.get_by_role("link", name="石门镇", exact=True).click()
    expect(page.get_by_role("heading", name="石门镇")).to_be_visible()
    page.get_by_role("link", name="上坪村", exact=True).click()
    expect(page.get_by_role("link", name="上坪村第一网格", exact=True)).to_be_visible()
    # Readable on a 360 px phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_outsider_sees_only_their_own_town(page: Page, tree: Tree, outsider: User):
    log_in(page, outsider)
    listing = page.get_by_test_id("unit-tree")
    expect(listing.get_by_role("link", name="白岩镇", exact=True)).to_be_visible()
    expect(listing.get_by_text("石门镇")).to_have_count(0)
    response = page.goto(f"/directory/units/{tree.town_a.pk}/")
    assert response is not None
    assert response.status == 404


def test_the_administrator_manages_units_in_the_chinese_admin(
    page: Page, tree: Tree, administrator: User
):
    log_in(page, administrator)
    page.goto("/admin/directory/unit/")
    expect(page.get_by_role("link", name="上坪村第一网格")).to_be_visible()
    expect(page.locator("#site-name")).to_contain_text("三服务平台管理")


def test_chinese_even_for_an_english_browser_and_english_one_click_away(page: Page, tree: Tree):
    page.goto("/")
    assert page.evaluate("navigator.language") == "en-US"
    expect(page.get_by_role("heading", level=1)).to_contain_text("服务企业")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Serving enterprises")

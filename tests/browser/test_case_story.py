"""The whole loop in a real browser: a resident on a phone, staff at their desks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.urls import resolve
from playwright.sync_api import Page, expect

from sanfu.cases.models import Case, CaseState
from tests.browser.conftest import Opener
from tests.browser.helpers import fits_the_phone, log_in, open_action, overflowing, submit_action
from tests.cases.conftest import Catalogue, People
from tests.conftest import Tree

pytestmark = pytest.mark.django_db(transaction=True)

Shot = Callable[[Page, str], Path]


def submit_on_a_phone(resident: Page, shot: Shot) -> tuple[str, str]:
    if resolve("/").namespace == "portal":
        # Once sanfu/urls.py lets the portal serve "/" (issue 4's report says how).
        resident.goto("/")
        shot(resident, "01-portal-home")
    resident.goto("/submit/")
    resident.locator("#id_requester_name").fill("王建国")
    resident.locator("#id_requester_phone").fill("13812345678")
    resident.locator("#id_title").fill("石门镇老街路面塌陷")
    resident.locator("#id_text").fill("老街中段路面塌陷一个大坑，电动车已经摔倒两次，请尽快修补。")
    # htmx: typing searches the catalogue, choosing the town narrows the villages.
    resident.locator("#id_category_query").fill("道路")
    resident.get_by_test_id("category-choices").get_by_text("道路维修").click()
    resident.locator("#id_town").select_option(label="石门镇")
    expect(resident.locator("#id_village option", has_text="下湾村")).to_have_count(0)
    resident.locator("#id_village").select_option(label="上坪村")
    assert fits_the_phone(resident), overflowing(resident)
    shot(resident, "02-portal-submit-form")
    resident.locator("button.primary.wide").click()
    expect(resident.get_by_test_id("received")).to_be_visible()
    shot(resident, "03-portal-received")
    assert fits_the_phone(resident), overflowing(resident)
    number = resident.get_by_test_id("case-number").inner_text()
    # The long tracking code is no longer shown: it stays inside the page's address.
    code = resident.url.split("/track/", 1)[1].split("/")[1]
    return number, code


def dispatch(page: Page, case: Case, unit_label: str) -> None:
    page.goto(f"/workbench/cases/{case.pk}/")
    open_action(page, "dispatch")
    page.locator("#id_dispatch_lead_unit").select_option(label=unit_label)
    submit_action(page, "dispatch")


def sign_and_reply(page: Page, case: Case, text: str) -> None:
    page.goto(f"/workbench/cases/{case.pk}/")
    submit_action(page, "sign")
    open_action(page, "reply")
    page.locator("details[data-action=reply] input[value=solved]").check()
    page.locator("details[data-action=reply] textarea[name=text]").fill(text)
    submit_action(page, "reply")


def rate(resident: Page, url: str, rating: str, comment: str) -> None:
    resident.goto(url)
    resident.locator("input[name=solved][value=yes]").check()
    resident.locator(f"input[name=rating][value={rating}]").check()
    resident.locator("#id_comment").fill(comment)
    resident.locator("[data-testid=rate-form] button").click()


def test_a_request_goes_round_the_loop_and_is_published(
    open_page: Opener, shot: Shot, tree: Tree, catalogue: Catalogue, people: People
):
    resident = open_page()
    number, code = submit_on_a_phone(resident, shot)
    case = Case.objects.get(number=number)
    track = f"/track/{number}/{code}/"

    dispatcher = open_page(desktop=True)
    log_in(dispatcher, people.dispatcher)
    expect(dispatcher.get_by_test_id("case-list")).to_contain_text("石门镇老街路面塌陷")
    shot(dispatcher, "04-workbench-home")
    dispatcher.get_by_role("link", name="石门镇老街路面塌陷").click()
    shot(dispatcher, "05-workbench-case-new")
    dispatch(dispatcher, case, "石门镇 · 镇")

    town = open_page(desktop=True)
    log_in(town, people.town_staff, next_url=f"/workbench/cases/{case.pk}/")
    submit_action(town, "sign")
    open_action(town, "escalate")
    town.locator("details[data-action=escalate] textarea").fill("需县住建局统一修复路面")
    submit_action(town, "escalate")
    shot(town, "06-workbench-town-escalated")

    dispatch(dispatcher, case, "县住房和城乡建设局 · 部门")
    department = open_page(desktop=True)
    log_in(department, people.handler, next_url=f"/workbench/cases/{case.pk}/")
    sign_and_reply(department, case, "已安排施工队修补路面。")
    shot(department, "07-workbench-department-replied")

    rate(resident, track, "unsatisfied", "只填了一半")
    expect(resident.get_by_test_id("case-state")).to_have_text(str(CaseState.ASSIGNED.label))
    shot(resident, "08-portal-rated-unsatisfied")

    sign_and_reply(department, case, "已全部修补完毕并压实。")
    rate(resident, track, "satisfied", "")
    expect(resident.get_by_test_id("case-state")).to_have_text(str(CaseState.CLOSED.label))
    shot(resident, "09-portal-closed")

    dispatcher.goto(f"/workbench/cases/{case.pk}/")
    submit_action(dispatcher, "publish")
    shot(dispatcher, "10-workbench-case-closed")

    resident.goto("/published/")
    listing = resident.get_by_test_id("published-list")
    expect(listing).to_contain_text(number)
    expect(listing).to_contain_text("已全部修补完毕并压实。")
    expect(listing).not_to_contain_text("13812345678")
    assert fits_the_phone(resident), overflowing(resident)
    shot(resident, "11-portal-published")
    case.refresh_from_db()
    assert (case.state, case.reopen_count) == (CaseState.CLOSED, 1)

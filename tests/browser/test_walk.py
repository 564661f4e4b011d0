"""Issue 19's walk, redone in a real browser at 360 px and at 1366 px: a resident submits on the
portal and gets a texted receipt, the dispatcher sends the case to the village, the village
escalates (上报), the town keeps it (本级自办) and answers, the resident tracks it by case number,
phone and a texted code, rates 不满意 so it is reopened (重办) with a new deadline, the town
answers again, the resident rates 满意, and the publisher previews, edits and publishes (公示) a
text without the requester's name. Every page a user reaches must fit the screen."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from sanfu.cases import queue
from sanfu.cases.models import Case, CaseState
from sanfu.notify.transports import MemorySmsBackend
from tests.browser.conftest import Opener
from tests.browser.helpers import log_in, open_action, overflowing, submit_action
from tests.cases.conftest import Catalogue, People
from tests.conftest import Tree

pytestmark = pytest.mark.django_db(transaction=True)

Shot = Callable[[Page, str], Path]
NAME, PHONE = "王建国", "13812345678"
TITLE = "上坪村老街路面塌陷"
FIRST_REPLY = "镇里已安排人员填平老街塌陷处。"
SECOND_REPLY = "经石门镇核查，老街塌陷处已重新开挖、回填并压实，如有疑问请致电0571-88886666。"


class Walk:
    """The people of the walk, each in a browser of their own, all at one screen width."""

    def __init__(self, open_page: Opener, shot: Shot, width: int) -> None:
        self._open, self._shot, self.width = open_page, shot, width

    def open(self) -> Page:
        page = self._open(desktop=self.width > 800)
        page.set_viewport_size({"width": self.width, "height": 740 if self.width < 800 else 860})
        return page

    def check(self, page: Page, step: str) -> None:
        """The page fits the screen (nothing to scroll sideways), no two elements share an id,
        and the page is kept as a screenshot."""
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert fits, (step, page.url, overflowing(page))
        doubled = page.evaluate(
            """() => { const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
                 return ids.filter((id, i) => ids.indexOf(id) !== i); }"""
        )
        assert doubled == [], (step, page.url, doubled)  # a label must reach its own field
        self._shot(page, step)


def code_texted_to(phone: str) -> str:
    to, text = MemorySmsBackend.outbox[-1]
    found = re.search(r"(?<!\d)(\d{6})(?!\d)", text)
    assert to == phone
    assert found is not None, text
    return found.group(1)


def submit(walk: Walk, resident: Page) -> tuple[str, str]:
    resident.goto("/")
    expect(resident.get_by_role("link", name="提出诉求").first).to_be_visible()
    walk.check(resident, "01-portal-home")
    resident.goto("/submit/")
    resident.locator("#id_requester_name").fill(NAME)
    resident.locator("#id_requester_phone").fill(PHONE)
    resident.locator("#id_title").fill(TITLE)
    for required in ("title", "text", "town"):
        expect(resident.locator(f"label[for=id_{required}] .req")).to_have_text("*")
    resident.locator("#id_text").fill("老街中段路面塌陷一个大坑，电动车已经摔倒两次，请尽快修补。")
    expect(resident.locator("#id_text + [data-testid=counter]")).to_contain_text("29 / 20000")
    resident.locator("#id_category_query").fill("道路")
    resident.get_by_test_id("category-choices").get_by_text("道路维修").click()
    resident.locator("#id_town").select_option(label="石门镇")
    resident.locator("#id_village").select_option(label="上坪村")
    walk.check(resident, "02-portal-submit")
    resident.locator("button.primary.wide").click()
    received = resident.get_by_test_id("received")
    expect(received).to_contain_text("您的诉求已收到")
    walk.check(resident, "03-portal-received")
    number = resident.get_by_test_id("case-number").inner_text()
    # The receipt by text message, sent by the worker beside the server: the case number, and
    # a link short enough to read out.
    queue.work()
    (to, receipt), *_ = MemorySmsBackend.outbox
    assert to == PHONE
    assert f"您的诉求 {number} 已收到" in receipt, receipt
    link = "/t/" + resident.get_by_test_id("tracking-link").inner_text().split("/t/", 1)[1]
    assert link.startswith(f"/t/{number}/"), link
    assert link in receipt, (link, receipt)
    return number, link


def track(walk: Walk, resident: Page, number: str) -> None:
    """Find the case again with the case number, the phone number and a texted code."""
    resident.goto("/track/")
    resident.locator("#id_number").fill(number)
    resident.locator("#id_phone").fill(PHONE)
    resident.locator("button[name=send]").click()
    expect(resident.get_by_test_id("code-sent")).to_be_visible()
    walk.check(resident, "track-code-sent")
    resident.locator("#id_code").fill(code_texted_to(PHONE))
    resident.locator("button[name=check]").click()
    expect(resident.get_by_test_id("case-state")).to_be_visible()


def rate(resident: Page, rating: str, comment: str) -> None:
    resident.locator("input[name=solved][value=yes]").check()
    resident.locator(f"input[name=rating][value={rating}]").check()
    resident.locator("#id_comment").fill(comment)
    resident.locator("[data-testid=rate-form] button").click()


def sign(page: Page) -> None:
    expect(page.locator("details[data-action=sign] summary")).to_have_text("签收")
    submit_action(page, "sign")
    expect(page.locator(".messages")).to_contain_text("已签收")


def reply(page: Page, text: str) -> None:
    open_action(page, "reply")
    page.locator("details[data-action=reply] input[value=solved]").check()
    page.locator("details[data-action=reply] textarea[name=text]").fill(text)
    submit_action(page, "reply")


@pytest.mark.parametrize(
    ("width", "route"),
    [(360, "take_on"), (1366, "take_on"), (360, "county")],
    ids=["360px", "1366px", "360px-town-escalates-to-county"],
)
@override_settings(SANFU_SMS_BACKEND="sanfu.notify.transports.MemorySmsBackend")
def test_the_whole_walk(
    open_page: Opener,
    shot: Shot,
    tree: Tree,
    catalogue: Catalogue,
    people: People,
    width: int,
    route: str,
) -> None:
    MemorySmsBackend.outbox.clear()
    walk = Walk(open_page, shot, width)

    # 1. The resident submits on the portal and is texted a receipt with the case number.
    resident = walk.open()
    number, link = submit(walk, resident)
    case = Case.objects.get(number=number)
    queue.work()  # the routing suggestion, as the background worker would make it

    # 2. The dispatcher sends it to the village.
    dispatcher = walk.open()
    log_in(dispatcher, people.dispatcher)
    expect(dispatcher.get_by_test_id("case-list")).to_contain_text(TITLE)
    walk.check(dispatcher, "04-workbench-home")
    case_url = f"/workbench/cases/{case.pk}/"
    dispatcher.goto(case_url)
    walk.check(dispatcher, "05-workbench-case-new")
    open_action(dispatcher, "dispatch")
    dispatcher.locator("#id_dispatch_lead_unit").select_option(label="上坪村 · 村")
    submit_action(dispatcher, "dispatch")
    expect(dispatcher.get_by_test_id("timeline")).to_contain_text("已派单")

    # 3. The village cadre signs for it and escalates it (上报): the village cannot fix the road.
    cadre = walk.open()
    log_in(cadre, people.cadre, next_url=case_url)
    sign(cadre)
    open_action(cadre, "escalate")
    expect(cadre.locator("details[data-action=escalate] summary")).to_have_text("上报")
    cadre.locator("details[data-action=escalate] textarea").fill("老街是镇管道路，村里修不了")
    submit_action(cadre, "escalate")
    expect(cadre.locator(".messages")).to_contain_text("已上报")
    walk.check(cadre, "06-workbench-village-escalated")

    # 4. The town keeps it (本级自办) and answers, or escalates it on to the county, whose
    #    dispatcher sends it to the department that answers.
    town = walk.open()
    log_in(town, people.town_staff, next_url=case_url)
    expect(town.get_by_test_id("timeline")).to_contain_text("老街是镇管道路，村里修不了")
    if route == "take_on":
        open_action(town, "take_on")
        expect(town.locator("details[data-action=take_on] summary")).to_have_text("本级自办")
        town.locator("#id_take_on_note").fill("镇里统一修复")
        submit_action(town, "take_on")
        expect(town.get_by_test_id("timeline")).to_contain_text("本级自办")
        walk.check(town, "07-workbench-town-taken-on")
        answerer, answering_unit, taken_on = town, tree.town_a, "本级自办"
    else:
        open_action(town, "escalate")
        town.locator("details[data-action=escalate] textarea").fill("需县住建局统一修复路面")
        submit_action(town, "escalate")
        expect(town.locator(".messages")).to_contain_text("已上报")
        walk.check(town, "07-workbench-town-escalated")
        dispatcher.goto(case_url)
        expect(dispatcher.get_by_test_id("timeline")).to_contain_text("需县住建局统一修复路面")
        open_action(dispatcher, "dispatch")
        dispatcher.locator("#id_dispatch_lead_unit").select_option(
            label="县住房和城乡建设局 · 部门"
        )
        submit_action(dispatcher, "dispatch")
        answerer = walk.open()
        log_in(answerer, people.handler, next_url=case_url)
        sign(answerer)
        answering_unit, taken_on = tree.department, "已上报"
    reply(answerer, FIRST_REPLY)
    walk.check(answerer, "08-workbench-replied")

    # Another town's staff, and a mistyped tracking link, meet the Chinese error page with
    # a way back, not Django's English one.
    outsider = walk.open()
    log_in(outsider, people.outsider)
    refused = outsider.goto(case_url)
    assert refused is not None
    assert refused.status == 404
    expect(outsider.get_by_test_id("error-page")).to_contain_text("页面不存在")
    expect(outsider.get_by_role("link", name="返回工作台")).to_be_visible()
    walk.check(outsider, "outsider-404")
    mistyped = resident.goto(link[:-3] + "/")
    assert mistyped is not None
    assert mistyped.status == 404
    expect(resident.get_by_test_id("error-page")).to_contain_text("页面不存在")
    expect(resident.get_by_test_id("home-link")).to_be_visible()

    # 5. The resident finds the case by number, phone and code, and rates 不满意: 重办.
    track(walk, resident, number)
    expect(resident.get_by_test_id("answer")).to_contain_text(FIRST_REPLY)
    walk.check(resident, "09-portal-answered")
    rate(resident, "unsatisfied", "只填了一半，还有一个坑")
    expect(resident.get_by_test_id("case-state")).to_have_text("待签收")
    case.refresh_from_db()
    assert (case.state, case.reopen_count) == (CaseState.ASSIGNED, 1)
    assert case.reply_deadline is not None
    deadline = timezone.localtime(case.reply_deadline).strftime("%Y-%m-%d %H:%M")
    timeline = resident.get_by_test_id("timeline")
    expect(timeline).to_contain_text("已评价：不满意")
    expect(timeline).to_contain_text(f"重办，答复期限 {deadline}")
    expect(timeline).to_contain_text(taken_on)
    walk.check(resident, "10-portal-reopened")

    # 6. The unit that answered signs for the reopened case and answers again.
    answerer.goto(case_url)
    expect(answerer.get_by_test_id("timeline")).to_contain_text(f"重办，答复期限 {deadline}")
    sign(answerer)
    reply(answerer, SECOND_REPLY)

    # 7. The resident is texted that the answer is there, in plain text (no HTML escapes), with
    #    the short link; follows it and rates 满意: the case is closed.
    queue.work()
    to, answered = MemorySmsBackend.outbox[-1]
    assert to == PHONE
    assert f"您的诉求 {number} 已答复" in answered, answered
    assert link in answered, (link, answered)
    assert not any("&" in text for _, text in MemorySmsBackend.outbox), MemorySmsBackend.outbox
    resident.goto(link)
    expect(resident.get_by_test_id("answer")).to_contain_text(SECOND_REPLY)
    rate(resident, "satisfied", "")
    expect(resident.get_by_test_id("case-state")).to_have_text("已办结")
    expect(resident.get_by_test_id("timeline")).to_contain_text("已评价：满意")
    walk.check(resident, "11-portal-closed")

    # 8. 公示: the publisher reads the text as it will appear, edits it, previews, publishes.
    dispatcher.goto(case_url)
    open_action(dispatcher, "publish")
    preview = dispatcher.get_by_test_id("publish-preview-text")
    expect(preview).to_contain_text(SECOND_REPLY)
    expect(preview).not_to_contain_text(NAME)
    walk.check(dispatcher, "12-workbench-publish-draft")
    answer = dispatcher.locator("details[data-action=publish] textarea[name=publish-reply]")
    answer.fill(SECOND_REPLY + "感谢您的反映。")
    dispatcher.get_by_test_id("publish-preview-button").click()
    expect(dispatcher.get_by_test_id("publish-preview-text")).to_contain_text("感谢您的反映。")
    submit_action(dispatcher, "publish")
    expect(dispatcher.locator(".messages")).to_contain_text("已公示")
    expect(dispatcher.get_by_test_id("published-text")).to_be_visible()
    walk.check(dispatcher, "13-workbench-published")

    # 9. Anyone reads it on the public page, without the requester's name or phone.
    reader = walk.open()
    reader.goto("/published/")
    listing = reader.get_by_test_id("published-list")
    expect(listing).to_contain_text(number)
    expect(listing).to_contain_text(SECOND_REPLY + "感谢您的反映。")
    expect(listing).not_to_contain_text(NAME)
    expect(listing).not_to_contain_text(PHONE)
    walk.check(reader, "14-portal-published")
    case.refresh_from_db()
    assert (case.state, case.reopen_count, case.reply_unit) == (
        CaseState.CLOSED,
        1,
        answering_unit,
    )

"""Serving the grassroots in a real browser ("done when" of issue 16): a village cadre on a
phone records a meeting with five problems, the next meeting reports back on them, the village's
problem list shows the open ones, the printable service list renders to PDF with its QR code,
the county office approves one new form and refuses another and the reduction figure moves; the
outsider sees none of it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import Page, expect

from sanfu.cases.models import CaseState
from sanfu.cases.services import case_dispatch, case_reply, case_sign
from sanfu.directory.models import StaffRole
from sanfu.grassroots import services
from sanfu.grassroots.models import BurdenDemand, BurdenKind, Frequency, Problem
from tests.browser.conftest import Opener
from tests.browser.helpers import fits_the_phone, log_in, overflowing
from tests.cases.conftest import Catalogue, People
from tests.conftest import Tree, make_staff

pytestmark = pytest.mark.django_db(transaction=True)

NOW = dt.datetime(2026, 6, 12, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
TODAY = NOW.date()
Shot = Callable[[Page, str], Path]


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


def _problem(page: Page, text: str, *, solved: tuple[str, str] | None = None) -> None:
    form = page.locator("details[data-action=problem] form")
    form.locator("[name=text]").fill(text)
    if solved:
        form.locator("[name=outcome][value=on_the_spot]").check()
        form.locator("[name=solved_by]").fill(solved[0])
        form.locator("[name=solution]").fill(solved[1])
    else:
        form.locator("[name=outcome][value=case]").check()
        form.locator("[name=raised_by]").fill("王建国")
        form.locator("[name=requester_agreed]").check()
    form.get_by_role("button").click()
    expect(page.locator(".messages")).to_be_visible()


def _meeting(page: Page, tree: Tree, day: dt.date) -> None:
    page.goto("/grassroots/")
    form = page.locator("details[data-action=schedule] form")
    if page.locator("details[data-action=schedule]").get_attribute("open") is None:
        page.locator("details[data-action=schedule] summary").click()
    form.locator("[name=village]").select_option(str(tree.village_a.pk))
    form.locator("[name=kind]").select_option("speak_up")
    form.locator("[name=held_on]").fill(day.isoformat())
    form.locator("[name=place]").fill("上坪村文化礼堂")
    form.get_by_role("button").click()
    page.wait_for_url(re.compile(r"/grassroots/meetings/\d+/$"))


def test_the_grassroots_story(
    open_page: Opener,
    tree: Tree,
    people: People,
    catalogue: Catalogue,
    shot: Shot,
    tmp_path: Path,
) -> None:
    # A village cadre on a phone records a meeting held a week ago with five problems.
    phone = open_page()
    log_in(phone, people.cadre, next_url="/grassroots/")
    _meeting(phone, tree, TODAY - dt.timedelta(days=7))
    _problem(phone, "村口垃圾桶满了", solved=("村主任李明", "当场联系保洁员清运"))
    _problem(phone, "文化礼堂灯不亮", solved=("电工老张", "会后当场换了灯泡"))
    for text in ["上坪村到镇上的路坑洼严重", "河道有垃圾", "村里缺一个公交站"]:
        _problem(phone, text)
    expect(phone.get_by_test_id("problems").locator("tbody tr")).to_have_count(5)
    # The style sheet may still be loading on a busy machine when the rows are there.
    phone.wait_for_load_state("load")
    assert fits_the_phone(phone), overflowing(phone)
    shot(phone, "meeting")

    # The minutes print on one A4 page.
    first_meeting = Problem.objects.get(text="河道有垃圾").meeting_id
    phone.goto(f"/grassroots/meetings/{first_meeting}/minutes/")
    minutes = phone.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", minutes)) == 1

    # One case is answered before the next meeting.
    road = Problem.objects.get(text="上坪村到镇上的路坑洼严重").case
    assert road is not None
    case_dispatch(
        actor=people.cadre, case_id=road.pk, lead_unit=tree.village_a, category=catalogue.roads
    )
    case_sign(actor=people.cadre, case_id=road.pk)
    case_reply(actor=people.cadre, case_id=road.pk, kind="solved", text="已安排修补路面")

    # The next meeting reports back on each case from its state.
    _meeting(phone, tree, TODAY)
    report = phone.get_by_test_id("report-back")
    expect(report.locator("tbody tr")).to_have_count(3)
    expect(report).to_contain_text(str(CaseState.REPLIED.label))
    expect(report).to_contain_text("已安排修补路面")
    expect(report).to_contain_text(str(CaseState.NEW.label))

    # The village's problem list shows the two open ones, not the answered one.
    phone.goto(f"/grassroots/lists/{tree.village_a.code}/")
    open_cases = phone.locator("[data-section=open_cases]")
    expect(open_cases.locator("tbody tr")).to_have_count(2)
    expect(open_cases).to_contain_text("河道有垃圾")
    expect(open_cases).not_to_contain_text("上坪村到镇上的路坑洼严重")

    # The printable service list renders in Chromium to a PDF with the QR code.
    phone.get_by_test_id("print-service").click()
    expect(phone.get_by_test_id("qr").locator("svg")).to_be_visible()
    pdf = phone.pdf(format="A4", print_background=True)
    (tmp_path / "service.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1

    # The county office approves one new form and refuses another; the reduction moves.
    office = make_staff("county-leader", tree.county, StaffRole.LEADER)
    services.demand_register(
        actor=office,
        new=services.NewDemand(
            department=tree.department,
            kind=BurdenKind.FORM,
            title="安全生产月报",
            frequency=Frequency.MONTHLY,
            hours_each="2",
        ),
        in_force_from=dt.date(2024, 1, 1),
    )
    services.baseline_set(actor=office, county=tree.county, year=2025)
    for title in ["农房安全月报表", "垃圾分类台账"]:
        services.demand_propose(
            actor=people.handler,
            new=services.NewDemand(
                department=tree.department,
                kind=BurdenKind.FORM,
                title=title,
                frequency=Frequency.MONTHLY,
                hours_each="2",
                reason="省厅要求",
            ),
        )
    desk = open_page(desktop=True)
    log_in(desk, office, next_url="/grassroots/burden/")
    total = desk.get_by_test_id("reduction-total")
    expect(total).to_contain_text("0.0%")
    for title, decision, reason in [
        ("农房安全月报表", "approve", "确有必要"),
        ("垃圾分类台账", "refuse", "与已有报表重复"),
    ]:
        desk.goto("/grassroots/burden/")
        desk.get_by_test_id("proposed").get_by_role("link", name=title).click()
        form = desk.locator("form[data-action=decide]")
        form.locator("[name=decision]").select_option(decision)
        form.locator("[name=reason]").fill(reason)
        form.get_by_role("button").click()
        expect(desk.get_by_test_id("demand-state")).not_to_contain_text("待")
    assert BurdenDemand.objects.filter(state="approved").count() == 2
    assert BurdenDemand.objects.get(title="垃圾分类台账").state == "refused"
    desk.goto("/grassroots/burden/")
    expect(total).to_contain_text("100.0%")
    shot(desk, "burden")

    # The outsider sees none of it.
    outsider = open_page()
    log_in(outsider, people.outsider, next_url="/grassroots/")
    expect(outsider.get_by_test_id("meetings")).not_to_contain_text("上坪村")
    meeting_id = Problem.objects.first().meeting_id  # type: ignore[union-attr]
    for url in [
        f"/grassroots/meetings/{meeting_id}/",
        f"/grassroots/lists/{tree.village_a.code}/",
        f"/grassroots/lists/{tree.village_a.code}/print/service/",
    ]:
        response = outsider.goto(url)
        assert response is not None
        assert response.status == 404, url

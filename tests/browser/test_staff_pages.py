"""Staff pages in a real browser: who may open a case, masked personal data, the dashboard
showing the loop's own figures, the supervision board and intake."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from sanfu.cases import services
from sanfu.cases.figures import Rate, backlog, case_figures
from sanfu.cases.models import Case, Clock, PersonalDataAccess, Rating, ReplyKind
from sanfu.workbench.selectors.dashboard import month_start, next_month
from tests.browser.conftest import Opener
from tests.browser.helpers import fits_the_phone, log_in, open_action, overflowing
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree

pytestmark = pytest.mark.django_db(transaction=True)

Shot = Callable[[Page, str], Path]


def test_an_outsider_cannot_open_the_case_page(
    open_page: Opener, shot: Shot, tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    page = open_page(desktop=True)
    log_in(page, people.outsider)
    expect(page.get_by_test_id("case-list")).not_to_contain_text(case.title)
    response = page.goto(f"/workbench/cases/{case.pk}/")
    assert response is not None
    assert response.status == 404
    assert case.title not in page.content()
    shot(page, "outsider-404")


def test_personal_data_stays_masked_until_the_handling_chain_asks(
    open_page: Opener, shot: Shot, tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue, category=catalogue.wages)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.department)
    cadre = open_page()
    log_in(cadre, people.cadre, next_url=f"/workbench/cases/{case.pk}/")
    contact = cadre.get_by_test_id("contact")
    expect(contact).to_contain_text("138****5678")
    expect(cadre.get_by_test_id("reveal")).to_have_count(0)
    assert "13812345678" not in cadre.content()
    assert fits_the_phone(cadre), overflowing(cadre)
    shot(cadre, "case-masked-on-a-phone")

    handler = open_page(desktop=True)
    log_in(handler, people.handler, next_url=f"/workbench/cases/{case.pk}/")
    expect(handler.get_by_test_id("requester-phone")).to_have_text("138****5678")
    handler.get_by_test_id("reveal").click()  # htmx swaps in the unmasked fragment
    expect(handler.get_by_test_id("requester-phone")).to_have_text("13812345678")
    assert PersonalDataAccess.objects.filter(user=people.handler, case=case).count() == 1
    shot(handler, "case-revealed-and-logged")
    handler.reload()
    expect(handler.get_by_test_id("requester-phone")).to_have_text("138****5678")


def make_history(tree: Tree, catalogue: Catalogue, people: People) -> None:
    for index, rating in enumerate([Rating.SATISFIED, Rating.BASICALLY, None]):
        case = web_case(tree, catalogue)
        services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
        services.case_sign(actor=people.cadre, case_id=case.pk)
        kind = ReplyKind.ON_THE_SPOT if index else ReplyKind.SOLVED
        services.case_reply(actor=people.cadre, case_id=case.pk, kind=kind, text="已处理")
        if rating:
            services.case_rate(
                solved=True, number=case.number, token=case.tracking_token, rating=rating
            )
    web_case(tree, catalogue, location_unit=tree.village_b)


def percent(rate: Rate | None) -> str:
    return "—" if rate is None else f"{rate.percent}%"


def test_the_dashboard_shows_the_case_loops_figures(
    open_page: Opener, shot: Shot, tree: Tree, catalogue: Catalogue, people: People
):
    make_history(tree, catalogue, people)
    page = open_page(desktop=True)
    log_in(page, people.supervisor, next_url="/workbench/dashboard/")
    expect(page.locator("#trend-chart canvas")).to_have_count(1)  # ECharts drew the trend
    # The default period: the last twelve months, this one included.
    today = timezone.localdate()
    start = date(today.year - 1 + (today.month == 12), today.month % 12 + 1, 1)
    figures = case_figures(
        unit=tree.county, start=month_start(start), end=month_start(next_month(today))
    )

    def shown(name: str) -> str:
        return page.locator(f"[data-figure={name}] .n").inner_text().strip()

    assert shown("received") == str(figures.received) == "4"
    assert shown("handled") == str(figures.handled)
    assert shown("open") == str(backlog(unit=tree.county).open)
    assert shown("first_satisfaction_rate") == percent(figures.first_satisfaction_rate)
    assert shown("satisfaction_rate") == percent(figures.satisfaction_rate)
    assert shown("on_time_rate") == percent(figures.on_time_rate)
    assert shown("response_rate") == percent(figures.response_rate)
    assert shown("resolution_rate") == percent(figures.resolution_rate)
    assert shown("on_the_spot_rate") == percent(figures.on_the_spot_rate)
    page.get_by_test_id("how-computed").locator("summary").click()
    expect(page.get_by_test_id("how-computed")).to_contain_text("不满意")
    shot(page, "dashboard-desktop")
    page.locator("[data-figure=received]").click()
    expect(page.get_by_test_id("case-list").locator("tbody tr")).to_have_count(4)
    shot(page, "dashboard-drill-down")

    phone = open_page()
    log_in(phone, people.supervisor, next_url="/workbench/dashboard/")
    assert fits_the_phone(phone), overflowing(phone)
    shot(phone, "dashboard-phone")


def test_the_board_urges_in_one_click_and_intake_records_a_call(
    open_page: Opener, shot: Shot, tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    Case.objects.filter(pk=case.pk).update(reply_clock=Clock.OVERDUE)
    page = open_page(desktop=True)
    log_in(page, people.supervisor, next_url="/workbench/supervision/")
    shot(page, "supervision-board")
    page.get_by_test_id("board-unit").locator("form[action$='/do/urge/'] button").click()
    expect(page.locator(".messages")).to_be_visible()
    assert Case.objects.get(pk=case.pk).urge_count == 1

    operator = open_page()
    log_in(operator, people.dispatcher, next_url="/workbench/intake/")
    operator.locator("#id_requester_name").fill("李梅")
    operator.locator("#id_location_unit").select_option(label="上坪村 · 村")
    operator.locator("#id_title").fill("下水道堵塞")
    operator.locator("#id_text").fill("小区门口下水道堵塞，污水外溢。")
    assert fits_the_phone(operator), overflowing(operator)
    shot(operator, "intake-on-a-phone")
    operator.locator("[data-testid=intake-form] button[type=submit]").click()
    expect(operator.get_by_test_id("case-state")).to_be_visible()
    assert Case.objects.filter(title="下水道堵塞", channel="hotline").exists()
    open_action(operator, "dispatch")
    shot(operator, "case-after-intake-on-a-phone")
    assert fits_the_phone(operator), overflowing(operator)

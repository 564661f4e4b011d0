"""Outreach in a real browser: the roster, a visit on a phone, a patrol with the network cut,
compliance for the town, nothing for the outsider (issue 14's "done when")."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Page, expect

from sanfu.cases.models import Case, CaseState, Channel
from sanfu.directory.models import StaffRole
from sanfu.outreach.checklists import checklists_ship
from sanfu.outreach.models import Link, Visit
from tests.browser.conftest import Opener
from tests.browser.helpers import (
    fits_the_phone,
    log_in,
    open_action,
    overflowing,
    submit_action,
    wait_until,
)
from tests.cases.conftest import Catalogue, People
from tests.conftest import Tree, make_staff
from tests.factories import make_enterprise

pytestmark = pytest.mark.django_db(transaction=True)

Shot = Callable[[Page, str], Path]
NOW = datetime(2026, 12, 4, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def checklists(transactional_db: None) -> None:
    # Browser tests run on a database emptied after each test, which also empties what the
    # migrations wrote: the shipped checklists are written again.
    checklists_ship()


@pytest.fixture
def clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


def roster(credit_code: str) -> bytes:
    rows = [
        "人员账号,对象类型,对象,角色,开始日期,频次,周期",
        f"cadre,企业,{credit_code},首席服务官,2026-11-01,1,每周",
        "grid,网格,上坪村第一网格,包联,2026-11-01,1,每日",
        "ghost,村社,上坪村,包联,2026-11-01,1,每月",
    ]
    return ("\n".join(rows) + "\n").encode()


def import_roster(page: Page, credit_code: str, shot: Shot) -> None:
    page.goto("/outreach/roster/")
    page.locator("#id_file").set_input_files(
        {"name": "roster.csv", "mimeType": "text/csv", "buffer": roster(credit_code)}
    )
    page.get_by_test_id("roster-form").locator("button[type=submit]").click()
    problems = page.get_by_test_id("roster-problems")
    expect(problems).to_contain_text("ghost")
    expect(problems.locator("tbody tr")).to_have_count(1)
    expect(problems.locator("tbody tr td").first).to_have_text("4")
    shot(page, "01-roster-imported")


def record_enterprise_visit(page: Page, link: Link, shot: Shot) -> Visit:
    page.goto("/outreach/")
    page.get_by_test_id(f"record-{link.pk}").click()
    expect(page.get_by_test_id("checklist")).to_contain_text("问订单")
    page.locator("#id_where").fill("厂区办公楼")
    page.locator("#id_answer_production").fill("开工率九成")
    page.locator("#id_answer_orders").fill("订单排到明年三月")
    page.locator("#id_problem_1").fill("厂门口道路破损，货车进出困难")
    page.locator("#id_problem_2").fill("不清楚技改补贴怎么申请")
    page.locator("#id_problem_2_spot").check()
    page.locator("#id_problem_2_solution").fill("当场讲解了申报流程")
    assert fits_the_phone(page), overflowing(page)
    shot(page, "02-visit-form-phone")
    page.get_by_test_id("visit-form").locator("button[type=submit]").click()
    # Two cases' worth of intake behind one click: give a loaded machine time.
    page.wait_for_url("**/outreach/visits/*/", timeout=60_000)
    expect(page.get_by_test_id("problems")).to_contain_text("当场讲解了申报流程")
    assert fits_the_phone(page), overflowing(page)
    shot(page, "03-visit-recorded")
    return Visit.objects.get(link=link)


def run_the_case(dispatcher: Page, town: Page, case: Case, catalogue: Catalogue) -> None:
    """The county dispatch centre sends the case to the town, whose staff answer it."""
    dispatcher.goto(f"/workbench/cases/{case.pk}/")
    open_action(dispatcher, "dispatch")
    form = dispatcher.locator("details[data-action=dispatch]")
    form.locator("select[name=category]").select_option(value=str(catalogue.roads.pk))
    form.locator("select[name=lead_unit]").select_option(value=str(case.location_unit.pk))
    submit_action(dispatcher, "dispatch")
    town.goto(f"/workbench/cases/{case.pk}/")
    submit_action(town, "sign")
    open_action(town, "reply")
    town.locator("details[data-action=reply] input[value=solved]").check()
    town.locator("details[data-action=reply] textarea[name=text]").fill("已修补厂门口路面。")
    submit_action(town, "reply")


def patrol_offline(page: Page, link: Link, shot: Shot) -> None:
    page.goto(f"/outreach/links/{link.pk}/visit/")
    wait_until(page, "navigator.serviceWorker.ready.then(() => true)")
    page.context.set_offline(True)
    expect(page.get_by_test_id("offline-status")).to_be_visible()
    page.locator("#id_answer_hazards").fill("无")
    page.locator("#id_problem_1").fill("3号楼前垃圾堆放")
    page.locator("#id_problem_1_spot").check()
    page.locator("#id_problem_1_solution").fill("联系保洁当场清运")
    page.get_by_test_id("visit-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("queue-status")).to_be_visible()
    shot(page, "04-patrol-kept-offline")
    assert not Visit.objects.filter(link=link).exists()
    page.context.set_offline(False)
    expect(page.get_by_test_id("queue-status").locator("li.success")).to_have_count(1)
    shot(page, "05-patrol-sent")
    # Back online, a reload sends nothing more: the queue is empty, the visit stored once.
    page.reload()
    wait_until(page, "Boolean(document.documentElement.dataset.queueFlushed)")
    assert Visit.objects.filter(link=link).count() == 1


def test_roster_visits_offline_patrol_and_compliance(
    open_page: Opener,
    shot: Shot,
    tree: Tree,
    people: People,
    catalogue: Catalogue,
    clock: None,
    checklists: None,
):
    # A town-level enterprise: the village cadre holds no desk there, so the problem they turn
    # into a case goes to the county dispatch centre.
    enterprise = make_enterprise(town=tree.town_a)
    administrator = make_staff("admin", tree.county, StaffRole.ADMINISTRATOR)
    admin = open_page(desktop=True)
    log_in(admin, administrator, next_url="/outreach/roster/")
    import_roster(admin, enterprise.credit_code, shot)
    officer = Link.objects.get(enterprise=enterprise)
    patrol = Link.objects.get(target_unit=tree.grid_a)
    assert Link.objects.count() == 2

    cadre = open_page()
    log_in(cadre, people.cadre, next_url="/outreach/")
    visit = record_enterprise_visit(cadre, officer, shot)
    case = Case.objects.get(outreach_problem__visit=visit)
    assert case.channel == Channel.VISIT

    dispatcher = open_page(desktop=True)
    log_in(dispatcher, people.dispatcher)
    town = open_page(desktop=True)
    log_in(town, people.town_staff)
    run_the_case(dispatcher, town, case, catalogue)
    case.refresh_from_db()
    assert case.state == CaseState.REPLIED
    cadre.goto(f"/outreach/visits/{visit.pk}/")
    expect(cadre.get_by_test_id("problems")).to_contain_text(str(CaseState.REPLIED.label))

    grid = open_page()
    log_in(grid, people.grid_worker, next_url="/outreach/")

    patrol_offline(grid, patrol, shot)

    leader = open_page(desktop=True)
    log_in(leader, people.town_leader, next_url="/outreach/compliance/")
    overdue = leader.get_by_test_id("overdue")
    # The grid was patrolled today only: 1–3 December are overdue.
    expect(overdue).to_contain_text("上坪村第一网格")
    expect(overdue).not_to_contain_text(enterprise.name)
    expect(leader.get_by_test_id("figures")).to_contain_text("1/4")
    shot(leader, "06-town-compliance")

    outsider = open_page()
    log_in(outsider, people.outsider, next_url="/outreach/compliance/")
    expect(outsider.get_by_test_id("links")).not_to_contain_text("上坪村第一网格")
    expect(outsider.get_by_test_id("links")).not_to_contain_text(enterprise.name)
    response = outsider.goto(f"/outreach/visits/{visit.pk}/")
    assert response is not None
    assert response.status == 404

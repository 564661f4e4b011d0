"""Issue 15's story in a real browser: a village poses a problem, a leader assigns it, the envoy
reports with a photo and a count, a linked case is answered with the project, the project
finishes and the figures count it; a typhoon opens a board, the warning is acknowledged, two
town staff count at once and the board turns green; the outsider sees none of it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from sanfu.cases import services as cases
from sanfu.directory.models import StaffRole
from sanfu.projects.models import Project, Receipt, State
from tests.browser.conftest import Opener
from tests.browser.helpers import fits_the_phone, log_in, overflowing
from tests.cases.conftest import Catalogue, web_case
from tests.conftest import Tree, make_staff
from tests.projects import conftest as projects
from tests.projects.conftest import PNG, Crew

pytestmark = pytest.mark.django_db(transaction=True)

Shot = Callable[[Page, str], Path]
crew = projects.crew  # the personas of the project tests


def act(page: Page, action: str, fields: dict[str, str]) -> None:
    box = page.locator(f"details[data-action={action}]")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    for name, value in fields.items():
        field = box.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    box.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()


def test_a_posed_problem_is_answered_finished_and_counted(
    open_page: Opener, tree: Tree, crew: Crew, catalogue: Catalogue, shot: Shot, tmp_path: Path
):
    # A village cadre poses the problem on a phone.
    village = open_page()
    log_in(village, crew.cadre, next_url="/projects/pose/")
    village.locator("#id_posing").select_option(label="上坪村")
    village.locator("#id_deciding").select_option(label="云溪县")
    village.locator("#id_title").fill("上坪村高处30户饮用水水压不足")
    village.locator("#id_evidence").fill("夏季用水高峰断水，附村民联名信。")
    assert fits_the_phone(village), overflowing(village)
    village.locator("button.primary").click()
    expect(village.get_by_test_id("state")).to_have_text("已出题")
    shot(village, "01-posed")
    project = Project.objects.get()

    # The county leader accepts it and assigns the department with its envoy.
    leader = open_page(desktop=True)
    log_in(leader, crew.leader, next_url=f"/projects/{project.pk}/")
    act(leader, "accept", {"answering_unit": "县住房和城乡建设局", "envoy": "envoy"})
    expect(leader.get_by_test_id("state")).to_have_text("已受理")
    expect(leader.get_by_test_id("steps")).to_contain_text("县住房和城乡建设局 · envoy")

    # The envoy sets a target and reports progress with a photo and a count.
    envoy = open_page()
    log_in(envoy, crew.envoy, next_url=f"/projects/{project.pk}/")
    act(envoy, "target", {"label": "恢复供水户数", "measure": "户", "goal": "30"})
    target = project.targets.get()
    photo = tmp_path / "pump.png"
    photo.write_bytes(PNG)
    box = envoy.locator("details[data-action=report]")
    box.locator("summary").click()
    box.locator("[name=text]").fill("加压泵已安装，12户恢复供水。")
    box.locator("[name=photos]").set_input_files(str(photo))
    box.locator(f"[name=quantity_{target.pk}]").fill("12")
    box.locator("button[type=submit]").click()
    expect(envoy.get_by_test_id("targets")).to_contain_text("12/30")
    expect(envoy.get_by_test_id("state")).to_have_text("办理中")
    shot(envoy, "02-reported")

    # A resident's case about the same water, handled by the department, is answered with it.
    dispatcher = make_staff("dispatcher", tree.county, StaffRole.DISPATCHER)
    case = web_case(tree, catalogue, title="高处水压不足", location_unit=tree.village_a)
    cases.case_dispatch(actor=dispatcher, case_id=case.pk, lead_unit=tree.department)
    cases.case_sign(actor=crew.envoy, case_id=case.pk)
    act(envoy, "case_link", {"case": case.number})
    envoy.get_by_test_id("cases").locator("summary").click()
    envoy.get_by_test_id("cases").locator("textarea").fill("已纳入项目，加压泵已安装。")
    envoy.get_by_test_id("cases").locator("button[type=submit]").click()
    expect(envoy.get_by_test_id("cases")).to_contain_text("已答复")
    case.refresh_from_db()
    assert project.title in case.reply_text

    # The leader finishes it; the project figures count it.
    leader.goto(f"/projects/{project.pk}/")
    act(leader, "finish", {"note": ""})
    expect(leader.get_by_test_id("state")).to_have_text("已完成")
    leader.goto("/projects/figures/")
    expect(leader.get_by_test_id("finished")).to_have_text("1")
    shot(leader, "03-figures")

    # The outsider sees none of it.
    outsider = open_page()
    log_in(outsider, crew.outsider, next_url="/projects/")
    expect(outsider.get_by_test_id("projects")).not_to_contain_text("上坪村")
    response = outsider.goto(f"/projects/{project.pk}/")
    assert response is not None
    assert response.status == 404


def test_a_typhoon_board_is_acknowledged_counted_at_once_and_turns_green(
    open_page: Opener, tree: Tree, crew: Crew, shot: Shot
):
    second = make_staff("town-a-2", tree.town_a, StaffRole.TOWN_STAFF)
    leader = open_page(desktop=True)
    log_in(leader, crew.leader, next_url="/projects/incident/")
    leader.locator("#id_title").fill("台风“利奇马”抢险")
    leader.locator("#id_incident_kind").select_option("typhoon")
    leader.locator("#id_towns").select_option(label="石门镇")
    leader.locator("#id_targets").fill("石门镇; 电力线路恢复; 条; 76; 48h")
    leader.locator("#id_warning").fill("台风今晚登陆，请立即到岗。")
    leader.locator("button.primary").click()
    expect(leader.get_by_test_id("board-total")).to_contain_text("0/76")
    project = Project.objects.get()
    expect(leader.get_by_test_id("warning")).to_contain_text("0 人已签收")

    # The village cadre under the town got the warning, and acknowledges it on a phone.
    cadre = open_page()
    log_in(cadre, crew.cadre, next_url=f"/projects/{project.pk}/board/")
    cadre.get_by_role("button", name="收到").click()
    expect(cadre.get_by_test_id("warning")).to_contain_text("您已签收")
    assert Receipt.objects.get(user=crew.cadre).acknowledged_at is not None

    # Two town staff count the same target at once, each on a phone.
    pages = []
    for user in (crew.town_staff, second):
        page = open_page()
        log_in(page, user, next_url=f"/projects/{project.pk}/board/")
        assert fits_the_phone(page), overflowing(page)
        pages.append(page)
    target = project.targets.get()
    for page, count in zip(pages, ("40", "36"), strict=True):
        page.locator(f"#delta-{target.pk}").fill(count)
    for page in pages:
        page.locator(f"[data-testid=target-{target.pk}] button").click()
    for page in pages:
        shown = page.get_by_test_id(f"target-{target.pk}").locator(".count")
        expect(shown).not_to_have_text(re.compile(r"^\s*0/76"))
    target.refresh_from_db()
    assert target.achieved == 76

    # The leader's board refreshes by itself and turns green; the pending list shows who is left.
    expect(leader.locator("#board.all-done")).to_be_visible(timeout=15_000)
    expect(leader.get_by_test_id("board-total")).to_contain_text("76/76")
    expect(leader.get_by_test_id("warning")).to_contain_text("1 人已签收")
    shot(leader, "04-board-green")

    # The public portal shows the banner while the incident is open.
    public = open_page()
    public.goto("/")
    expect(public.get_by_test_id("incident-banner")).to_contain_text("石门镇")

    # The outsider sees no board.
    outsider = open_page()
    log_in(outsider, crew.outsider, next_url="/projects/")
    response = outsider.goto(f"/projects/{project.pk}/board/")
    assert response is not None
    assert response.status == 404
    assert Project.objects.get().state == State.IN_PROGRESS

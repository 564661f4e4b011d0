"""The front door's stories in a real browser: a resident on a phone finds 户籍证明 by typing
`hjzm` and answers a survey after verifying a phone; the results page shows it; a report
against a cadre is seen only by the discipline role, found unfounded, and cleared on the
portal; a case dispatched to a town lands in the mapped module's queue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from sanfu.cases.models import Case
from sanfu.directory import services as directory
from sanfu.directory.models import StaffRole, UnitKind, User
from sanfu.frontdoor import catalogue as service_catalogue
from sanfu.frontdoor import modules, surveys
from sanfu.frontdoor.models import Report
from tests.browser.conftest import Opener
from tests.browser.helpers import fits_the_phone, log_in, overflowing
from tests.browser.test_case_story import dispatch
from tests.cases.conftest import Catalogue, People
from tests.conftest import Tree, make_staff
from tests.frontdoor.conftest import RecordingSms, departments, inspector, last_code, loaded, sms

__all__ = ["departments", "inspector", "loaded", "sms"]
pytestmark = pytest.mark.django_db(transaction=True)
Shot = Callable[[Page, str], Path]


def test_a_resident_finds_a_service_and_answers_a_survey(
    open_page: Opener,
    shot: Shot,
    tree: Tree,
    loaded: service_catalogue.ImportReport,
    town_staff: User,
    sms: type[RecordingSms],
) -> None:
    today = timezone.localdate()
    survey = surveys.survey_create(
        actor=town_staff,
        area=tree.town_a,
        title_zh="便民服务满意度调查",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=30),
    )
    surveys.question_add(
        actor=town_staff,
        survey_id=survey.pk,
        kind="single",
        label_zh="您办过户籍证明吗？",
        choices=surveys.choices_parse("办过\n没办过"),
    )
    surveys.question_add(actor=town_staff, survey_id=survey.pk, kind="scale", label_zh="总体满意度")
    surveys.survey_publish(actor=town_staff, survey_id=survey.pk)

    resident = open_page()
    resident.goto("/")
    resident.get_by_test_id("home-search").locator("input").fill("hjzm")
    resident.get_by_test_id("home-search").locator("button").click()
    guide = resident.get_by_test_id("guide")
    expect(guide.locator("h2")).to_have_text("户籍证明")
    expect(guide.get_by_test_id("materials")).to_contain_text("户口簿")
    expect(guide.get_by_test_id("steps")).to_contain_text("派出所")
    assert fits_the_phone(resident), overflowing(resident)
    shot(resident, "01-service-found")

    resident.goto(f"/surveys/{survey.pk}/")
    resident.locator("input[name=q1][value='0']").check()
    resident.locator("input[name=q2][value='5']").check()
    resident.locator("#id_phone").fill("13812345678")
    resident.get_by_role("button", name="获取验证码").click()
    expect(resident.get_by_test_id("code-sent")).to_be_visible()
    resident.locator("#id_code").fill(last_code("13812345678"))
    assert fits_the_phone(resident), overflowing(resident)
    shot(resident, "02-survey-filled")
    resident.get_by_role("button", name="提交答卷").click()
    expect(resident.get_by_test_id("thanks")).to_be_visible()

    staff = open_page(desktop=True)
    log_in(staff, town_staff, next_url=f"/frontdoor/surveys/{survey.pk}/results/")
    expect(staff.get_by_test_id("by-town")).to_contain_text("石门镇")
    expect(staff.locator("#chart-1 canvas")).to_have_count(1)  # ECharts drew it
    shot(staff, "03-survey-results")


def test_a_report_is_seen_only_by_the_discipline_role_and_cleared(
    open_page: Opener, shot: Shot, tree: Tree, inspector: User, town_staff: User
) -> None:
    resident = open_page()
    resident.goto("/report-a-cadre/")
    resident.locator("#id_person_name").fill("李书记")
    resident.locator("#id_person_unit").select_option(label="上坪村")
    resident.locator("#id_content").fill("反映李书记在低保评定中优亲厚友。")
    resident.get_by_role("button", name="提交反映").click()
    expect(resident.get_by_test_id("report-number")).to_be_visible()
    report = Report.objects.get()

    town = open_page(desktop=True)
    log_in(town, town_staff)
    response = town.goto(f"/frontdoor/reports/{report.pk}/")
    assert response is not None
    assert response.status == 404

    desk = open_page(desktop=True)
    log_in(desk, inspector, next_url=f"/frontdoor/reports/{report.pk}/")
    desk.locator("#id_step-note").fill("走访村民代表十人，查阅低保评议记录。")
    desk.get_by_test_id("step-form").locator("button").click()
    desk.locator("#id_conclude-outcome").select_option("unfounded")
    desk.locator("#id_conclude-note").fill("反映问题不属实。")
    desk.get_by_test_id("conclude-form").locator("button").click()
    expect(desk.get_by_test_id("outcome")).to_have_text("不属实")
    desk.locator("#id_consent-how").fill("本人书面同意公开澄清")
    desk.get_by_test_id("consent-form").locator("button").click()
    desk.locator("#id_notice-notice").fill(
        "经核查，反映上坪村李书记优亲厚友的问题不属实，予以澄清正名。"
    )
    desk.get_by_test_id("notice-form").locator("button").click()
    expect(desk.get_by_test_id("published")).to_be_visible()
    shot(desk, "04-report-cleared")

    resident.goto("/clearing/")
    expect(resident.get_by_test_id("notices")).to_contain_text("予以澄清正名")
    shot(resident, "05-clearing-notice")


def test_a_case_dispatched_to_the_town_lands_in_the_mapped_modules_queue(
    open_page: Opener, shot: Shot, tree: Tree, catalogue: Catalogue, people: People
) -> None:
    from tests.cases.conftest import web_case

    module = directory.unit_create(
        kind=UnitKind.MODULE, name="社会治理模块", code="YX01M2", parent=tree.town_a
    )
    member = make_staff("module-staff", module, StaffRole.TOWN_STAFF)
    modules.module_map(town=tree.town_a, category=catalogue.construction, module=module)
    case = web_case(tree, catalogue)

    dispatcher = open_page(desktop=True)
    log_in(dispatcher, people.dispatcher)
    dispatch(dispatcher, case, "石门镇 · 镇")
    case = Case.objects.get(pk=case.pk)
    assert case.lead_unit_id == module.pk

    desk = open_page(desktop=True)
    log_in(desk, member)
    expect(desk.get_by_test_id("case-list")).to_contain_text(case.title)
    shot(desk, "06-module-queue")

"""The enterprise service centre in a real browser: an enterprise's contact on a phone logs in
by a texted code, sees the policies it qualifies for and applies for a loan the bank answers; a
department
reviews its "qualified but not received" list and confirms one; town staff see an enterprise's
ledger and start an expansion project whose approvals run, one of them late and supervised; a
visitor on a phone finds an idle house and the interest reaches the village; the outsider sees
nothing of another town's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from sanfu.directory.models import StaffRole, User
from sanfu.enterprise.matching import policies_match
from sanfu.enterprise.models import (
    Approval,
    Booking,
    IdleResource,
    MatchState,
    PolicyMatch,
    Project,
    ResourceInterest,
)
from sanfu.enterprise.services import menu, projects
from tests.browser.conftest import Opener
from tests.browser.helpers import fits_the_phone, log_in, overflowing
from tests.conftest import Tree, make_staff
from tests.enterprise import sms
from tests.enterprise.conftest import World, world

__all__ = ["world"]

pytestmark = pytest.mark.django_db(transaction=True)

Shot = Callable[[Page, str], Path]


def test_the_enterprise_service_story(
    open_page: Opener,
    shot: Shot,
    tree: Tree,
    world: World,
    handler: User,
    town_staff: User,
    outsider: User,
) -> None:
    policies_match()
    account = make_staff("bank")
    bank = menu.provider_create(
        county=tree.county, name="云溪农商银行", kind="bank", account=account
    )
    admin = make_staff("admin", tree.county, StaffRole.ADMINISTRATOR)
    menu.provider_approve(actor=admin, provider_id=bank.pk)
    loan = menu.offer_create(
        actor=account,
        category="finance",
        title="小微成长贷",
        rate=Decimal("3.85"),
        ceiling=Decimal("3000000"),
        term_months=36,
        answer_days=3,
    )
    menu.offer_approve(actor=admin, offer_id=loan.pk)

    # The enterprise's contact, on a phone, logs in by a texted code, sees two policies it
    # qualifies for and applies for the loan.
    phone = open_page()
    with override_settings(SANFU_SMS_BACKEND="tests.enterprise.sms.CapturingSms"):
        sms.SENT.clear()
        phone.goto("/enterprise/my/login/")
        phone.locator("[name=phone]").fill("13812345678")
        phone.get_by_test_id("phone-form").get_by_role("button").click()
        expect(phone.get_by_test_id("code-form")).to_be_visible()
        phone.locator("[name=code]").fill(sms.last_code("13812345678"))
        phone.get_by_test_id("code-form").get_by_role("button").click()
    phone.wait_for_url("**/enterprise/my/")
    expect(phone.get_by_test_id("my-policies").locator("li")).to_have_count(2)
    offer = phone.get_by_test_id(f"offer-{loan.pk}")
    offer.locator("[name=note]").fill("需要200万元流动资金")
    offer.get_by_role("button").click()
    expect(phone.get_by_test_id("my-bookings")).to_contain_text("小微成长贷")
    assert fits_the_phone(phone), overflowing(phone)
    shot(phone, "contact-booked")

    # The bank answers within its deadline; the contact sees the answer.
    bank_page = open_page(desktop=True)
    log_in(bank_page, account, next_url="/enterprise/provider/")
    bookings = bank_page.get_by_test_id("provider-bookings")
    bookings.locator("input[name=answer]").fill("已受理，客户经理明天上门")
    bookings.get_by_role("button").click()
    expect(bank_page.get_by_test_id("provider-bookings")).to_contain_text("客户经理明天上门")
    assert Booking.objects.get().answered_on_time is True
    phone.reload()
    expect(phone.get_by_test_id("my-bookings")).to_contain_text("客户经理明天上门")

    # The department reviews its list and confirms one enterprise.
    desk = open_page(desktop=True)
    log_in(desk, handler, next_url="/enterprise/policies/")
    desk.get_by_test_id("policies").locator("tr", has_text="SME-1").get_by_role("link").click()
    row = desk.get_by_test_id("review-list").locator("tr", has_text="白岩精密制造有限公司")
    row.locator("select[name=decision]").select_option("confirmed")
    row.locator("input[name=reason]").fill("核实无误，下月兑现")
    row.get_by_role("button").click()
    expect(desk.locator(".messages")).to_be_visible()
    shot(desk, "review-confirmed")
    confirmed = PolicyMatch.objects.get(policy=world.sme, enterprise=world.baiyan)
    assert confirmed.state == MatchState.CONFIRMED

    # Town staff: the enterprise's page, its qualified policies, a new expansion project.
    town = open_page(desktop=True)
    log_in(town, town_staff, next_url=f"/enterprise/e/{world.hengda.pk}/")
    expect(town.get_by_test_id("qualified")).to_contain_text("SME-1")
    expect(town.get_by_test_id("qualified")).to_contain_text("TOWN-A")
    expect(town.get_by_test_id("legal-representative")).to_have_text("张**")
    form = town.get_by_test_id("new-project")
    form.locator("[name=name]").fill("恒达二期扩建")
    form.locator("[name=kind]").select_option("expansion")
    form.locator("[name=investment]").fill("120000000")
    form.get_by_role("button").click()
    town.wait_for_url("**/enterprise/projects/*/")
    town.locator("[name=kind]").select_option("fire")
    town.locator("[name=department]").select_option(str(tree.department.pk))
    town.locator("[name=working_days]").fill("5")
    town.locator("form.stack button[type=submit]").click()
    expect(town.get_by_test_id("approvals")).to_contain_text(tree.department.name)
    shot(town, "project")
    project = Project.objects.get()
    # A planning approval asked for three weeks ago is late by now.
    late = projects.approval_request(
        actor=town_staff,
        project_id=project.pk,
        kind="planning",
        department=tree.department,
        working_days=3,
        at=timezone.now() - timedelta(days=21),
    )

    # The department approves the fire approval on time.
    desk.goto(f"/enterprise/projects/{project.pk}/")
    fire = Approval.objects.get(kind="fire")
    desk_row = desk.get_by_test_id(f"approval-{fire.pk}")
    desk_row.locator("select[name=decision]").select_option("approved")
    desk_row.get_by_role("button").click()
    expect(desk.locator(".messages")).to_be_visible()
    fire.refresh_from_db()
    assert fire.decided_on_time is True

    # A supervisor sees the late one and issues a supervision order.
    supervisor = make_staff("supervisor", tree.county, StaffRole.SUPERVISOR)
    sup = open_page(desktop=True)
    log_in(sup, supervisor, next_url="/enterprise/approvals/overdue/")
    overdue = sup.get_by_test_id("overdue").locator("tr", has_text="恒达二期扩建")
    overdue.locator("input[name=note]").fill("限两个工作日内办结")
    overdue.get_by_role("button").click()
    expect(sup.get_by_test_id("overdue")).to_contain_text("限两个工作日内办结")
    shot(sup, "supervised")
    late.refresh_from_db()
    assert late.supervised_by == supervisor

    # A visitor on a phone finds an idle house; the interest reaches the village.
    house = IdleResource.objects.create(
        village=tree.village_a,
        kind="house",
        title="上坪村临溪老宅",
        area_sqm=Decimal("180"),
        asking_rent=Decimal("12000"),
        owner_name="陈国良",
        owner_phone="13900001111",
        listed_at=timezone.now(),
        listed_by=town_staff,
    )
    visitor = open_page()
    visitor.goto("/enterprise/idle/")
    visitor.get_by_test_id("idle-results").get_by_role("link", name="上坪村临溪老宅").click()
    expect(visitor.locator("body")).not_to_contain_text("13900001111")
    expect(visitor.locator("body")).not_to_contain_text("陈国良")
    visitor.locator("[name=name]").fill("周敏")
    visitor.locator("[name=phone]").fill("13700002222")
    visitor.locator("[name=message]").fill("想开民宿")
    assert fits_the_phone(visitor), overflowing(visitor)
    visitor.locator("form.stack button[type=submit]").click()
    visitor.wait_for_url("**/track/**")
    shot(visitor, "interest-sent")
    case = ResourceInterest.objects.get(resource=house).case
    assert case.location_unit == tree.village_a
    cadre = make_staff("cadre", tree.village_a, StaffRole.VILLAGE_CADRE)
    village = open_page(desktop=True)
    log_in(village, cadre, next_url=f"/enterprise/resources/{house.pk}/")
    expect(village.get_by_test_id("interests")).to_contain_text(case.number)

    # The outsider (town B) sees nothing of town A's.
    out = open_page(desktop=True)
    log_in(out, outsider, next_url="/enterprise/")
    expect(out.get_by_test_id("enterprises")).not_to_contain_text("恒达")
    for url in (
        f"/enterprise/e/{world.hengda.pk}/",
        f"/enterprise/projects/{project.pk}/",
        f"/enterprise/policies/{world.sme.pk}/",
        f"/enterprise/resources/{house.pk}/",
    ):
        response = out.goto(url)
        assert response is not None
        assert response.status == 404, url

"""The assistance pages in a real browser: a resident applying on a phone, a town caseworker
importing aid records and reviewing a finding, and a town that must see none of it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from sanfu.assistance.findings import findings_compute
from sanfu.assistance.imports.run import batch_claim, batch_process, batch_upload, mapping_guess
from sanfu.assistance.models import (
    Application,
    Finding,
    FindingReview,
    ImportBatch,
    Need,
    Period,
    Programme,
    SourceRecord,
)
from sanfu.assistance.persons import persons_relink
from sanfu.assistance.programmes import ProgrammeSpec, programme_save
from sanfu.cases.models import Case
from sanfu.cases.selectors import case_short_code
from sanfu.directory.models import Unit, User
from tests.assistance.conftest import (
    HEADER,
    LI,
    WANG,
    ZHANG,
    Bodies,
    bodies,
    csv_bytes,
    linkage_model,
)
from tests.browser.conftest import Opener
from tests.browser.helpers import fits_the_phone, log_in, overflowing
from tests.conftest import Tree

__all__ = ["bodies", "linkage_model"]

pytestmark = pytest.mark.django_db(transaction=True)

Shot = Callable[[Page, str], Path]
FACTS = ["姓名", "身份证号", "联系电话", "乡镇", "身份类别", "残疾等级"]


def _bad_check_digit(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


def _field(page: Page, name: str) -> Any:
    """The form field wrapper (label, input, errors) of the input named `name`."""
    return page.locator(".field").filter(has=page.locator(f"[name={name}]"))


def test_a_resident_applies_on_a_phone(
    open_page: Opener, shot: Shot, tree: Tree, bodies: Bodies
) -> None:
    page = open_page()
    page.goto("/assistance/apply/")
    form = page.get_by_test_id("apply-form")
    expect(form.locator("label[for=id_name]")).to_contain_text("姓名")
    form.locator("[name=id_number]").fill(_bad_check_digit(ZHANG))
    form.locator("[name=name]").fill("张三")
    form.locator("[name=phone]").fill("13800138000")
    form.locator("[name=town]").select_option(str(tree.town_a.pk))
    form.locator("[name=income_per_head]").fill("500")
    form.locator("button[name=check]").click()

    # Refused: the ID number's field carries the error; no assessment, nothing created.
    id_field = _field(page, "id_number")
    expect(id_field).to_have_class("field invalid")
    expect(id_field.locator(".errorlist")).to_be_visible()
    assert page.locator(".field.invalid").count() == 1
    expect(page.get_by_test_id("assessment")).to_have_count(0)
    assert fits_the_phone(page), overflowing(page)
    shot(page, "bad-check-digit")
    assert Application.objects.count() == 0
    assert Case.objects.count() == 0

    # What the resident typed is kept; correcting the number is enough.
    expect(form.locator("[name=name]")).to_have_value("张三")
    form.locator("[name=id_number]").fill(ZHANG)
    form.locator("button[name=check]").click()
    eligible = page.get_by_test_id("eligible")
    expect(eligible).to_contain_text("城乡低保")
    expect(eligible).not_to_contain_text("医疗救助")  # needs the 低保户 status
    expect(eligible).not_to_contain_text("重度残疾人护理补贴")  # needs a disability grade
    # The sources hold nothing under his number: nothing to show, and the page says why.
    expect(page.get_by_test_id("receives-hidden")).to_be_visible()
    assert fits_the_phone(page), overflowing(page)
    shot(page, "eligible")

    eligible.locator("li").filter(has_text="城乡低保").get_by_role("button").click()
    page.wait_for_url("**/track/**")
    number = page.get_by_test_id("case-number").inner_text()
    link = page.get_by_test_id("tracking-link")
    assert fits_the_phone(page), overflowing(page)
    shot(page, "case-received")

    application = Application.objects.get()
    case = application.case
    assert number == case.number
    assert (application.programme, application.town) == (bodies.subsistence, tree.town_a)
    assert case.assignments.get(active=True, role="lead").unit == bodies.civil

    # The tracking link opens the case for anyone holding it, in a fresh browser.
    href = link.get_attribute("href")
    assert href is not None
    # The short link the receipt carries; the long token is kept inside links only.
    assert href.endswith(f"/t/{case.number}/{case_short_code(case)}/")
    other = open_page()
    response = other.goto(href)
    assert response is not None
    assert response.status == 200
    expect(other.get_by_test_id("case-state")).to_be_visible()
    expect(other.locator("body")).to_contain_text(case.number)
    shot(other, "tracking-link-opened")


@pytest.fixture
def temporary(tree: Tree) -> Programme:
    """石门镇's own programme: the town gives temporary hardship aid."""
    return programme_save(
        spec=ProgrammeSpec(
            code="LS01",
            name="镇临时救助",
            need=Need.TEMPORARY,
            body=tree.town_a,
            period=Period.YEAR,
            amount=Decimal("500"),
        )
    )


def _upload_through_the_page(page: Page, town: Unit, name: str, data: bytes) -> None:
    page.goto("/assistance/imports/")
    page.locator("[name=source]").select_option(str(town.pk))
    page.locator("[name=file]").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": data}
    )
    page.locator("form button.primary").click()
    page.wait_for_url("**/assistance/imports/*/")


def test_a_town_caseworker_imports_a_gbk_csv_and_reads_the_row_report(
    open_page: Opener, shot: Shot, tree: Tree, town_staff: User, temporary: Programme
) -> None:
    rows = [
        HEADER,
        ["张三", ZHANG, "13800138000", "石门镇", "LS01", "500", "2025-07-01"],
        ["李四", LI, "13800138001", "石门镇", "LS01", "五百", "2025-07-01"],
        ["王五", WANG, "13800138002", "石门", "镇临时救助", "300", "2025-08-15"],
    ]
    data = csv_bytes(rows, "gbk")
    page = open_page(desktop=True)
    log_in(page, town_staff, next_url="/assistance/imports/")
    _upload_through_the_page(page, tree.town_a, "七月临时救助.csv", data)

    expect(page.locator("h1")).to_have_text("七月临时救助.csv")
    report = page.get_by_test_id("row-report")
    refused = report.locator("tbody tr")
    expect(refused).to_have_count(1)
    cells = refused.first.locator("td")
    expect(cells.nth(0)).to_have_text("3")  # the header is row 1
    expect(cells.nth(1)).to_have_text("发放金额")
    expect(cells.nth(2)).to_contain_text("五百")
    batch = ImportBatch.objects.get()
    assert (batch.state, batch.kept, batch.refused) == ("done", 2, 1)
    expect(page.get_by_test_id("progress")).to_contain_text("导入 2 行，拒收 1 行")
    shot(page, "row-report")
    records = sorted(SourceRecord.objects.values_list("name", "amount", "source_id"))
    assert records == [
        ("张三", Decimal("500.00"), tree.town_a.pk),
        ("王五", Decimal("300.00"), tree.town_a.pk),
    ]

    # The same file again, under another name: the page says so and nothing changes.
    _upload_through_the_page(page, tree.town_a, "七月临时救助-副本.csv", data)
    expect(page.locator(".messages")).to_be_visible()
    assert page.url.rstrip("/").endswith(f"/assistance/imports/{batch.pk}")
    shot(page, "re-upload")
    assert ImportBatch.objects.count() == 1
    assert sorted(SourceRecord.objects.values_list("name", "amount", "source_id")) == records


def _import(source: Unit, rows: list[list[str]], name: str) -> None:
    data = csv_bytes(rows)
    mapping = mapping_guess(source=source, file_name=name, data=data)
    batch, _created = batch_upload(
        source=source, mapping=mapping, file_name=name, data=data, user=None
    )
    assert batch_claim(batch.pk)
    assert batch_process(batch=batch).state == "done"


@pytest.fixture
def missed(bodies: Bodies, linkage_model: Any) -> Finding:
    """李四 of 石门镇 is a registered low-income person with no medical aid: missed aid."""
    _import(bodies.civil, [FACTS, ["李四", LI, "13800138001", "石门镇", "低保户", ""]], "对象.csv")
    persons_relink(model=linkage_model)
    findings_compute(on=date(2025, 12, 31))
    return Finding.objects.get(kind="missed", person_name="李四", need=Need.MEDICAL)


def test_a_town_caseworker_dismisses_a_finding_with_a_reason(
    open_page: Opener, shot: Shot, town_staff: User, missed: Finding
) -> None:
    page = open_page(desktop=True)
    log_in(page, town_staff, next_url="/assistance/findings/")
    queue = page.get_by_test_id("findings")
    expect(queue).to_contain_text("李四")
    shot(page, "queue")
    queue.get_by_role("link").filter(has_text="李四").first.click()
    page.wait_for_url(f"**/assistance/findings/{missed.pk}/")
    evidence = page.get_by_test_id("evidence")
    expect(evidence).to_contain_text("医疗救助")  # the programme met and not received
    expect(evidence).to_contain_text("县民政局")  # the body concerned
    expect(evidence).to_contain_text("低保户")  # the certified status, by its name
    expect(evidence).not_to_contain_text("low_income")
    shot(page, "evidence")

    # Dismissing without a reason (blanks pass the browser's own check) is refused, named.
    reviews = page.get_by_test_id("reviews")
    reviews.locator("[name=decision][value=dismissed]").check()
    reviews.locator("[name=reason]").fill("   ")
    reviews.locator("button[type=submit]").click()
    reason = _field(page, "reason")
    expect(reason).to_have_class("field invalid")
    expect(reason.locator(".errorlist")).to_be_visible()
    shot(page, "no-reason-refused")
    assert FindingReview.objects.count() == 0
    missed.refresh_from_db()
    assert missed.state == "open"

    reviews.locator("[name=decision][value=dismissed]").check()
    reviews.locator("[name=reason]").fill("已入户核实，本年度医疗费用已由医保全额报销")
    reviews.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()
    expect(reviews.locator("li")).to_contain_text("已入户核实")
    expect(reviews.locator("li")).to_contain_text(town_staff.username)
    expect(reviews.locator("form")).to_have_count(0)  # decided: no second decision
    shot(page, "dismissed")
    review = FindingReview.objects.get()
    assert (review.reviewer, review.unit, review.decision) == (
        town_staff,
        missed.place,
        "dismissed",
    )


def test_the_other_towns_staff_cannot_open_the_finding(
    open_page: Opener, shot: Shot, missed: Finding, outsider: User
) -> None:
    """Staff of 白岩镇: 石门镇's finding does not exist for them."""
    stranger = open_page(desktop=True)
    log_in(stranger, outsider, next_url="/assistance/findings/")
    expect(stranger.get_by_test_id("findings")).not_to_contain_text("李四")
    response = stranger.goto(f"/assistance/findings/{missed.pk}/")
    assert response is not None
    assert response.status == 404
    assert "李四" not in stranger.content()
    shot(stranger, "outsider-refused")
    assert FindingReview.objects.count() == 0

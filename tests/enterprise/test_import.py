from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.translation import override

from sanfu.directory.models import User
from sanfu.enterprise.imports import enterprise_import
from sanfu.enterprise.models import Benefit, EnterpriseFacts, EnterpriseProfile
from tests.conftest import login
from tests.enterprise.conftest import World

FACTS_HEADER = "统一社会信用代码,年度,营业收入,从业人数,纳税信用等级,法定代表人,行业代码\n"


def _facts_csv(world: World, revenue: str = '"¥1,234.50"') -> bytes:
    return (
        FACTS_HEADER
        + f'{world.hengda.credit_code},2026,{revenue},"1,200",A,张伟强,C3311\n'
        + f'{world.qinghe.credit_code},2026,"1,234",5,b级,王芳,F5123\n'
    ).encode()


def test_facts_import_reads_amounts_with_separators_and_yuan_signs(world: World) -> None:
    report = enterprise_import(kind="facts", file_name="f.csv", data=_facts_csv(world))
    assert report.applied
    assert report.created == 2
    facts = EnterpriseFacts.objects.get(enterprise=world.hengda, year=2026)
    assert (facts.revenue, facts.employees, facts.tax_grade) == (Decimal("1234.50"), 1200, "A")
    assert EnterpriseFacts.objects.get(enterprise=world.qinghe, year=2026).tax_grade == "B"
    assert EnterpriseProfile.objects.get(enterprise=world.qinghe).industry_code == "F5123"


def test_importing_the_same_file_again_changes_nothing(world: World) -> None:
    enterprise_import(kind="facts", file_name="f.csv", data=_facts_csv(world))
    again = enterprise_import(kind="facts", file_name="f.csv", data=_facts_csv(world))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_a_bad_amount_refuses_the_whole_file_naming_row_and_column(world: World) -> None:
    with override("en"):
        report = enterprise_import(
            kind="facts", file_name="f.csv", data=_facts_csv(world, "约三百万")
        )
    assert not report.applied
    assert [(i.row, i.column) for i in report.issues] == [(2, "revenue")]
    assert "not a number" in report.issues[0].message
    assert not EnterpriseFacts.objects.filter(year=2026).exists()


def test_a_wrong_check_character_and_an_unknown_enterprise_are_refused(world: World) -> None:
    code = world.hengda.credit_code
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    unknown_first17 = "91330299999999999"
    from sanfu.lib.uscc import credit_code_check_char

    unknown = unknown_first17 + credit_code_check_char(unknown_first17)
    data = (FACTS_HEADER + f"{wrong},2026,1,1,A,,\n{unknown},2026,1,1,A,,\n").encode()
    with override("en"):
        report = enterprise_import(kind="facts", file_name="f.csv", data=data)
    assert [(i.row, i.column) for i in report.issues] == [(2, "credit_code"), (3, "credit_code")]
    assert "check character" in report.issues[0].message
    assert "No enterprise" in report.issues[1].message


def test_benefits_from_excel_unknown_policy_refused_then_imported_once(
    world: World, tmp_path: Path
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["统一社会信用代码", "政策编号", "兑现日期", "金额", "凭证号"])
    sheet.append([world.hengda.credit_code, "SME-1", "2026-03-01", "¥12,000.00", "V1"])
    sheet.append([world.qinghe.credit_code, "NOPE", "2026-03-02", 500, "V2"])
    path = tmp_path / "b.xlsx"
    book.save(path)
    with pytest.raises(CommandError):
        call_command(
            "enterprise", "import", "--kind", "benefits", "--file", str(path), stdout=io.StringIO()
        )
    assert not Benefit.objects.exists()
    sheet.delete_rows(3)
    book.save(path)
    out = io.StringIO()
    call_command("enterprise", "import", "--kind", "benefits", "--file", str(path), stdout=out)
    assert json.loads(out.getvalue())["created"] == 1
    call_command("enterprise", "import", "--kind", "benefits", "--file", str(path), stdout=out)
    benefit = Benefit.objects.get()
    assert (benefit.amount, benefit.policy, benefit.reference) == (
        Decimal("12000.00"),
        world.sme,
        "V1",
    )


def test_the_import_page_shows_the_row_report(world: World, administrator: User) -> None:
    client = login(administrator)
    upload = SimpleUploadedFile("f.csv", _facts_csv(world, "abc"), content_type="text/csv")
    response = client.post(reverse("enterprise:imports"), {"kind": "facts", "file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="row-report"' in html
    assert "abc" in html
    upload = SimpleUploadedFile("f.csv", _facts_csv(world), content_type="text/csv")
    response = client.post(reverse("enterprise:imports"), {"kind": "facts", "file": upload})
    assert response.status_code == 200
    assert EnterpriseFacts.objects.filter(year=2026).count() == 2


def test_town_staff_cannot_import_the_countys_files(world: World, outsider: User) -> None:
    upload = SimpleUploadedFile("f.csv", _facts_csv(world), content_type="text/csv")
    client = login(outsider)
    assert client.get(reverse("enterprise:imports")).status_code == 404
    response = client.post(reverse("enterprise:imports"), {"kind": "facts", "file": upload})
    assert response.status_code == 404
    assert not EnterpriseFacts.objects.filter(year=2026).exists()

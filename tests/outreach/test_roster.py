"""The roster: import from .csv/.xlsx with a per-row report; export back with text as text."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from sanfu.directory.models import Enterprise, StaffRole
from sanfu.outreach.models import Link, LinkRole, Period
from sanfu.outreach.roster import roster_import
from tests.cases.conftest import People
from tests.conftest import Tree, login, make_staff
from tests.factories import make_enterprise

pytestmark = pytest.mark.django_db

HEADER = "人员账号,包联单位代码,对象类型,对象,角色,开始日期,结束日期,频次,周期,备注"


def roster_csv(enterprise: Enterprise) -> bytes:
    rows = [
        HEADER,
        f"cadre,,企业,{enterprise.credit_code},首席服务官,2026-11-01,,1,每周,",
        "grid,,网格,上坪村第一网格,包联,2026-11-01,,1,每日,每日巡查",
        "nobody,,村社,YX01001,包联,2026-11-01,,1,每月,",
        ",YXD12,村社,YX02001,领衔,2026-11-01,,1,每季,=HYPERLINK(1)",
        "cadre,,村社,上坪村,包联,2026-11-01,,0,每月,",
    ]
    return ("\n".join(rows) + "\n").encode()


@pytest.fixture
def enterprise(tree: Tree) -> Enterprise:
    return make_enterprise(town=tree.town_a, village=tree.village_a)


def test_good_rows_go_in_and_bad_rows_are_named(tree: Tree, people: People, enterprise: Enterprise):
    report = roster_import(actor=None, file_name="roster.csv", data=roster_csv(enterprise))
    assert (report.created, report.refused_rows) == (3, 2)
    assert [(p.row, p.column) for p in report.problems] == [(4, "人员账号"), (6, "频次")]
    assert "nobody" in report.problems[0].reason
    officer = Link.objects.get(enterprise=enterprise)
    assert (officer.person, officer.role, officer.cadence_period) == (
        people.cadre,
        LinkRole.CHIEF_SERVICE,
        Period.WEEKLY,
    )
    assert Link.objects.get(person_unit=tree.department).target_unit == tree.village_b


def test_importing_the_same_file_again_changes_nothing(
    tree: Tree, people: People, enterprise: Enterprise
):
    roster_import(actor=None, file_name="roster.csv", data=roster_csv(enterprise))
    before = list(Link.objects.values())
    again = roster_import(actor=None, file_name="roster.csv", data=roster_csv(enterprise))
    assert (again.created, again.unchanged, again.refused_rows) == (0, 3, 2)
    assert list(Link.objects.values()) == before


def test_a_row_with_an_end_date_ends_the_link(tree: Tree, people: People, enterprise: Enterprise):
    roster_import(actor=None, file_name="roster.csv", data=roster_csv(enterprise))
    ending = f"{HEADER}\ngrid,,网格,YX0100101,包联,2026-11-01,2026-11-30,1,每日,\n".encode()
    report = roster_import(actor=people.town_leader, file_name="end.csv", data=ending)
    assert report.ended == 1
    assert Link.objects.get(person=people.grid_worker).ends_on == date(2026, 11, 30)


def test_a_file_without_the_columns_is_refused(tree: Tree):
    from sanfu.lib.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        roster_import(actor=None, file_name="x.csv", data="姓名,电话\n张三,1\n".encode())
    assert "对象类型" in refused.value.message


def test_an_xlsx_roster_is_read_like_a_csv(tree: Tree, people: People, enterprise: Enterprise):
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in roster_csv(enterprise).decode().splitlines():
        # openpyxl would write the note "=HYPERLINK(1)" as a formula with no cached value,
        # which the assistance reader cannot read (reported); Excel always caches one.
        sheet.append([value.lstrip("=") or None for value in line.split(",")])
    buffer = io.BytesIO()
    book.save(buffer)
    report = roster_import(actor=None, file_name="roster.xlsx", data=buffer.getvalue())
    assert (report.created, report.refused_rows) == (3, 2)


def test_the_page_imports_and_shows_the_report(tree: Tree, people: People, enterprise: Enterprise):
    admin = make_staff("admin", tree.county, StaffRole.ADMINISTRATOR)
    upload = SimpleUploadedFile("roster.csv", roster_csv(enterprise), content_type="text/csv")
    page = login(admin).post("/outreach/roster/", {"file": upload}).content.decode()
    assert 'data-testid="roster-problems"' in page
    assert "nobody" in page
    assert Link.objects.count() == 3


def test_an_outsider_imports_nothing_into_town_a(
    tree: Tree, people: People, enterprise: Enterprise
):
    upload = SimpleUploadedFile("roster.csv", roster_csv(enterprise), content_type="text/csv")
    login(people.outsider).post("/outreach/roster/", {"file": upload})
    # Only the row for a town B village could be theirs, and it is held by a county department.
    assert list(Link.objects.values_list("target_unit__name", flat=True)) == ["下湾村"]


def test_the_export_writes_text_as_text(tree: Tree, people: People, enterprise: Enterprise):
    roster_import(actor=None, file_name="roster.csv", data=roster_csv(enterprise))
    admin = make_staff("admin", tree.county, StaffRole.ADMINISTRATOR)
    response = login(admin).get("/outreach/roster.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    notes = [row[9].value for row in sheet.iter_rows(min_row=2)]
    cell = next(row[9] for row in sheet.iter_rows(min_row=2) if row[9].value)
    assert "=HYPERLINK(1)" in notes
    assert cell.data_type == "s"
    # The exported file imports back unchanged.
    again = roster_import(actor=None, file_name="back.xlsx", data=response.content)
    assert (again.created, again.unchanged) == (0, 3)


def test_the_command_imports_and_prints_the_report(
    tree: Tree,
    people: People,
    enterprise: Enterprise,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
):
    path = tmp_path / "roster.csv"
    path.write_bytes(roster_csv(enterprise))
    with pytest.raises(SystemExit):
        call_command("outreach", "import", "--file", str(path))
    printed = json.loads(capsys.readouterr().out)
    assert printed["created"] == 3
    assert printed["problems"][0] == {
        "row": 4,
        "column": "人员账号",
        "reason": printed["problems"][0]["reason"],
    }

"""Programmes of two bodies over the common tree, and files in the bodies' own layouts."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from openpyxl import Workbook

from sanfu.assistance.models import Need, Period, Programme, Status
from sanfu.assistance.programmes import ProgrammeSpec, need_cap_save, programme_save
from sanfu.directory import services
from sanfu.directory.models import StaffRole, Unit, UnitKind, User
from sanfu.lib.idnumber import id_number_check_char
from tests.conftest import Tree, make_staff


def id_number(body: str) -> str:
    """A valid ID number from 17 digits: region, birth date, sequence."""
    return body + id_number_check_char(body)


# People of the tests: valid numbers in the demo's made-up region 330299.
ZHANG = id_number("33029919500312001")  # born 1950
LI = id_number("33029919801107002")
WANG = id_number("33029920100520003")


@dataclass
class Bodies:
    civil: Unit  # 民政局: subsistence
    charity: Unit  # a social organisation: medical aid
    subsistence: Programme
    medical: Programme
    medical_charity: Programme
    disability: Programme


@pytest.fixture
def bodies(tree: Tree) -> Bodies:
    civil = services.unit_create(
        kind=UnitKind.DEPARTMENT, name="县民政局", code="YXD01", parent=tree.county
    )
    charity = services.unit_create(
        kind=UnitKind.SOCIAL_ORG, name="云溪县慈善总会", code="YXS001", parent=tree.county
    )
    subsistence = programme_save(
        spec=ProgrammeSpec(
            code="DB01",
            name="城乡低保",
            need=Need.SUBSISTENCE,
            body=civil,
            period=Period.MONTH,
            amount=Decimal("800"),
            max_income_per_head=Decimal("900"),
        )
    )
    medical = programme_save(
        spec=ProgrammeSpec(
            code="YL01",
            name="医疗救助",
            need=Need.MEDICAL,
            body=civil,
            period=Period.YEAR,
            amount=Decimal("3000"),
            required_status=Status.LOW_INCOME,
        )
    )
    medical_charity = programme_save(
        spec=ProgrammeSpec(
            code="CS01",
            name="大病救助",
            need=Need.MEDICAL,
            body=charity,
            period=Period.YEAR,
            amount=Decimal("2000"),
        )
    )
    disability = programme_save(
        spec=ProgrammeSpec(
            code="CJ01",
            name="重度残疾人护理补贴",
            need=Need.DISABILITY,
            body=civil,
            period=Period.MONTH,
            amount=Decimal("200"),
            max_disability_grade=2,
        )
    )
    need_cap_save(need=Need.MEDICAL, period=Period.YEAR, cap_per_person=Decimal("4000"))
    return Bodies(civil, charity, subsistence, medical, medical_charity, disability)


@pytest.fixture
def civil_staff(bodies: Bodies) -> User:
    return make_staff("civil", bodies.civil, StaffRole.DEPARTMENT_HANDLER)


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    text = "\r\n".join(",".join(row) for row in rows) + "\r\n"
    return text.encode(encoding)


def xlsx_bytes(rows: list[list[object]], merges: tuple[str, ...] = ()) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER = ["姓名", "身份证号", "联系电话", "乡镇", "项目", "发放金额", "发放日期"]


@pytest.fixture(scope="session")
def linkage_model() -> object:
    """The real packaged model (trained on a synthetic county by the linkage's authors)."""
    from sanfu.assistance.linkage import LinkageModel

    return LinkageModel.default()

"""The service catalogue as a front door: imports with a per-row report, search, guides."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from sanfu.frontdoor import catalogue
from sanfu.frontdoor.models import ServiceEntry
from sanfu.lib.errors import ValidationFailed
from tests.conftest import Tree, https_client, login
from tests.frontdoor.conftest import providers_of_packaged_file

pytestmark = pytest.mark.django_db

HEADER = "事项名称,实施部门,法定时限,申请材料,网上可办,掌上可办,跑零次,最多跑一次"


def _csv(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode()


def test_the_packaged_catalogue_loads_every_row(loaded: catalogue.ImportReport) -> None:
    assert loaded.refused == 0, [r.problem for r in loaded.rows if r.outcome == "refused"]
    assert loaded.created >= 30
    entry = ServiceEntry.objects.get(category__name="户籍证明")
    assert entry.provider.name.endswith("公安局")
    assert entry.online
    assert entry.zero_visit
    assert "户口簿" in entry.material_list()
    assert entry.category.parent is not None
    assert entry.category.parent.parent is not None
    assert entry.category.parent.parent.name == catalogue.ADMIN_FIELD


def test_loading_twice_updates_and_changes_nothing_else(
    tree: Tree, loaded: catalogue.ImportReport
) -> None:
    again = catalogue.services_load_packaged(county=tree.county)
    assert again.created == 0
    assert again.updated == loaded.created
    assert ServiceEntry.objects.count() == loaded.created


def test_bad_rows_are_named_and_change_nothing(tree: Tree) -> None:
    table = catalogue.table_read(
        file_name="s.csv",
        data=_csv(
            "危房改造补助,住房和城乡建设局,20,身份证；房屋照片,是,否,否,是",
            ",住房和城乡建设局,20,,是,否,否,是",
            "公积金提取,没有这个局,3,,是,是,是,是",
            "建筑许可,住房和城乡建设局,三天,,是,否,否,是",
            "物业备案,住房和城乡建设局,5,,也许,否,否,是",
            "房屋租赁登记,住房和城乡建设局,5,,是,是,是,否",
        ),
    )
    report = catalogue.services_import(county=tree.county, table=table)
    outcomes = {row.line: (row.outcome, row.problem) for row in report.rows}
    assert outcomes[2][0] == "created"
    assert "事项名称" in outcomes[3][1]
    assert "没有这个局" in outcomes[4][1]
    assert "法定时限" in outcomes[5][1]
    assert "网上可办" in outcomes[6][1]
    assert "跑零次" in outcomes[7][1]
    assert list(ServiceEntry.objects.values_list("category__name", flat=True)) == ["危房改造补助"]


def test_a_file_without_the_required_columns_is_refused(tree: Tree) -> None:
    table = catalogue.table_read(file_name="s.csv", data=b"name,fees\nx,y\n")
    with pytest.raises(ValidationFailed, match="实施部门"):
        catalogue.services_import(county=tree.county, table=table)


def test_an_administrator_imports_an_excel_file_and_reads_the_row_report(
    tree: Tree, administrator: object
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    sheet.append(["危房改造补助", "住房和城乡建设局", 20, "身份证", "是", "否", "否", "是"])
    sheet.append(["危房改造补助", "住房和城乡建设局", 20, "身份证", "是", "否", "否", "是"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "services.xlsx"
    response = login(administrator).post(  # type: ignore[arg-type]
        "/frontdoor/services/import/", {"county": tree.county.pk, "file": upload}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-outcome="created"' in body
    assert 'data-outcome="refused"' in body
    assert ServiceEntry.objects.count() == 1


def test_the_import_page_is_not_for_town_staff(town_staff: object) -> None:
    assert login(town_staff).get("/frontdoor/services/import/").status_code == 404  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "query",
    ["hjzm", "户籍证明", "户籍", "hujizhengming", "huji", "户口证明", "户籍正明", "hujizhengmin"],
)
def test_the_portal_finds_huji_zhengming_however_it_is_typed(
    loaded: catalogue.ImportReport, query: str
) -> None:
    response = https_client().get("/services/", {"q": query})
    assert response.status_code == 200
    guide = response.content.decode().split('data-testid="guide"')[1]
    assert "户籍证明" in guide.split("</h2>")[0]
    assert "居民身份证" in guide  # what to bring, on the same screen


def test_a_query_that_matches_nothing_says_so(loaded: catalogue.ImportReport) -> None:
    response = https_client().get("/services/", {"q": "xyzqw"})
    assert 'data-testid="no-match"' in response.content.decode()


def test_a_service_page_says_what_to_do(loaded: catalogue.ImportReport) -> None:
    entry = ServiceEntry.objects.get(category__name="结婚登记")
    body = https_client().get(f"/services/{entry.pk}/").content.decode()
    assert "婚姻登记处" in body
    assert https_client().get("/services/999999/").status_code == 404


def test_the_search_command_prints_its_time(loaded: catalogue.ImportReport) -> None:
    out = io.StringIO()
    call_command("frontdoor", "search", "hjzm", stdout=out)
    assert '"户籍证明"' in out.getvalue()
    assert '"ms"' in out.getvalue()


def test_every_provider_of_the_packaged_file_is_a_department_name() -> None:
    assert all(name.endswith(("局", "会", "联合会")) for name in providers_of_packaged_file())


def test_an_administrator_adds_one_service_with_the_import_rules(
    tree: Tree, administrator: object
) -> None:
    client = login(administrator)  # type: ignore[arg-type]
    form = {
        "name": "危房改造补助",
        "provider": tree.department.pk,
        "materials": "身份证\n房屋照片",
        "legal_days": "20",
        "online": "on",
        "zero_visit": "on",
    }
    refused = client.post("/frontdoor/services/new/", form)
    assert refused.status_code == 400
    assert "跑零次" in refused.content.decode()
    assert not ServiceEntry.objects.exists()
    assert client.post("/frontdoor/services/new/", form | {"one_visit": "on"}).status_code == 302
    entry = ServiceEntry.objects.get()
    assert entry.material_list() == ["身份证", "房屋照片"]
    assert entry.zero_visit

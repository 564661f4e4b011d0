"""The three lists through HTTP: generated from the data, staff page, Excel, printable A4 with a
QR code, the public version, and who may see which."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from sanfu.assistance.models import Need, Period
from sanfu.assistance.programmes import ProgrammeSpec, programme_save
from sanfu.cases.services import Requester
from sanfu.directory import services as directory
from sanfu.directory.models import UnitKind
from sanfu.grassroots import lists
from sanfu.grassroots.lists import ListContext, ListKind, Section
from sanfu.grassroots.models import ListPolicy
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree, https_client, login

ID_NUMBER = "110101199003071233"
RESIDENT_PHONE = "13812345678"


def _data(tree: Tree, people: People, catalogue: Catalogue) -> None:
    people.cadre.phone = "13900001111"
    people.cadre.save(update_fields=["phone"])
    web_case(tree, catalogue, title='=HYPERLINK("x") 路灯不亮')
    web_case(
        tree,
        catalogue,
        title="低保申请 110101199003071233",
        requester=Requester(
            kind="resident", name="王建国", phone=RESIDENT_PHONE, id_number=ID_NUMBER
        ),
    )
    programme_save(
        spec=ProgrammeSpec(
            code="DB01",
            name="城乡低保",
            need=Need.SUBSISTENCE,
            body=tree.department,
            period=Period.MONTH,
            amount=Decimal("800"),
        )
    )
    directory.unit_create(
        kind=UnitKind.SOCIAL_ORG, name="石门镇爱心协会", code="YXS01", parent=tree.town_a
    )


def test_a_villages_lists_come_from_the_data(
    tree: Tree, people: People, catalogue: Catalogue
) -> None:
    _data(tree, people, catalogue)
    response = login(people.cadre).get(f"/grassroots/lists/{tree.village_a.code}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "cadre" in body  # the village's staff
    assert "13900001111" in body  # staff phones on the staff page
    assert "市政设施" in body  # who handles what
    assert "路灯不亮" in body  # an open case here
    assert "城乡低保" in body  # a county programme
    assert "石门镇爱心协会" in body  # a social organisation of the town
    assert 'data-testid="as-of"' in body


def test_a_departments_lists_show_the_cases_it_leads(
    tree: Tree, people: People, catalogue: Catalogue
) -> None:
    _data(tree, people, catalogue)
    response = login(people.handler).get(f"/grassroots/lists/{tree.department.code}/")
    three = response.context["three"]
    assert response.status_code == 200
    # No social organisations under a department; outreach's service days are plugged in.
    assert [s.key for s in three.get(ListKind.SERVICE).sections] == [
        "catalogue",
        "programmes",
        "service_days",
    ]
    assert "城乡低保" in response.content.decode()


def test_no_list_ever_shows_a_residents_id_number_or_phone(
    tree: Tree, people: People, catalogue: Catalogue
) -> None:
    _data(tree, people, catalogue)
    code = tree.village_a.code
    staff = login(people.cadre)
    pages = [
        staff.get(f"/grassroots/lists/{code}/").content,
        staff.get(f"/grassroots/lists/{code}/print/problem/").content,
        https_client().get(f"/grassroots/public/{code}/").content,
    ]
    book = load_workbook(io.BytesIO(staff.get(f"/grassroots/lists/{code}/lists.xlsx").content))
    cells = " ".join(str(c.value) for s in book for row in s.iter_rows() for c in row)
    for text in [*(p.decode() for p in pages), cells]:
        assert RESIDENT_PHONE not in text
    # Case titles are the staff's: the public versions show no unpublished title at all.
    for page in pages[1:]:
        assert ID_NUMBER not in page.decode()
        assert "低保申请" not in page.decode()


def test_the_public_version_hides_staff_phones_unless_the_county_publishes_them(
    tree: Tree, people: People, catalogue: Catalogue
) -> None:
    _data(tree, people, catalogue)
    url = f"/grassroots/public/{tree.village_a.code}/"
    assert "13900001111" not in https_client().get(url).content.decode()
    ListPolicy.objects.create(county=tree.county, publish_staff_phones=True)
    assert "13900001111" in https_client().get(url).content.decode()


def test_the_excel_export_writes_text_as_text(
    tree: Tree, people: People, catalogue: Catalogue
) -> None:
    _data(tree, people, catalogue)
    response = login(people.cadre).get(f"/grassroots/lists/{tree.village_a.code}/lists.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    cells = [cell for row in book["问题清单"].iter_rows() for cell in row if cell.value]
    formula = [c for c in cells if str(c.value).startswith("=HYPERLINK")]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert formula
    assert all(c.data_type == "s" for c in formula)
    assert book.sheetnames == ["责任清单", "问题清单", "服务清单"]


def test_the_printable_list_carries_a_qr_code_to_the_portal(
    tree: Tree, people: People, catalogue: Catalogue
) -> None:
    response = login(people.cadre).get(f"/grassroots/lists/{tree.village_a.code}/print/service/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body
    assert f"https://testserver/grassroots/public/{tree.village_a.code}/" in body
    assert "size: A4" in body


def test_the_outsider_gets_404_for_every_version_but_the_public_one(
    tree: Tree, people: People, catalogue: Catalogue
) -> None:
    code = tree.village_a.code
    client = login(people.outsider)
    for url in [
        f"/grassroots/lists/{code}/",
        f"/grassroots/lists/{code}/lists.xlsx",
        f"/grassroots/lists/{code}/print/service/",
    ]:
        assert client.get(url).status_code == 404, url
    assert tree.village_a not in client.get("/grassroots/lists/").context["units"]


def test_lists_of_a_town_or_an_unknown_list_are_404(
    tree: Tree, people: People, catalogue: Catalogue
) -> None:
    client = login(people.town_staff)
    assert client.get(f"/grassroots/lists/{tree.town_a.code}/").status_code == 404
    assert client.get(f"/grassroots/lists/{tree.village_a.code}/print/x/").status_code == 404
    assert https_client().get(f"/grassroots/public/{tree.town_a.code}/").status_code == 404


def test_a_later_app_plugs_a_section_in(
    tree: Tree, people: People, catalogue: Catalogue, monkeypatch: object
) -> None:
    def linked_cadres(context: ListContext) -> Section:
        return Section(key="linked", title="包联干部", columns=["姓名"], rows=[["赵县长"]])

    builders = {kind: list(b) for kind, b in lists.SECTION_BUILDERS.items()}
    try:
        lists.register_section(ListKind.RESPONSIBILITY, linked_cadres)
        lists.register_section(ListKind.RESPONSIBILITY, linked_cadres)
        body = login(people.cadre).get(f"/grassroots/lists/{tree.village_a.code}/").content
    finally:
        lists.SECTION_BUILDERS.update(builders)
    assert body.decode().count("赵县长") == 1

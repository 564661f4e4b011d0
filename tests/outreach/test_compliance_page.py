"""The compliance page at a county's size: figures by town, tables paged, names of the rows
shown (links are read slim), the outsider refused."""

from __future__ import annotations

from datetime import date

import pytest

from sanfu.directory.models import StaffRole
from sanfu.outreach import views
from sanfu.outreach.models import LinkRole, Period
from sanfu.outreach.services import NewLink, link_create
from tests.cases.conftest import People
from tests.conftest import Tree, login, make_staff
from tests.outreach.conftest import Outreach

pytestmark = pytest.mark.django_db


def _section(page: str, testid: str) -> str:
    return page.split(f'data-testid="{testid}"')[1].split("</table>")[0]


def _village_b_link(people: People, tree: Tree) -> None:
    link_create(
        actor=None,
        new=NewLink(
            person=people.cadre,
            target=tree.village_b,
            role=LinkRole.LINKAGE,
            starts_on=date(2026, 11, 1),
            cadence_count=1,
            cadence_period=Period.MONTHLY,
        ),
    )


def test_the_county_page_gives_figures_by_town(outreach: Outreach, people: People, tree: Tree):
    _village_b_link(people, tree)
    leader = make_staff("county-leader", tree.county, StaffRole.LEADER)
    page = login(leader).get(f"/outreach/compliance/?unit={tree.county.pk}&period=2026-11")
    by_town = _section(page.content.decode(), "by-area")
    rows = by_town.split("<tr>")[2:]
    # Town A holds the enterprise and grid links, town B the village's.
    assert "石门镇</td><td>2</td>" in rows[0]
    assert "白岩镇</td><td>1</td>" in rows[1]
    assert len(rows) == 2


def test_a_town_page_gives_figures_by_village(outreach: Outreach, people: People):
    page = login(people.town_leader).get("/outreach/compliance/?period=2026-11")
    by_area = _section(page.content.decode(), "by-area")
    assert "上坪村</td><td>2</td>" in by_area
    assert "白岩镇" not in by_area


def test_the_tables_are_paged_and_name_their_rows(
    outreach: Outreach, people: People, tree: Tree, monkeypatch: pytest.MonkeyPatch
):
    _village_b_link(people, tree)
    monkeypatch.setattr(views, "PAGE_ROWS", 2)
    leader = make_staff("county-leader", tree.county, StaffRole.LEADER)
    client = login(leader)
    first = client.get(f"/outreach/compliance/?unit={tree.county.pk}&period=2026-11")
    text = first.content.decode()
    assert 'data-testid="pages-page"' in text
    assert f"unit={tree.county.pk}&amp;period=2026-11&amp;page=2" in text
    second = client.get(f"/outreach/compliance/?unit={tree.county.pk}&period=2026-11&page=2")
    links = _section(text, "links") + _section(second.content.decode(), "links")
    assert links.count("<tr") == 2 + 3  # a header on each page, and the three links
    for name in ("下湾村", outreach.enterprise.name, "上坪村第一网格"):
        assert f"<td>{name}" in links


def test_the_outsider_gets_no_town_figures(outreach: Outreach, people: People, tree: Tree):
    outsider = login(people.outsider)
    assert outsider.get(f"/outreach/compliance/?unit={tree.county.pk}").status_code == 404
    page = outsider.get("/outreach/compliance/?period=2026-11").content.decode()
    assert "石门镇" not in page
    assert "上坪村" not in page


def _href(page: str, pager: str, label: str) -> str:
    pages = page.split(f'data-testid="pages-{pager}"')[1].split("</p>")[0]
    before_label = pages.split(f">{label}</a>")[0]
    return before_label.rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")


def test_each_pager_keeps_the_other_pagers_page(
    outreach: Outreach, people: People, tree: Tree, monkeypatch: pytest.MonkeyPatch
):
    _village_b_link(people, tree)
    monkeypatch.setattr(views, "PAGE_ROWS", 1)
    leader = make_staff("county-leader", tree.county, StaffRole.LEADER)
    client = login(leader)
    start = f"/outreach/compliance/?unit={tree.county.pk}&period=2026-11"
    # Page 2 of the links, then the next page of the people: the links stay on page 2.
    links_second = client.get(f"{start}&page=2").content.decode()
    people_next = _href(links_second, "people", "Next")
    assert "page=2" in people_next.split("?")[1].split("&")
    both = client.get(f"/outreach/compliance/{people_next}").content.decode()
    assert _section(both, "links") == _section(links_second, "links")
    assert _section(both, "by-person") != _section(links_second, "by-person")
    # And the links' pager, on the people's page 2, keeps it while it moves the links.
    links_next = _href(both, "page", "Next")
    params = links_next.split("?")[1].split("&")
    assert "people=2" in params
    assert "page=3" in params
    third = client.get(f"/outreach/compliance/{links_next}").content.decode()
    assert _section(third, "by-person") == _section(both, "by-person")
    assert _section(third, "links") != _section(both, "links")
    # The Excel download's parameter never leaks into a pager's links.
    excel_asked = client.get(f"{start}&page=2&people=1&format=html").content.decode()
    assert "format=" not in _href(excel_asked, "people", "Next")

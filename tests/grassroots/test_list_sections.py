"""The sections outreach and projects plug into the three lists (register_section from their
ready()): linked cadres, service days, projects — on the staff page, the public version, and
refused to the outsider."""

from __future__ import annotations

from datetime import date

from sanfu.directory.models import Enterprise, StaffRole, Unit
from sanfu.outreach.models import LinkRole, Period
from sanfu.outreach.servicedays import service_day_create
from sanfu.outreach.services import NewLink, link_create
from sanfu.projects import services as projects
from tests.cases.conftest import Catalogue, People
from tests.conftest import Tree, https_client, login, make_staff
from tests.factories import make_enterprise, make_resident


def _outreach(tree: Tree, people: People) -> None:
    people.cadre.phone = "13900002222"
    people.cadre.save(update_fields=["phone"])
    enterprise = make_enterprise(town=tree.town_a, village=tree.village_a)
    targets: list[tuple[Enterprise | Unit, str]] = [
        (enterprise, LinkRole.CHIEF_SERVICE),
        (tree.village_b, LinkRole.LINKAGE),
    ]
    for target, role in targets:
        link_create(
            actor=None,
            new=NewLink(
                person=people.cadre,
                target=target,
                role=role,
                starts_on=date(2026, 6, 1),
                cadence_count=1,
                cadence_period=Period.WEEKLY,
            ),
        )
    household = make_resident(village=tree.village_a, grid=tree.grid_a).household
    assert household is not None
    link_create(
        actor=None,
        new=NewLink(
            person=people.grid_worker,
            target=household,
            role=LinkRole.LINKAGE,
            starts_on=date(2026, 6, 1),
            cadence_count=1,
            cadence_period=Period.DAILY,
        ),
    )
    leader = make_staff("county-leader", tree.county, StaffRole.LEADER)
    service_day_create(
        actor=leader, unit=tree.town_a, title="石门镇亲清服务日", held_on=date(2026, 6, 20)
    )
    service_day_create(
        actor=leader, unit=tree.town_a, title="上月的服务日", held_on=date(2026, 5, 20)
    )
    service_day_create(
        actor=leader, unit=tree.town_b, title="白岩镇亲清服务日", held_on=date(2026, 6, 21)
    )


def test_the_responsibility_list_names_the_linked_cadres(
    tree: Tree, people: People, catalogue: Catalogue
) -> None:
    _outreach(tree, people)
    body = login(people.cadre).get(f"/grassroots/lists/{tree.village_a.code}/").content.decode()
    assert "包联干部" in body or "Linked leaders and cadres" in body
    assert "首席服务官" in body
    assert "13900002222" in body  # staff see staff phones
    # Village B's link is not village A's.
    assert "下湾村" not in body.split("linked_cadres")[-1].split("</table>")[0]


def test_the_service_list_shows_the_service_days_coming_up_here(
    tree: Tree, people: People, catalogue: Catalogue
) -> None:
    _outreach(tree, people)
    body = login(people.cadre).get(f"/grassroots/lists/{tree.village_a.code}/").content.decode()
    assert "石门镇亲清服务日" in body
    assert "2026-06-20" in body
    assert "上月的服务日" not in body  # held already
    assert "白岩镇亲清服务日" not in body  # another town's


def test_the_problem_list_shows_the_projects_here(
    tree: Tree, people: People, catalogue: Catalogue
) -> None:
    projects.project_pose(
        actor=people.cadre,
        posing=tree.village_a,
        deciding=tree.county,
        title="上坪村饮用水水压不足",
        evidence="高处30户夏季断水。",
    )
    body = login(people.cadre).get(f"/grassroots/lists/{tree.village_a.code}/").content.decode()
    assert "上坪村饮用水水压不足" in body
    leader = make_staff("county-leader", tree.county, StaffRole.LEADER)
    other = login(leader).get(f"/grassroots/lists/{tree.village_b.code}/")
    assert other.status_code == 200
    assert "上坪村饮用水水压不足" not in other.content.decode()


def test_the_public_version_hides_phones_and_households(
    tree: Tree, people: People, catalogue: Catalogue
) -> None:
    _outreach(tree, people)
    body = https_client().get(f"/grassroots/public/{tree.village_a.code}/").content.decode()
    assert "首席服务官" in body
    assert "13900002222" not in body
    assert "石门镇亲清服务日" in body


def test_the_outsider_sees_none_of_the_sections(
    tree: Tree, people: People, catalogue: Catalogue
) -> None:
    _outreach(tree, people)
    client = login(people.outsider)
    for url in [
        f"/grassroots/lists/{tree.village_a.code}/",
        f"/grassroots/lists/{tree.village_a.code}/print/service/",
    ]:
        assert client.get(url).status_code == 404, url


def test_the_notice_board_print_comes_on_a3_too(
    tree: Tree, people: People, catalogue: Catalogue
) -> None:
    url = f"/grassroots/lists/{tree.village_a.code}/print/service/"
    a4 = login(people.cadre).get(url).content.decode()
    a3 = login(people.cadre).get(url + "?paper=A3").content.decode()
    assert "size: A4" in a4
    assert "size: A3" in a3
    assert "<svg" in a3  # the QR code to the portal
    assert login(people.outsider).get(url + "?paper=A3").status_code == 404

"""The dashboard shows outreach, projects and the grassroots beside the cases, for the same
unit and period, each figure with its note; scoped like the rest, refused to an outsider, and
read without one query per unit."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sanfu.directory import services as directory
from sanfu.directory.models import StaffRole, UnitKind
from sanfu.grassroots.models import MeetingKind
from sanfu.grassroots.services import meeting_schedule
from sanfu.outreach.models import LinkRole, Period
from sanfu.outreach.services import NewLink, link_create
from sanfu.projects.services import project_accept, project_pose
from tests.cases.conftest import Catalogue, People
from tests.conftest import Tree, login, make_staff
from tests.factories import make_enterprise
from tests.outreach.conftest import Outreach, clock, outreach

__all__ = ["clock", "outreach"]

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2026-11", "end": "2026-12"}


def project_and_meeting(tree: Tree, people: People) -> None:
    """A problem posed by village A and accepted by the county; a meeting held in village A."""
    leader = make_staff("county-leader", tree.county, StaffRole.LEADER)
    project = project_pose(
        actor=people.cadre,
        posing=tree.village_a,
        deciding=tree.county,
        title="上坪村饮用水水压不足",
        evidence="高处30户夏季断水，附村民联名。",
    )
    project_accept(
        actor=leader, project_id=project.pk, answering_unit=tree.department, envoy=people.handler
    )
    meeting_schedule(
        actor=people.cadre,
        village=tree.village_a,
        kind=MeetingKind.SPEAK_UP,
        held_on=date(2026, 12, 1),
        place="上坪村文化礼堂",
    )


def tiles(response: Any) -> dict[str, dict[str, str]]:
    assert response.status_code == 200
    return {
        section.key: {tile.key: tile.value for tile in section.tiles}
        for section in response.context["joined"]
    }


def test_the_county_sees_every_domain_beside_the_cases(
    tree: Tree, people: People, catalogue: Catalogue, outreach: Outreach
):
    project_and_meeting(tree, people)
    response = login(people.supervisor).get("/workbench/dashboard/joined/", PERIOD)
    found = tiles(response)
    assert found["outreach"]["links"] == "2"
    assert found["outreach"]["visits_done_rate"] == "0.0%"  # due, nothing done yet
    assert found["projects"]["led"] == "1"
    assert found["grassroots"]["meetings"] == "1"
    assert found["grassroots"]["burden_reduction"] == "—"  # no baseline year registered
    text = response.content.decode()
    for key in ("outreach", "projects", "grassroots"):
        assert f'data-testid="joined-{key}"' in text
    # The dashboard loads them after its own figures, for its unit and period.
    page = login(people.supervisor).get("/workbench/dashboard/", PERIOD).content.decode()
    assert 'data-testid="joined-slot"' in page
    assert f"/workbench/dashboard/joined/?unit={tree.county.pk}&amp;start=2026-11" in page
    # Every figure carries its note, in Chinese.
    for section in response.context["joined"]:
        assert all(str(tile.how) for tile in section.tiles)
    assert "应访尽访" in text


def test_a_town_sees_its_own_and_another_town_sees_none_of_it(
    tree: Tree, people: People, catalogue: Catalogue, outreach: Outreach
):
    project_and_meeting(tree, people)
    mine = tiles(login(people.town_leader).get("/workbench/dashboard/joined/", PERIOD))
    assert mine["outreach"]["links"] == "2"
    assert mine["projects"]["led"] == "1"
    assert mine["grassroots"]["meetings"] == "1"
    # The outsider is town B's staff: their own town shows nothing of town A's.
    theirs = tiles(login(people.outsider).get("/workbench/dashboard/joined/", PERIOD))
    assert theirs["outreach"]["links"] == "0"
    assert theirs["projects"]["led"] == "0"
    assert theirs["grassroots"]["meetings"] == "0"
    assert "burden_reduction" not in theirs["grassroots"]  # the county's ledger, not a town's
    refused = login(people.outsider).get(
        "/workbench/dashboard/joined/", {**PERIOD, "unit": str(tree.town_a.pk)}
    )
    assert refused.status_code == 400
    assert b"joined-outreach" not in refused.content


def test_a_person_without_a_dashboard_unit_is_refused(
    tree: Tree, people: People, catalogue: Catalogue, outreach: Outreach
):
    project_and_meeting(tree, people)
    assert login(people.grid_worker).get("/workbench/dashboard/joined/", PERIOD).status_code == 403
    nobody = make_staff("no-role")
    assert login(nobody).get("/workbench/dashboard/joined/", PERIOD).status_code == 403


def test_more_towns_do_not_mean_more_queries(
    tree: Tree, people: People, catalogue: Catalogue, outreach: Outreach
):
    project_and_meeting(tree, people)
    client = login(people.supervisor)
    client.get("/workbench/dashboard/joined/", PERIOD)  # sessions, caches

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/workbench/dashboard/joined/", PERIOD).status_code == 200
        return len(captured)

    before = queries()
    for number in range(3):
        town = directory.unit_create(
            kind=UnitKind.TOWN, name=f"新镇{number}", code=f"YX1{number}", parent=tree.county
        )
        village = directory.unit_create(
            kind=UnitKind.VILLAGE, name=f"新村{number}", code=f"YX1{number}001", parent=town
        )
        cadre = make_staff(f"new-cadre-{number}", village, StaffRole.VILLAGE_CADRE)
        link_create(
            actor=None,
            new=NewLink(
                person=cadre,
                target=make_enterprise(town=town, village=village),
                role=LinkRole.LINKAGE,
                starts_on=date(2026, 11, 1),
                cadence_count=1,
                # A cadence already present: the running period is read once per cadence.
                cadence_period=Period.WEEKLY,
            ),
        )
        meeting_schedule(
            actor=cadre,
            village=village,
            kind=MeetingKind.SPEAK_UP,
            held_on=date(2026, 12, 1) - timedelta(days=number),
            place="文化礼堂",
        )
    assert tiles(client.get("/workbench/dashboard/joined/", PERIOD))["outreach"]["links"] == "5"
    assert queries() == before

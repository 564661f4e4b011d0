"""比学赶超 beyond the cases: outreach (visits done against due) and projects (finished on
time) ranked monthly by the same mechanism, frozen when published, with movement since last
month; an outsider can neither publish nor see them."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from sanfu.directory.models import Unit, User
from sanfu.insight.league import (
    _RATE_LEAGUES,
    Counts,
    RateLeague,
    league_register,
    league_table,
    rate_league_table,
)
from sanfu.insight.league_sources import outreach_counts, project_counts
from sanfu.insight.models import LeagueEntry, LeagueTable
from sanfu.outreach.models import LinkRole, Period
from sanfu.outreach.services import NewLink, link_create
from sanfu.projects.services import project_accept, project_finish, project_pose
from tests.cases.conftest import Catalogue, People
from tests.conftest import Tree, login, make_staff
from tests.factories import make_enterprise
from tests.outreach.conftest import Outreach, clock, outreach

__all__ = ["clock", "outreach"]

pytestmark = pytest.mark.django_db
NOVEMBER = date(2026, 11, 1)
OCTOBER = date(2026, 10, 1)


def publish(people: People, month: date) -> int:
    response = login(people.supervisor).post("/workbench/league/", {"month": f"{month:%Y-%m}"})
    return response.status_code


def test_outreach_is_ranked_on_visits_done_against_due(
    tree: Tree, people: People, catalogue: Catalogue, outreach: Outreach
):
    # November: the weekly link is due on the five weeks that begin in it, the daily one on
    # thirty days; nothing was done.
    counts = outreach_counts(people.supervisor, tree.county, [tree.town_a, tree.town_b], NOVEMBER)
    assert counts == {tree.town_a.pk: (0, 35)}
    # Before publication the publisher sees the standings as they stand.
    preview = login(people.supervisor).get("/workbench/league/", {"month": "2026-11"})
    assert 'data-testid="league-preview-outreach"' in preview.content.decode()
    assert "0/35" in preview.content.decode()
    assert publish(people, NOVEMBER) == 302
    lines = {
        e.unit: e
        for e in rate_league_table(county=tree.county, month=NOVEMBER)
        if e.table == LeagueTable.OUTREACH_PLACES
    }
    town_a = lines[tree.town_a]
    assert (town_a.rate_part, town_a.rate_whole, town_a.rank) == (0, 35, 1)
    assert town_a.min_sample == 20
    assert lines[tree.town_b].rank is None  # nothing due: listed, not ranked
    # The case tables are published beside them, unchanged.
    assert {e.table for e in league_table(county=tree.county, month=NOVEMBER)} <= {
        LeagueTable.PLACES,
        LeagueTable.DEPARTMENTS,
    }


def test_a_published_rate_table_never_changes_and_shows_its_movement(
    tree: Tree, people: People, catalogue: Catalogue, outreach: Outreach
):
    with time_machine.travel(date(2026, 11, 2), tick=False):
        assert publish(people, OCTOBER) == 302
    assert publish(people, NOVEMBER) == 302
    frozen = {
        (e.table, e.unit_id): (e.rate_part, e.rate_whole, e.rank, e.previous_rank)
        for e in rate_league_table(county=tree.county, month=NOVEMBER)
    }
    # A link added afterwards, due in November too, changes nothing published.
    link_create(
        actor=None,
        new=NewLink(
            person=people.cadre,
            target=make_enterprise(town=tree.town_b, village=tree.village_b),
            role=LinkRole.LINKAGE,
            starts_on=date(2026, 11, 1),
            cadence_count=1,
            cadence_period=Period.DAILY,
        ),
    )
    assert outreach_counts(people.supervisor, tree.county, [tree.town_b], NOVEMBER)
    again = {
        (e.table, e.unit_id): (e.rate_part, e.rate_whole, e.rank, e.previous_rank)
        for e in rate_league_table(county=tree.county, month=NOVEMBER)
    }
    assert again == frozen
    assert publish(people, NOVEMBER) == 400  # once only
    # October had nothing due: unranked then, so no movement to show yet.
    assert frozen[(LeagueTable.OUTREACH_PLACES, tree.town_a.pk)] == (0, 35, 1, None)
    page = login(people.supervisor).get("/workbench/league/", {"month": "2026-11"})
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="league-outreach"' in text
    assert 'data-testid="league-projects"' in text
    assert "应访尽访" in text


def test_projects_are_ranked_on_finished_on_time(
    tree: Tree, people: People, catalogue: Catalogue, outreach: Outreach
):
    leader = make_staff("county-leader", tree.county, "leader")
    with time_machine.travel(date(2026, 11, 10), tick=False):
        project = project_pose(
            actor=people.cadre,
            posing=tree.village_a,
            deciding=tree.county,
            title="上坪村饮用水水压不足",
            evidence="高处30户夏季断水。",
        )
        project_accept(
            actor=leader,
            project_id=project.pk,
            answering_unit=tree.department,
            envoy=people.handler,
            ends_on=date(2026, 11, 30),
        )
        project_finish(actor=leader, project_id=project.pk)
    units = [tree.town_a, tree.town_b, tree.department]
    counts = project_counts(people.supervisor, tree.county, units, NOVEMBER)
    # Placed in village A (town A) and answered by the department: it counts for both.
    assert counts[tree.town_a.pk] == (1, 1)
    assert tree.town_b.pk not in counts


def test_the_outsider_can_neither_publish_nor_preview(
    tree: Tree, people: People, catalogue: Catalogue, outreach: Outreach
):
    client = login(people.outsider)
    refused = client.post("/workbench/league/", {"month": "2026-11"})
    assert refused.status_code == 400
    assert not LeagueEntry.objects.exists()
    page = client.get("/workbench/league/", {"month": "2026-11"})
    assert "league-preview-outreach" not in page.content.decode()
    grid = login(people.grid_worker).get("/workbench/league/")
    assert grid.status_code == 403


def test_another_domain_can_register_a_league(
    tree: Tree, people: People, catalogue: Catalogue, outreach: Outreach
):
    def counts(viewer: User, county: Unit, units: list[Unit], month: date) -> Counts:
        return {tree.town_b.pk: (30, 30), tree.town_a.pk: (29, 30)}

    real = _RATE_LEAGUES["projects"]
    league_register(
        RateLeague(
            name="projects",
            label="extra",  # type: ignore[arg-type]
            how="how",  # type: ignore[arg-type]
            places_table=LeagueTable.PROJECTS_PLACES,
            departments_table=LeagueTable.PROJECTS_DEPARTMENTS,
            min_sample=20,
            counts=counts,
        )
    )
    try:
        assert publish(people, NOVEMBER) == 302
        entries = LeagueEntry.objects.filter(month=NOVEMBER, table=LeagueTable.PROJECTS_PLACES)
        ranks = {e.unit_id: e.rank for e in entries if e.rate_whole == 30}
        assert ranks == {tree.town_b.pk: 1, tree.town_a.pk: 2}
    finally:
        league_register(real)

"""比学赶超: monthly league tables, published once and never changed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction

from sanfu.cases.figures import Rate
from sanfu.insight.league import league_publish, league_table
from sanfu.insight.models import LeagueEntry, LeagueRules
from sanfu.lib.errors import Conflict, PermissionDenied, ValidationFailed
from tests.cases.conftest import Catalogue, People
from tests.cases.test_figures import at, november_and_december
from tests.conftest import Tree, login

pytestmark = pytest.mark.django_db
NOVEMBER = date(2026, 11, 1)


@pytest.fixture
def november(tree: Tree, catalogue: Catalogue, people: People) -> None:
    november_and_december(tree, catalogue, people)
    LeagueRules.objects.create(
        county=tree.county,
        response_weight=20,
        resolution_weight=40,
        satisfaction_weight=40,
        min_sample=1,
    )


def test_a_month_is_published_once_with_its_weights_and_exact_rates(
    tree: Tree, people: People, november: None
):
    with time_machine.travel(at(date(2026, 12, 2)), tick=True):
        league_publish(actor=people.supervisor, county=tree.county, month=NOVEMBER)
        lines = {e.unit: e for e in league_table(county=tree.county, month=NOVEMBER)}
        department = lines[tree.department]
        # One answer signed in time, rated 基本满意 and "not solved": 20 + 0 + 40.
        assert (department.response, department.resolution, department.satisfaction) == (
            Rate(1, 1),
            Rate(0, 1),
            Rate(1, 1),
        )
        assert department.score == Decimal("60.0")
        town_a = lines[tree.town_a]
        assert town_a.satisfaction == Rate(1, 2)  # the 不满意 that reopened counts
        assert (town_a.rank, department.rank) == (1, 1)  # each in its own table
        # Town B holds the department's case too (places and departments overlap): 60 as
        # well, and the tie goes to the larger sample.
        assert (town_a.score, lines[tree.town_b].score) == (Decimal("60.0"), Decimal("60.0"))
        assert lines[tree.town_b].rank == 2
        with pytest.raises(Conflict):
            league_publish(actor=people.supervisor, county=tree.county, month=NOVEMBER)
        # The county changes its weights: the published month keeps the ones it was made with.
        LeagueRules.objects.filter(county=tree.county).update(
            response_weight=50, resolution_weight=25, satisfaction_weight=25
        )
        again = {e.unit: e for e in league_table(county=tree.county, month=NOVEMBER)}
        assert again[tree.department].score == Decimal("60.0")
        assert again[tree.department].response_weight == 20
        with pytest.raises(ValueError, match="never changes"):
            again[tree.department].save()


def test_movement_is_read_against_the_month_before(tree: Tree, people: People, november: None):
    with time_machine.travel(at(date(2026, 12, 2)), tick=True):
        league_publish(actor=people.supervisor, county=tree.county, month=date(2026, 10, 1))
        league_publish(actor=people.supervisor, county=tree.county, month=NOVEMBER)
    lines = {e.unit: e for e in league_table(county=tree.county, month=NOVEMBER)}
    assert lines[tree.town_a].previous_rank is None  # October had nothing to rank
    assert lines[tree.town_a].movement is None


def test_a_month_not_yet_ended_or_a_non_supervisor_is_refused(
    tree: Tree, people: People, november: None
):
    with time_machine.travel(at(date(2026, 11, 20)), tick=True):
        with pytest.raises(ValidationFailed) as refused:
            league_publish(actor=people.supervisor, county=tree.county, month=NOVEMBER)
        assert refused.value.field == "month"
    with time_machine.travel(at(date(2026, 12, 2)), tick=True), pytest.raises(PermissionDenied):
        league_publish(actor=people.outsider, county=tree.county, month=NOVEMBER)
    assert not LeagueEntry.objects.exists()


def test_the_weights_must_add_up_to_100(tree: Tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        LeagueRules.objects.create(
            county=tree.county, response_weight=50, resolution_weight=40, satisfaction_weight=40
        )


def test_the_page_previews_publishes_and_shows_the_units_their_table(
    tree: Tree, people: People, november: None
):
    with time_machine.travel(at(date(2026, 12, 2)), tick=True):
        supervisor = login(people.supervisor)
        page = supervisor.get("/workbench/league/", {"month": "2026-11"})
        assert page.status_code == 200
        body = page.content.decode()
        assert 'data-testid="league-preview"' in body
        assert 'data-testid="league-publish"' in body
        outsider = login(people.outsider)
        hidden = outsider.get("/workbench/league/", {"month": "2026-11"}).content.decode()
        assert 'data-testid="league-preview"' not in hidden  # standings still moving
        refused = outsider.post("/workbench/league/", {"month": "2026-11"})
        assert refused.status_code == 400
        assert not LeagueEntry.objects.exists()
        published = supervisor.post("/workbench/league/", {"month": "2026-11"})
        assert published.status_code == 302
        shown = outsider.get("/workbench/league/", {"month": "2026-11"}).content.decode()
        assert 'data-testid="league-table"' in shown
        assert tree.department.name in shown
        assert 'data-testid="league-publish"' not in shown
        bad = supervisor.get("/workbench/league/", {"month": "November"})
        assert bad.status_code == 400

"""The case league reads the month from the daily aggregates once they have caught up with
its end (one grouped query for the county), and its lines equal those counted from the facts;
before that, it counts from the facts."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from sanfu.insight import league
from sanfu.insight.build import insight_rebuild
from sanfu.insight.models import LeagueRules
from tests.cases.conftest import Catalogue, People
from tests.cases.test_figures import at, november_and_december
from tests.conftest import Tree, login

pytestmark = pytest.mark.django_db
NOVEMBER = date(2026, 11, 1)


def test_the_lines_from_the_aggregates_equal_the_lines_from_the_facts(
    tree: Tree, catalogue: Catalogue, people: People
):
    november_and_december(tree, catalogue, people)
    LeagueRules.objects.create(county=tree.county, min_sample=1)
    with time_machine.travel(at(date(2026, 12, 2)), tick=True):
        units = [unit for unit, _kind in league.league_units(tree.county)]
        assert league.month_parts(units, NOVEMBER) is None  # not built yet: from the facts
        live = league.league_preview(county=tree.county, month=NOVEMBER)
        insight_rebuild()
        kept = league.month_parts(units, NOVEMBER)
        assert kept is not None
        assert kept  # November's facts are in them
        assert league.league_preview(county=tree.county, month=NOVEMBER) == live
        assert any(rank is not None for _line, rank in live)
        page = login(people.supervisor).get("/workbench/league/", {"month": "2026-11"})
        assert page.status_code == 200
        assert page.context["preview"] == live


def test_aggregates_older_than_the_months_end_are_not_used(
    tree: Tree, catalogue: Catalogue, people: People
):
    november_and_december(tree, catalogue, people)
    with time_machine.travel(at(date(2026, 11, 20)), tick=False):
        insight_rebuild()  # as of 20 November: the month had not ended
    with time_machine.travel(at(date(2026, 12, 2)), tick=True):
        units = [unit for unit, _kind in league.league_units(tree.county)]
        assert league.month_parts(units, NOVEMBER) is None

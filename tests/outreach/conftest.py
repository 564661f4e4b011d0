"""Outreach on top of the case loop's personas: an enterprise in village A linked to the
village cadre weekly, grid A linked to its grid worker daily."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sanfu.directory.models import Enterprise, Household
from sanfu.outreach.models import Link, LinkRole, Period
from sanfu.outreach.services import NewLink, link_create
from tests.cases.conftest import Catalogue, People, catalogue, people
from tests.conftest import Tree
from tests.factories import make_enterprise, make_resident

__all__ = ["catalogue", "people"]

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Friday 2026-12-04, mid-morning in the county.
NOW = datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def clock() -> object:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@dataclass
class Outreach:
    enterprise: Enterprise
    household: Household
    enterprise_link: Link  # the village cadre, weekly, since 2026-11-01
    grid_link: Link  # the grid worker, daily, since 2026-11-01


@pytest.fixture
def outreach(tree: Tree, people: People, catalogue: Catalogue, clock: object) -> Outreach:
    enterprise = make_enterprise(town=tree.town_a, village=tree.village_a)
    household = make_resident(village=tree.village_a, grid=tree.grid_a).household
    assert household is not None
    enterprise_link = link_create(
        actor=None,
        new=NewLink(
            person=people.cadre,
            target=enterprise,
            role=LinkRole.CHIEF_SERVICE,
            starts_on=date(2026, 11, 1),
            cadence_count=1,
            cadence_period=Period.WEEKLY,
        ),
    )
    grid_link = link_create(
        actor=None,
        new=NewLink(
            person=people.grid_worker,
            target=tree.grid_a,
            role=LinkRole.LINKAGE,
            starts_on=date(2026, 11, 1),
            cadence_count=1,
            cadence_period=Period.DAILY,
        ),
    )
    return Outreach(enterprise, household, enterprise_link, grid_link)

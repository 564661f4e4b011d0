"""Grassroots personas on top of the case loop's: a county office leader, a meeting to work on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine

from sanfu.directory.models import StaffRole, User
from sanfu.grassroots import services
from sanfu.grassroots.models import Meeting, MeetingKind
from tests.cases.conftest import Catalogue, People, catalogue, people
from tests.conftest import Tree, make_staff

__all__ = ["catalogue", "people"]

# Meetings compare their date with today: pin the clock (a Friday in Asia/Shanghai).
NOW = dt.datetime(2026, 6, 12, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


@dataclass
class Office:
    leader: User  # the county office: decides on burdens


@pytest.fixture
def office(tree: Tree) -> Office:
    return Office(leader=make_staff("county-leader", tree.county, StaffRole.LEADER))


def held_meeting(tree: Tree, people: People, *, days_ago: int = 0) -> Meeting:
    return services.meeting_schedule(
        actor=people.cadre,
        village=tree.village_a,
        kind=MeetingKind.SPEAK_UP,
        held_on=TODAY - dt.timedelta(days=days_ago),
        place="上坪村文化礼堂",
    )


@pytest.fixture
def meeting(tree: Tree, people: People, catalogue: Catalogue) -> Meeting:
    return held_meeting(tree, people)

"""Hot spots: one problem in one place, ranked by a documented heat."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from sanfu.cases.services import Requester
from sanfu.routing import services
from sanfu.routing.datasets import PublicMessage
from sanfu.routing.hotspots import board_hotspots, heat_of, place_phrases
from sanfu.routing.selectors import hotspots_for
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree

START = datetime(2019, 11, 1, 9, 0)  # noqa: DTZ001 - board times are naive local times

PLANT = "丽发新城小区旁边建搅拌站，噪音扰民，扬尘严重，业主无法休息。"
PARKING = "伊景园滨河苑开发商捆绑销售车位，不买车位不给交房。"


def board(
    text: str, title: str, count: int, *, start: datetime = START, votes: int = 0
) -> list[PublicMessage]:
    return [
        PublicMessage(
            id=f"{title}{n}",
            title=title,
            text=text,
            at=start + timedelta(days=n),
            user=f"u{title}{n}",
            likes=votes,
        )
        for n in range(count)
    ]


def test_messages_about_one_problem_in_one_place_form_one_hot_spot():
    messages = board(PLANT, "A2区丽发新城搅拌站扰民", 6) + board(PARKING, "伊景园滨河苑捆绑车位", 4)
    found = board_hotspots(messages, top=5)
    assert [h.messages for h in found] == [6, 4]
    assert "丽发新城" in found[0].place
    assert found[1].place == "伊景园滨河苑"


def test_the_same_problem_in_two_districts_is_two_hot_spots():
    messages = board("路灯坏了很久，晚上出行危险。", "A2区路灯坏了", 3) + board(
        "路灯坏了很久，晚上出行危险。", "A7县路灯坏了", 3
    )
    assert [h.messages for h in board_hotspots(messages)] == [3, 3]


def test_one_person_writing_many_times_is_not_a_hot_spot():
    messages = [
        PublicMessage(
            id=str(n),
            title="丽发新城搅拌站扰民",
            text=PLANT,
            at=START + timedelta(hours=n),
            user="same",
        )
        for n in range(5)
    ]
    assert board_hotspots(messages) == []


def test_heat_counts_people_then_repeats_votes_and_speed():
    assert heat_of(messages=10, people=10, votes=0, busiest_week=1) == 10.5
    assert heat_of(messages=10, people=5, votes=0, busiest_week=1) < heat_of(10, 10, 0, 1)
    assert heat_of(messages=3, people=3, votes=100, busiest_week=1) > heat_of(3, 3, 0, 1)
    assert heat_of(messages=6, people=6, votes=0, busiest_week=6) > heat_of(6, 6, 0, 1)


def test_place_phrases_join_an_estate_and_its_block():
    assert place_phrases("投诉伊景园滨河苑捆绑销售车位") == ["伊景园滨河苑"]


@pytest.mark.django_db
def test_the_leaders_view_clusters_cases_of_one_village_and_hides_others_from_outsiders(
    tree: Tree, catalogue: Catalogue, people: People
):
    for n in range(3):
        case = web_case(
            tree,
            catalogue,
            title="上坪村路灯不亮",
            text="上坪村村口的路灯坏了两周，晚上出行危险。",
            requester=Requester(kind="resident", phone=f"1381234567{n}"),
        )
        services.case_index(case=case)
    lone = web_case(
        tree,
        catalogue,
        title="下湾村路灯不亮",
        location_unit=tree.village_b,
        text="下湾村村口的路灯坏了两周，晚上出行危险。",
    )
    services.case_index(case=lone)
    found = hotspots_for(user=people.dispatcher, top=5)
    assert len(found) == 1
    assert found[0].messages == 3
    assert found[0].place == tree.village_a.name
    assert hotspots_for(user=people.outsider) == []

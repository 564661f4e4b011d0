"""The staff API's routing reads: suggestions and similar cases for a text, a case's possible
duplicates — scoped like the workbench, odd input answered, never a server error."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sanfu.api.open311.services import forget_snapshot
from sanfu.cases.models import Case, Channel
from sanfu.cases.services import Requester
from sanfu.routing import services
from sanfu.routing.models import CaseSignature, Rule
from tests.api.conftest import staff
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree
from tests.routing.conftest import drained

pytestmark = pytest.mark.django_db


LAMP = {"title": "上坪村口路灯不亮", "text": "上坪村村口的三盏路灯已经坏了两周，晚上出行很危险。"}


def lamp(tree: Tree, catalogue: Catalogue, n: int = 0, **fields: Any) -> Case:
    case = web_case(
        tree, catalogue, **{**LAMP, "requester": Requester(phone=f"1381234567{n}"), **fields}
    )
    assert services.case_index(case=case)
    return case


def post(client: Any, body: dict[str, Any]) -> Any:
    return client.post("/api/routing/suggest", json.dumps(body), content_type="application/json")


def test_a_text_gets_the_suggestion_and_the_similar_cases_the_caller_may_see(
    tree: Tree, catalogue: Catalogue, people: People
):
    rule = Rule.objects.create(keywords="路灯", category=catalogue.roads, lead_unit=tree.town_a)
    earlier = lamp(tree, catalogue)
    response = post(
        staff(people.dispatcher),
        {"title": "路灯坏了", "text": "上坪村口路灯不亮两周", "location_unit": tree.village_a.pk},
    )
    assert response.status_code == 200, response.content
    data = json.loads(response.content)
    assert data["categories"][0]["category"]["code"] == catalogue.roads.code
    assert data["categories"][0]["rule_id"] == rule.pk
    assert data["lead_unit"]["unit"]["code"] == tree.town_a.code
    assert [s["case"]["number"] for s in data["similar"]] == [earlier.number]
    assert 0 < data["similar"][0]["similarity"] <= 1


def test_the_outsider_gets_a_404_for_a_place_or_case_of_another_town(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = lamp(tree, catalogue)
    outsider = staff(people.outsider)
    response = post(outsider, {**LAMP, "location_unit": tree.village_a.pk})
    assert response.status_code == 404
    assert json.loads(response.content)["field"] == "location_unit"
    assert outsider.get(f"/api/cases/{case.pk}/similar").status_code == 404
    # Their own town: nothing of town A's comes back.
    own = json.loads(post(outsider, {**LAMP, "location_unit": tree.village_b.pk}).content)
    assert own["similar"] == []


def test_a_case_lists_its_possible_duplicates(tree: Tree, catalogue: Catalogue, people: People):
    first = lamp(tree, catalogue, 1)
    second = lamp(tree, catalogue, 2)
    lamp(tree, catalogue, 3, location_unit=tree.village_b)
    response = staff(people.town_staff).get(f"/api/cases/{second.pk}/similar")
    assert response.status_code == 200
    assert [s["case"]["id"] for s in json.loads(response.content)["similar"]] == [first.pk]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": "", "text": ""},
        {"text": "😀" * 5000},
        {"title": "<b>x</b>", "text": "<script>路灯</script>&amp;" * 3000},
        {"text": "路" * 100_000},
        {"text": "Straßenlaterne 路灯 кабель ١٢٣\u200b\x00"},
    ],
)
def test_odd_text_gets_an_answer(tree: Tree, catalogue: Catalogue, people: People, body: Any):
    response = post(staff(people.dispatcher), {**body, "location_unit": tree.village_a.pk})
    assert response.status_code == 200, response.content


def test_bad_input_is_refused_naming_the_field(tree: Tree, people: People):
    client = staff(people.dispatcher)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"text": "路" * 100_001}, "text"),
        ({"title": 5}, "title"),
        ({"location_unit": 0}, "location_unit"),
        ({"location_unit": 999_999}, "location_unit"),
    ]
    for body, field in cases:
        response = post(client, body)
        assert response.status_code in (404, 422), (body, response.status_code)
        data = json.loads(response.content)
        fields = [data.get("field"), *(e["field"] for e in data.get("errors", []))]
        assert field in fields, data


def test_a_case_posted_through_the_api_is_indexed(
    tree: Tree, catalogue: Catalogue, people: People, django_capture_on_commit_callbacks: Any
):
    forget_snapshot()
    body = {
        "channel": Channel.HOTLINE,
        "title": LAMP["title"],
        "text": LAMP["text"],
        "location_unit": tree.village_a.pk,
    }
    with drained():
        response = staff(people.dispatcher).post(
            "/api/cases", json.dumps(body), content_type="application/json"
        )
    assert response.status_code == 201, response.content
    assert CaseSignature.objects.filter(
        case__number=json.loads(response.content)["number"]
    ).exists()

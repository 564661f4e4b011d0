"""The staff API refuses what its document does not allow, and documents what it answers."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from sanfu.cases.models import Case
from tests.api.conftest import staff
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["0.5", "1700000000", "-3", "1e9"])
def test_a_bare_number_is_not_a_moment(tree: Tree, people: People, value: str) -> None:
    response = staff(people.dispatcher).get("/api/cases", {"received_before": value})
    assert response.status_code == 422
    assert json.loads(response.content)["errors"][0]["field"] == "received_before"


def test_a_written_out_moment_still_filters(tree: Tree, people: People) -> None:
    response = staff(people.dispatcher).get(
        "/api/cases", {"received_before": "2026-01-31T08:00:00+08:00"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("key", ["", "   ", "a b", "键"])
def test_an_empty_blank_or_odd_idempotency_key_is_refused(
    tree: Tree, catalogue: Catalogue, people: People, key: str
) -> None:
    case = web_case(tree, catalogue)
    response = staff(people.dispatcher).post(
        f"/api/cases/{case.pk}/urge",
        json.dumps({"note": "催一下"}),
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )
    assert response.status_code == 422, response.content
    assert json.loads(response.content)["field"] == "Idempotency-Key"
    case.refresh_from_db()
    assert case.urge_count == 0


def test_an_unparseable_body_gets_a_documented_400_error_document(
    tree: Tree, catalogue: Catalogue, people: People
) -> None:
    case = web_case(tree, catalogue)
    client = staff(people.dispatcher)
    response = client.post(
        f"/api/cases/{case.pk}/urge", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert {"code", "message"} <= set(json.loads(response.content))
    document = json.loads(client.get("/api/openapi.json").content)
    urge = document["paths"]["/api/cases/{case_id}/urge"]["post"]
    assert "400" in urge["responses"]


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"])
def test_a_moment_beyond_every_case_is_allowed_and_means_the_edge(
    tree: Tree, catalogue: Catalogue, people: People, moment: str
) -> None:
    web_case(tree, catalogue)
    client = staff(people.dispatcher)
    before = json.loads(client.get("/api/cases", {"received_before": moment}).content)
    after = json.loads(client.get("/api/cases", {"received_after": moment}).content)
    everything = len(json.loads(client.get("/api/cases").content)["items"])
    assert everything == 1
    counts = (len(before["items"]), len(after["items"]))
    assert counts == ((0, 1) if moment.startswith("0001") else (1, 0))


def test_coordinates_are_numbers_rounded_to_six_places(tree: Tree, people: People) -> None:
    client = staff(people.dispatcher)
    body = {
        "channel": "hotline",
        "title": "路灯不亮",
        "text": "村口路灯坏了",
        "location_unit": tree.village_a.pk,
    }
    created = client.post(
        "/api/cases",
        json.dumps({**body, "latitude": 29.12345678, "longitude": 121.9876545}),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    case = Case.objects.get(pk=json.loads(created.content)["id"])
    assert (case.latitude, case.longitude) == (Decimal("29.123457"), Decimal("121.987655"))
    for bad in ("NaN", "1e400", True, 91):
        refused = client.post(
            "/api/cases", json.dumps({**body, "latitude": bad}), content_type="application/json"
        )
        assert refused.status_code == 422, (bad, refused.content)
        assert json.loads(refused.content)["field"] == "latitude"


def test_the_cursor_and_text_rules_are_in_the_document(people: People) -> None:
    document = json.loads(staff(people.dispatcher).get("/api/openapi.json").content)
    listing = document["paths"]["/api/cases"]["get"]
    cursor = next(item for item in listing["parameters"] if item["name"] == "cursor")
    assert "next_cursor" in cursor["description"]
    assert "\\u0000" in json.dumps(document["components"]["schemas"]["CaseIn"])

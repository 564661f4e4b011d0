"""The staff API refuses what its document does not allow, and documents what it answers."""

from __future__ import annotations

import json

import pytest

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

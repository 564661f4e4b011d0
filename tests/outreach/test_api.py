"""The staff API's outreach endpoints: links, visits with a key, compliance; the outsider gets
nothing."""

from __future__ import annotations

import pytest

from sanfu.outreach.models import Visit
from tests.api.conftest import staff
from tests.cases.conftest import People
from tests.outreach.conftest import Outreach

pytestmark = pytest.mark.django_db


def _visit(outreach: Outreach, **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "link": outreach.grid_link.pk,
        "visited_at": "2026-12-04T08:30:00+08:00",
        "answers": {"hazards": "无"},
        "problems": [{"text": "路灯不亮"}],
    }
    body.update(changes)
    return body


def test_a_grid_worker_posts_a_patrol_once_with_an_idempotency_key(
    outreach: Outreach, people: People
):
    client = staff(people.grid_worker)
    headers = {"Idempotency-Key": "patrol-0001-abcdef"}
    first = client.post(
        "/api/outreach/visits", _visit(outreach), content_type="application/json", headers=headers
    )
    again = client.post(
        "/api/outreach/visits", _visit(outreach), content_type="application/json", headers=headers
    )
    assert first.status_code == 201, first.content
    assert again.json() == first.json()
    assert Visit.objects.get().client_key == "patrol-0001-abcdef"
    assert len(first.json()["cases"]) == 1


def test_the_client_key_makes_a_late_retry_harmless(outreach: Outreach, people: People):
    client = staff(people.grid_worker)
    body = _visit(outreach, client_key="offline-visit-0001", problems=[])
    assert (
        client.post("/api/outreach/visits", body, content_type="application/json").status_code
        == 201
    )
    again = client.post("/api/outreach/visits", body, content_type="application/json")
    assert again.status_code == 200
    assert Visit.objects.count() == 1


def test_a_visit_without_any_key_is_refused(outreach: Outreach, people: People):
    response = staff(people.grid_worker).post(
        "/api/outreach/visits", _visit(outreach), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["field"] == "client_key"


def test_links_and_compliance(outreach: Outreach, people: People):
    assert [
        row["target"] for row in staff(people.grid_worker).get("/api/outreach/links").json()
    ] == ["上坪村第一网格"]
    figures = staff(people.town_leader).get("/api/outreach/compliance?period=2026-12").json()
    assert figures["links"] == 2
    assert figures["visits_due"] == 4
    assert [row["target"] for row in figures["overdue"]] == ["上坪村第一网格"]


def test_the_outsider_sees_and_posts_nothing(outreach: Outreach, people: People):
    client = staff(people.outsider)
    assert client.get("/api/outreach/links").json() == []
    assert client.get("/api/outreach/compliance").json()["links"] == 0
    response = client.post(
        "/api/outreach/visits",
        _visit(outreach, client_key="outsider-0001"),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not Visit.objects.exists()


def test_a_bad_period_is_named(outreach: Outreach, people: People):
    response = staff(people.town_leader).get("/api/outreach/compliance?period=9999-12")
    assert response.status_code == 422
    assert response.json()["field"] == "period"

"""Open311 and the staff API refuse an over-long description as the portal does, naming it."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from sanfu.cases.models import DESCRIPTION_MAX, Case
from tests.api import open311_client as o311
from tests.api.conftest import open311_form, staff
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

HUNDRED_KB = "长" * 100_000


def test_open311_refuses_a_100_kb_description_with_the_count(
    tree: Tree, catalogue: Catalogue, app_key: str, public: Client
):
    form = open311_form(tree, catalogue, app_key, description=HUNDRED_KB)
    response = o311.post(public, "json", form)
    assert response.status_code == 400
    [error] = json.loads(response.content)
    assert error["description"] == "description: “description”过长：共 100000 字，最多 20000 字。"
    assert not Case.objects.exists()


def test_open311_takes_a_long_description_whole(
    tree: Tree, catalogue: Catalogue, app_key: str, public: Client
):
    form = open311_form(tree, catalogue, app_key, description="长" * 19_000)
    assert o311.post(public, "json", form).status_code == 201
    assert Case.objects.get().text.startswith("长" * 19_000)


def case_body(tree: Tree, text: str) -> str:
    return json.dumps(
        {
            "channel": "hotline",
            "title": "欠薪",
            "text": text,
            "location_unit": tree.grid_a.pk,
        }
    )


def test_the_staff_api_refuses_a_100_kb_text_naming_the_field(tree: Tree, people: People):
    response = staff(people.dispatcher).post(
        "/api/cases", case_body(tree, HUNDRED_KB), content_type="application/json"
    )
    assert response.status_code == 422
    body = json.loads(response.content)
    assert body["field"] == "text"
    assert body["message"] == "“诉求内容”过长：共 100000 字，最多 20000 字。"
    assert not Case.objects.exists()


def test_the_staff_api_takes_20000_characters(tree: Tree, people: People):
    response = staff(people.dispatcher).post(
        "/api/cases", case_body(tree, "长" * DESCRIPTION_MAX), content_type="application/json"
    )
    assert response.status_code == 201
    assert len(Case.objects.get().text) == DESCRIPTION_MAX


def test_the_openapi_document_states_the_limit(tree: Tree):
    document = json.loads(Client().get("/api/openapi.json", secure=True).content)
    schema = document["components"]["schemas"]["CaseIn"]["properties"]["text"]
    assert schema["maxLength"] == DESCRIPTION_MAX


def test_the_staff_api_refuses_any_over_long_text_in_the_same_words(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    response = staff(people.dispatcher).post(
        f"/api/cases/{case.pk}/reject",
        json.dumps({"reason": "长" * 1001}),
        content_type="application/json",
    )
    assert response.status_code == 422
    body = json.loads(response.content)
    assert body["field"] == "reason"
    assert body["message"] == "“reason”过长：最多 1000 字。"

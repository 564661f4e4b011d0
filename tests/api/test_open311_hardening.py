"""Open311 answers as its schema says: no case without a service_code, and a 405 (not the
CSRF page) for a method a resource does not declare."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.api import open311_client as o311
from tests.api import open311_schemas as schemas
from tests.cases.conftest import Catalogue, web_case
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def test_an_uncategorised_case_stays_out_until_it_has_a_service_code(
    tree: Tree, catalogue: Catalogue, public: Client
) -> None:
    categorised = web_case(tree, catalogue)
    loose = web_case(tree, catalogue, category=None)
    answer = o311.get(public, "requests", schema=schemas.REQUESTS, root="service_requests")
    assert [row["service_request_id"] for row in answer.data] == [categorised.number]
    assert all(row["service_code"] for row in answer.data)
    o311.get_error(public, f"requests/{loose.number}", expect=404)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("resource", ["services.json", "requests.json", "discovery.json"])
def test_an_undeclared_method_gets_405_in_the_format_asked(
    tree: Tree, public: Client, method: str, resource: str
) -> None:
    response = getattr(public, method)(f"/open311/v2/{resource}")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)[0]["code"] == "405"
    assert "Allow" in response


def test_head_is_answered_where_get_is(tree: Tree, public: Client) -> None:
    response = public.head("/open311/v2/services.json")
    assert response.status_code == 200
    assert response.content == b""

"""Schemathesis over /open311/v2/openapi.json, the document sanfu publishes for Open311.

Half of the generated requests carry a real api_key, service code, place and case number, so
the happy paths are fuzzed too. Every answer must pass every schemathesis check but
positive_data_acceptance: Open311 answers 400 for any input it cannot take, a rule (lat
without long) as well as a form, so a schema-valid request may rightly meet it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client, override_settings

from tests.api.fuzzing import fuzz, keep_connection, operations
from tests.cases.conftest import Catalogue, web_case
from tests.conftest import Tree

pytestmark = pytest.mark.django_db
__all__ = ["keep_connection"]  # the fixture, used by name


def test_the_document_is_served_and_names_every_endpoint(public: Client) -> None:
    response = public.get("/open311/v2/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {
        "/discovery.json",
        "/services.json",
        "/services/{service_code}.json",
        "/requests.json",
        "/requests/{service_request_id}.json",
        "/tokens/{token}.json",
    }


@override_settings(SANFU_API_RATE_PER_KEY="0/60", SANFU_API_RATE_PER_ADDRESS="0/60")
def test_the_open311_document_holds_for_generated_requests(
    tree: Tree, catalogue: Catalogue, app_key: str, keep_connection: None
) -> None:
    case_number = web_case(tree, catalogue).number
    real_values = {
        "api_key": app_key,
        "service_code": catalogue.roads.code,
        "jurisdiction_id": tree.county.code,
        "address_id": tree.grid_a.code,
        "service_request_id": case_number,
    }

    def real(case: Any, use: bool, pick: int) -> None:
        if not use:
            return
        for place in (case.body, case.query, case.path_parameters):
            if isinstance(place, dict):
                for name in set(place) & set(real_values):
                    place[name] = real_values[name]

    failures: list[str] = []
    prefix = "/open311/v2"
    for operation in operations(f"{prefix}/openapi.json", prefix=prefix):
        failures += fuzz(operation, headers={}, adjust=real, prefix=prefix)
    assert not failures, "\n\n".join(failures[:5])

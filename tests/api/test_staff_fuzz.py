"""Schemathesis over /api/openapi.json: every operation, a bounded number of generated requests.

Each request goes through the real WSGI application with a dispatcher's token. Half of the
generated ids are swapped for ids that exist, so the happy paths are fuzzed too, not only the
404s. Every answer must be no server error, a documented status, the documented content type,
and match its documented schema.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import CHECKS as REGISTERED_CHECKS
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import positive_data_acceptance

from sanfu.cases import services
from tests.api.conftest import staff
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def keep_connection() -> Iterator[None]:
    """Django's test client keeps the test's connection open across requests; do the same.

    Schemathesis calls the real WSGI handler, whose request signals would otherwise close the
    connection that holds the test's transaction.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


# Ten examples an operation in the test command; SANFU_FUZZ_EXAMPLES=50 for the figure.
EXAMPLES_PER_OPERATION = int(os.environ.get("SANFU_FUZZ_EXAMPLES", "10"))
# Every check schemathesis has (its `--checks all`), but one: positive_data_acceptance counts any
# 4xx to a schema-valid request as a failure, and a business rule (the case is closed, the unit is
# not yours) is rightly a 422 the schema cannot express. Its intent is kept by _accepted below: a
# schema-valid request must never be refused for its *shape* (the 422 that lists field errors).
CHECKS = [check for check in REGISTERED_CHECKS.get_all() if check is not positive_data_acceptance]
# Ids in paths worth pointing at real rows (not token_id: the run would revoke its own token).
ID_PARAMETERS = ("case_id", "extension_id", "order_id")
UNIT_FIELDS = ("location_unit", "lead_unit")


def _real_ids(tree: Tree, catalogue: Catalogue, people: People) -> list[int]:
    """A few cases in different states, with an extension request and a supervision order."""
    new = web_case(tree, catalogue)
    handled = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=handled.pk, lead_unit=tree.village_a)
    services.case_sign(actor=people.cadre, case_id=handled.pk)
    extension = services.case_extension_request(
        actor=people.cadre, case_id=handled.pk, days=2, reason="等材料"
    )
    order = services.case_supervise(
        actor=people.supervisor, case_id=handled.pk, instruction="抓紧", days=2
    )
    return sorted({new.pk, handled.pk, extension.pk, order.pk})


def test_the_openapi_document_holds_for_generated_requests(
    tree: Tree, catalogue: Catalogue, people: People, keep_connection: None
) -> None:
    schema = schemathesis.openapi.from_wsgi(
        "/api/openapi.json", get_wsgi_application(), base_url="https://localhost"
    )
    ids = _real_ids(tree, catalogue, people)
    units = [tree.county.pk, tree.village_a.pk, tree.grid_a.pk, tree.department.pk]
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results)  # the document itself is valid
    assert len(operations) >= 30
    failures: list[str] = []
    for operation in operations:
        # A fresh token each time: DELETE /api/tokens/{id} may well revoke the last one.
        headers = {"Authorization": f"Bearer {staff(people.dispatcher).token}"}
        failures += _fuzz(operation, ids, units, headers)
    assert not failures, "\n\n".join(failures[:5])


def _fuzz(operation: Any, ids: list[int], units: list[int], headers: dict[str, str]) -> list[str]:
    failures: list[str] = []

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), real=st.booleans(), pick=st.integers(0, 100))
    def run(case: Any, real: bool, pick: int) -> None:
        if real:
            for name in ID_PARAMETERS:
                if case.path_parameters and name in case.path_parameters:
                    case.path_parameters[name] = ids[pick % len(ids)]
            for name in UNIT_FIELDS:
                if isinstance(case.body, dict) and name in case.body:
                    case.body[name] = units[pick % len(units)]
        response = case.call(base_url="https://localhost", headers=headers)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, FailureGroup) as error:
            failures.append(f"{operation.label}: {error}")
        if not _accepted(case, response):
            failures.append(f"{operation.label}: a schema-valid request refused: {response.text}")

    random.seed(0)
    run()
    return failures


def _accepted(case: Any, response: Any) -> bool:
    """A request the document allows is not refused for its shape (field errors in a 422)."""
    if response.status_code != 422 or case.meta is None:
        return True
    return not case.meta.generation.mode.is_positive or "errors" not in response.json()

"""Schemathesis over one of our OpenAPI documents, through the real WSGI application."""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterator
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

BASE_URL = "https://localhost"
# Ten examples an operation in the test command; SANFU_FUZZ_EXAMPLES=50 for the figure.
EXAMPLES_PER_OPERATION = int(os.environ.get("SANFU_FUZZ_EXAMPLES", "10"))
# Every check schemathesis has (its `--checks all`) but positive_data_acceptance, which counts
# any 4xx to a schema-valid request as a failure: a business rule (the case is closed, the
# service code is unknown) is rightly refused though no schema can say so. Each test keeps
# that check's intent in the form its API allows (see `check`).
CHECKS = [check for check in REGISTERED_CHECKS.get_all() if check is not positive_data_acceptance]

# Adjusts a generated case before it is sent (real ids, a real key), given two random draws.
Adjust = Callable[[Any, bool, int], None]
# A further check of one answer: a message when it fails.
Check = Callable[[Any, Any], str | None]


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


def operations(document_path: str, *, prefix: str = "") -> list[Any]:
    """Every operation of the document (its paths under `prefix`), which must itself be valid."""
    schema = schemathesis.openapi.from_wsgi(
        document_path, get_wsgi_application(), base_url=BASE_URL + prefix
    )
    results = list(schema.get_all_operations())
    found = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(found) == len(results)
    return found


def fuzz(
    operation: Any,
    *,
    headers: dict[str, str],
    adjust: Adjust | None = None,
    check: Check | None = None,
    prefix: str = "",
) -> list[str]:
    """Generated requests for one operation, each answer held to every check."""
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
        if adjust is not None:
            adjust(case, real, pick)
        response = case.call(base_url=BASE_URL + prefix, headers=headers)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, FailureGroup) as error:
            failures.append(f"{operation.label}: {error}")
        problem = None if check is None else check(case, response)
        if problem:
            failures.append(f"{operation.label}: {problem}")

    random.seed(0)
    run()
    return failures

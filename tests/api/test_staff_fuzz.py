"""Schemathesis over /api/openapi.json: every operation, a bounded number of generated requests.

Each request goes through the real WSGI application with a dispatcher's token. Half of the
generated ids are swapped for ids that exist, so the happy paths are fuzzed too, not only the
404s. Every answer must pass every schemathesis check (see `fuzzing.CHECKS`), and a request the
document allows must never be refused for its shape.
"""

from __future__ import annotations

from typing import Any

import pytest

from sanfu.cases import services
from tests.api.conftest import staff
from tests.api.fuzzing import fuzz, keep_connection, operations
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree

pytestmark = pytest.mark.django_db
__all__ = ["keep_connection"]  # the fixture, used by name

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


def _accepted(case: Any, response: Any) -> str | None:
    """A schema-valid request is not refused for its shape (the 422 that lists field errors).

    A 422 without the list is a business rule (the case is closed, the unit is not yours).
    """
    if response.status_code != 422 or case.meta is None:
        return None
    if not case.meta.generation.mode.is_positive or "errors" not in response.json():
        return None
    return f"a schema-valid request refused: {response.text}"


def test_the_openapi_document_holds_for_generated_requests(
    tree: Tree, catalogue: Catalogue, people: People, keep_connection: None
) -> None:
    ids = _real_ids(tree, catalogue, people)
    units = [tree.county.pk, tree.village_a.pk, tree.grid_a.pk, tree.department.pk]

    def real_rows(case: Any, real: bool, pick: int) -> None:
        if not real:
            return
        for name in ID_PARAMETERS:
            if case.path_parameters and name in case.path_parameters:
                case.path_parameters[name] = ids[pick % len(ids)]
        for name in UNIT_FIELDS:
            if isinstance(case.body, dict) and name in case.body:
                case.body[name] = units[pick % len(units)]

    found = operations("/api/openapi.json")
    assert len(found) >= 30
    failures: list[str] = []
    for operation in found:
        # A fresh token each time: DELETE /api/tokens/{id} may well revoke the last one.
        headers = {"Authorization": f"Bearer {staff(people.dispatcher).token}"}
        failures += fuzz(operation, headers=headers, adjust=real_rows, check=_accepted)
    assert not failures, "\n\n".join(failures[:5])

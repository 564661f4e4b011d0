"""Retries with one Idempotency-Key arriving together, on a real PostgreSQL server: the record
is written once, with the answer, so the later ones wait for the first and replay its answer."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from sanfu.api.models import IdempotencyRecord
from sanfu.cases.models import BackgroundTask, Case, CaseEvent
from tests.api import open311_client as o311
from tests.api.conftest import open311_form
from tests.cases.conftest import Catalogue
from tests.conftest import HttpsClient, Tree

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent writers are the point"
    ),
]


def test_retries_sent_together_create_one_case_and_all_get_its_answer(
    tree: Tree, catalogue: Catalogue, app_key: str
) -> None:
    form = open311_form(tree, catalogue, app_key)
    barrier = threading.Barrier(4)
    answers: list[Any] = [None] * 4

    def send(index: int) -> None:
        barrier.wait()
        try:
            answers[index] = o311.post(
                HttpsClient(), "json", form, headers={"Idempotency-Key": "typhoon-1"}
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [a.status_code for a in answers] == [201] * 4
    assert len({a.content for a in answers}) == 1
    assert sum(a.get("Idempotent-Replayed") == "true" for a in answers) == 3
    assert Case.objects.count() == CaseEvent.objects.count() == 1
    assert BackgroundTask.objects.count() == 2  # its routing and its receipt, once
    assert IdempotencyRecord.objects.count() == 1

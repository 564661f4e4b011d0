"""Intake keeps in its own transaction only what must be there — the case and its number, the
timeline event, the idempotency record and the queued tasks — all kept together or not at all;
the rest (routing, the requester's receipt by text) is the background worker's."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from sanfu.api.models import IdempotencyRecord
from sanfu.cases import queue
from sanfu.cases.models import BackgroundTask, Case, CaseEvent, TaskState
from sanfu.routing.models import CaseSignature, Suggestion
from tests.api import open311_client as o311
from tests.api.conftest import open311_form
from tests.cases.conftest import Catalogue
from tests.conftest import Tree
from tests.notify.conftest import sms

__all__ = ["sms"]

pytestmark = pytest.mark.django_db

# Found with CaptureQueriesContext: 35 before the queue (routing ran after commit, in the
# request), 16 with it, 14 since the checks and reads come before the transaction (no
# savepoints) — the key, the rate counters (one upsert and one read for both buckets, with
# their own BEGIN and COMMIT; on PostgreSQL one statement), the county, the place, the number in
# one statement, the case, its event, its task and the Open311 extras, BEGIN and COMMIT.
# Since the receipt left the request, one task more: 10 on SQLite (BEGIN and COMMIT are not
# counted there). On PostgreSQL 6 messages: the case's rows go in one, numbered as they go
# (the key, the rate counters, the county, the place, the case's id, the rows).
MAX_QUERIES = {"sqlite": 10, "postgresql": 6}


def test_a_post_writes_the_case_its_event_and_its_tasks_and_nothing_of_routing_or_texts(
    tree: Tree,
    catalogue: Catalogue,
    app_key: str,
    public: Client,
    django_assert_max_num_queries: Any,
    sms: list[tuple[str, str]],
) -> None:
    o311.post(public, "json", open311_form(tree, catalogue, app_key))  # caches warm
    queue.work()
    sms.clear()
    with django_assert_max_num_queries(MAX_QUERIES[connection.vendor]):
        response = o311.post(public, "json", open311_form(tree, catalogue, app_key))
    assert response.status_code == 201
    case = Case.objects.get(number=response.json()[0]["service_request_id"])
    assert case.events.filter(kind="received").count() == 1
    tasks = BackgroundTask.objects.filter(subject=f"case:{case.pk}").order_by("pk")
    assert [(t.kind, t.state) for t in tasks] == [
        ("routing.case_received", TaskState.PENDING),
        ("cases.requester_text", TaskState.PENDING),
    ]
    assert not CaseSignature.objects.filter(case=case).exists()
    assert not Suggestion.objects.filter(case=case).exists()
    assert sms == []
    queue.work()
    assert CaseSignature.objects.filter(case=case).exists()
    assert Suggestion.objects.filter(case=case).exists()
    [(phone, receipt)] = sms
    assert phone == "13812345678"
    assert case.number in receipt


def test_a_failure_late_in_intake_keeps_no_case_event_task_or_idempotency_record(
    tree: Tree,
    catalogue: Catalogue,
    app_key: str,
    public: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two submissions drawing the same token: the second's last write breaks a unique
    # constraint, after its case, event and task were written in the same transaction.
    monkeypatch.setattr("sanfu.api.open311.intake.secrets.token_hex", lambda n: "same-token")
    form = open311_form(tree, catalogue, app_key)
    assert o311.post(public, "json", form).status_code == 201
    public.raise_request_exception = False
    headers: dict[str, str] = {"Idempotency-Key": "second"}
    failed = o311.post(public, "json", form, headers=headers)
    assert failed.status_code == 500
    assert Case.objects.count() == 1
    assert CaseEvent.objects.count() == 1
    assert BackgroundTask.objects.count() == 2  # its routing and its receipt
    assert not IdempotencyRecord.objects.filter(key="second").exists()
    # The retry with the same key runs again (the token is drawn afresh) and is kept whole.
    monkeypatch.undo()
    again = o311.post(public, "json", form, headers=headers)
    assert again.status_code == 201
    assert Case.objects.count() == 2
    assert CaseEvent.objects.count() == BackgroundTask.objects.count() / 2 == 2
    assert IdempotencyRecord.objects.get(key="second").status == 201

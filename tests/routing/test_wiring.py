"""The case loop calls routing: every intake is indexed and suggested for, every dispatch,
transfer and on-the-spot answer records the choice — and a routing failure never stops a case."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from sanfu.cases import queue
from sanfu.cases.models import BackgroundTask, Case, CaseState, Category, Channel, TaskState
from sanfu.routing.model import Router
from sanfu.routing.models import CaseSignature, CaseTerm, Choice, Source, Suggestion, SuggestionKind
from sanfu.routing.selectors import routing_accuracy
from sanfu.routing.suggest import forget_router
from tests.api import open311_client as o311
from tests.api.conftest import open311_form
from tests.cases.conftest import Catalogue, People
from tests.conftest import HttpsClient, Tree, https_client, login
from tests.routing.conftest import drained

pytestmark = pytest.mark.django_db


@pytest.fixture
def trained(data_dir: Path, router: Router, catalogue: Catalogue) -> Iterator[Router]:
    """The shared small model saved where the site loads it from."""
    Category.objects.create(code="C03", name="教育文体", level=1)
    router.save()
    forget_router()
    yield router
    forget_router()


def portal_form(tree: Tree, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "requester_kind": "resident",
        "requester_name": "王建国",
        "requester_phone": "13812345678",
        "title": "小区路灯不亮",
        "text": "小区路面破损，路灯不亮，井盖丢失，晚上出行危险。",
        "category": "",
        "town": str(tree.town_a.pk),
        "village": str(tree.village_a.pk),
        "address": "",
    }
    data.update(overrides)
    return data


def test_a_portal_request_is_indexed_and_its_suggestions_recorded(
    tree: Tree, trained: Router, django_capture_on_commit_callbacks: Any
):
    with drained():
        response = https_client().post("/submit/", portal_form(tree))
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    assert CaseSignature.objects.filter(case=case).exists()
    assert CaseTerm.objects.filter(case=case).exists()
    rows = list(Suggestion.objects.filter(case=case).order_by("kind", "rank"))
    categories = [r for r in rows if r.kind == SuggestionKind.CATEGORY]
    assert categories[0].label == "城乡建设"
    assert categories[0].source == Source.MODEL
    assert categories[0].model_version == trained.version
    assert categories[0].at == case.received_at
    assert [r.unit for r in rows if r.kind == SuggestionKind.LEAD_UNIT] == [tree.village_a]


def test_dispatch_then_transfer_record_the_choices_and_accuracy_follows(
    tree: Tree,
    catalogue: Catalogue,
    people: People,
    trained: Router,
    django_capture_on_commit_callbacks: Any,
):
    with drained():
        https_client().post("/submit/", portal_form(tree))
    case = Case.objects.get()
    client = login(people.dispatcher)
    with drained():
        response = client.post(
            f"/workbench/cases/{case.pk}/do/dispatch/",
            {
                "lead_unit": tree.village_a.pk,
                "category": catalogue.roads.pk,
                "priority": "normal",
                "note": "",
            },
        )
    assert response.status_code == 302
    choice = Choice.objects.get(case=case)
    assert (choice.category, choice.lead_unit, choice.actor) == (
        catalogue.roads,
        tree.village_a,
        people.dispatcher,
    )
    accuracy = routing_accuracy(user=people.dispatcher)
    assert (accuracy.cases, accuracy.category_top1, accuracy.lead_unit) == (1, 1.0, 1.0)
    # The outsider's figure counts none of town A's cases.
    assert routing_accuracy(user=people.outsider).cases == 0

    with drained():
        response = client.post(
            f"/workbench/cases/{case.pk}/do/transfer/",
            {"lead_unit": tree.town_a.pk, "note": "村里处理不了，转镇里"},
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Choice.objects.filter(case=case).count() == 2
    # The last choice counts: the desk moved away from the suggested village.
    assert routing_accuracy(user=people.dispatcher).lead_unit == 0.0


def test_a_case_solved_on_the_spot_records_its_choice(
    tree: Tree,
    catalogue: Catalogue,
    people: People,
    data_dir: Path,
    django_capture_on_commit_callbacks: Any,
):
    forget_router()
    data = {
        "channel": Channel.VILLAGE_MEETING,
        "requester_kind": "resident",
        "requester_name": "李梅",
        "requester_phone": "13900001111",
        "requester_id_number": "",
        "address": "",
        "category": catalogue.roads.pk,
        "priority": "normal",
        "title": "村口路面坑洼",
        "text": "村口路面有坑，雨天积水。",
        "location_unit": tree.village_a.pk,
        "solved": "on",
        "reply": "已组织村民当场填平坑洼，并安排专人巡查，如有问题请联系村委会。",
    }
    with drained():
        response = login(people.cadre).post("/workbench/intake/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get()
    assert case.state == CaseState.REPLIED
    choice = Choice.objects.get(case=case)
    assert (choice.category, choice.lead_unit) == (catalogue.roads, tree.village_a)
    assert CaseTerm.objects.filter(case=case).exists()


def test_an_open311_post_is_indexed_like_any_other_intake(
    tree: Tree, catalogue: Catalogue, data_dir: Path, django_capture_on_commit_callbacks: Any
):
    from sanfu.api.keys import api_client_create
    from sanfu.api.open311.services import forget_snapshot

    forget_snapshot()
    _client, key = api_client_create(name="云溪通 app")
    with drained():
        response = o311.post(HttpsClient(), "json", open311_form(tree, catalogue, key))
    assert response.status_code == 201, response.content.decode()
    case = Case.objects.get()
    assert case.channel == Channel.OPEN311
    assert CaseSignature.objects.filter(case=case).exists()
    assert Suggestion.objects.filter(case=case, kind=SuggestionKind.LEAD_UNIT).exists()


def test_a_routing_failure_never_stops_a_request_and_is_retried_not_dropped(
    tree: Tree,
    catalogue: Catalogue,
    people: People,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    def broken(**kwargs: object) -> object:
        raise RuntimeError("model exploded")

    monkeypatch.setattr("sanfu.routing.selectors.suggestions_for", broken)
    monkeypatch.setattr("sanfu.routing.services.choice_record", broken)
    with drained():
        response = https_client().post("/submit/", portal_form(tree))
    assert response.status_code == 302
    case = Case.objects.get()
    with drained():
        response = login(people.dispatcher).post(
            f"/workbench/cases/{case.pk}/do/dispatch/",
            {
                "lead_unit": tree.village_a.pk,
                "category": catalogue.roads.pk,
                "priority": "normal",
                "note": "",
            },
        )
    assert response.status_code == 302
    assert Case.objects.get().state == CaseState.ASSIGNED
    # Both tasks wait for their retry with the error, the index's writes undone with the rest.
    # (The requester's receipt, a task of its own, was sent.)
    assert BackgroundTask.objects.get(kind="cases.requester_text").state == TaskState.DONE
    tasks = BackgroundTask.objects.filter(kind__startswith="routing.").order_by("pk")
    assert [(t.kind, t.state, t.attempts) for t in tasks] == [
        ("routing.case_received", TaskState.PENDING, 1),
        ("routing.case_routed", TaskState.PENDING, 1),
    ]
    assert all("model exploded" in t.last_error for t in tasks)
    assert not CaseSignature.objects.exists()
    # Once the fault is gone, the retries do the work, in either order.
    monkeypatch.undo()
    BackgroundTask.objects.update(run_after=timezone.now())
    queue.work()
    assert BackgroundTask.objects.filter(state=TaskState.DONE).count() == 3
    assert CaseSignature.objects.filter(case=case).exists()
    assert Choice.objects.filter(case=case).exists()


def test_a_choice_recorded_before_the_suggestion_still_marks_what_it_followed(
    tree: Tree, catalogue: Catalogue, people: People, trained: Router
):
    https_client().post("/submit/", portal_form(tree))
    case = Case.objects.get()
    login(people.dispatcher).post(
        f"/workbench/cases/{case.pk}/do/dispatch/",
        {"lead_unit": tree.village_a.pk, "category": catalogue.roads.pk, "priority": "normal"},
    )
    # The dispatch's task runs first (the intake's was delayed, say by a retry).
    BackgroundTask.objects.filter(kind="routing.case_received").update(
        run_after=timezone.now() + timedelta(minutes=1)
    )
    queue.work()
    assert Choice.objects.filter(case=case).exists()
    BackgroundTask.objects.update(run_after=timezone.now())
    queue.work()
    accuracy = routing_accuracy(user=people.dispatcher)
    assert (accuracy.cases, accuracy.category_top1, accuracy.lead_unit) == (1, 1.0, 1.0)

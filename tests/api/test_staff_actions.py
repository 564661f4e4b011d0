"""The staff API's actions: the whole loop through HTTP, its refusals, and Idempotency-Key."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sanfu.api.models import IdempotencyRecord
from sanfu.api.staff.api import api
from sanfu.cases import services
from sanfu.cases.models import Case, CaseEvent, CaseRating, Rating
from sanfu.cases.selectors import timeline_replays
from tests.api.conftest import StaffClient, staff
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def post(
    client: StaffClient,
    path: str,
    body: dict[str, Any] | None = None,
    *,
    expect: int = 200,
    key: str | None = None,
) -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    response = client.post(
        f"/api{path}", json.dumps(body or {}), content_type="application/json", headers=headers
    )
    assert response.status_code == expect, (path, response.status_code, response.content)
    return json.loads(response.content) if response.content else None


def test_the_whole_loop_through_the_api(tree: Tree, catalogue: Catalogue, people: People) -> None:
    dispatcher, cadre = staff(people.dispatcher), staff(people.cadre)
    created = post(
        dispatcher,
        "/cases",
        {
            "channel": "hotline",
            "title": "村口路灯不亮",
            "text": "上坪村村口路灯坏了两周。",
            "location_unit": tree.grid_a.pk,
            "requester": {"kind": "resident", "name": "王建国", "phone": "13812345678"},
        },
        expect=201,
    )
    case_id = created["id"]
    assert created["desk_unit"]["code"] == tree.county.code
    post(dispatcher, f"/cases/{case_id}/accept", {"category": catalogue.roads.code})
    dispatched = post(
        dispatcher,
        f"/cases/{case_id}/dispatch",
        {"lead_unit": tree.village_a.pk, "note": "请尽快处理"},
    )
    assert dispatched["state"] == "assigned"
    assert post(cadre, f"/cases/{case_id}/sign")["state"] == "in_progress"
    extension = post(
        cadre,
        f"/cases/{case_id}/extension-request",
        {"days": 3, "reason": "需要采购灯具"},
        expect=201,
    )
    decided = post(dispatcher, f"/extensions/{extension['id']}/decide", {"approve": True})
    assert decided["decision"] == "approved"
    post(dispatcher, f"/cases/{case_id}/urge", {"note": "群众反映强烈"})
    order = post(
        staff(people.supervisor),
        f"/cases/{case_id}/supervise",
        {"instruction": "三日内解决", "days": 3},
        expect=201,
    )
    post(cadre, f"/supervision-orders/{order['id']}/answer", {"answer": "已安排电工"})
    replied = post(cadre, f"/cases/{case_id}/reply", {"kind": "solved", "text": "已更换灯泡。"})
    assert replied["state"] == "replied"
    case = Case.objects.get(pk=case_id)
    services.case_rate(
        solved=True, number=case.number, token=case.tracking_token, rating=Rating.SATISFIED
    )
    draft = json.loads(dispatcher.get(f"/api/cases/{case_id}/publication-draft").content)
    assert draft["reply"] == "已更换灯泡。"
    post(dispatcher, f"/cases/{case_id}/publish", {}, expect=422)
    assert post(dispatcher, f"/cases/{case_id}/publish", draft)["state"] == "closed"
    case.refresh_from_db()
    assert case.published_at is not None
    assert timeline_replays(case)


def test_dispatch_decisions_return_escalate_transfer_reject_merge(
    tree: Tree, catalogue: Catalogue, people: People
) -> None:
    dispatcher, cadre, town = (
        staff(people.dispatcher),
        staff(people.cadre),
        staff(people.town_staff),
    )
    case = web_case(tree, catalogue)
    post(
        dispatcher,
        f"/cases/{case.pk}/dispatch",
        {"lead_unit": tree.village_a.pk, "co_units": [tree.department.pk]},
    )
    post(staff(people.handler), f"/cases/{case.pk}/sign")
    post(staff(people.handler), f"/cases/{case.pk}/co-opinion", {"opinion": "配合维修"})
    post(cadre, f"/cases/{case.pk}/return", {"reason": "not_our_remit", "note": "不归村里管"})
    post(dispatcher, f"/cases/{case.pk}/dispatch", {"lead_unit": tree.village_a.pk})
    post(cadre, f"/cases/{case.pk}/escalate", {"note": "村里修不了"})
    post(town, f"/cases/{case.pk}/dispatch", {"lead_unit": tree.village_a.pk})
    moved = post(
        dispatcher,
        f"/cases/{case.pk}/transfer",
        {"lead_unit": tree.department.pk, "note": "转住建"},
    )
    assert moved["lead_unit"]["code"] == tree.department.code
    duplicate = web_case(tree, catalogue)
    merged = post(dispatcher, f"/cases/{duplicate.pk}/merge", {"master": case.pk})
    assert merged["state"] == "merged"
    other = web_case(tree, catalogue)
    assert post(dispatcher, f"/cases/{other.pk}/reject", {"reason": "重复"})["state"] == "rejected"


def test_refusals_carry_a_status_a_code_and_the_field(
    tree: Tree, catalogue: Catalogue, people: People
) -> None:
    dispatcher, cadre = staff(people.dispatcher), staff(people.cadre)
    case = web_case(tree, catalogue)
    invalid = post(dispatcher, f"/cases/{case.pk}/reject", {"reason": "  "}, expect=422)
    assert (invalid["code"], invalid["field"]) == ("invalid", "reason")
    schema = post(dispatcher, f"/cases/{case.pk}/dispatch", {"lead_unit": "x"}, expect=422)
    assert schema["field"] == "lead_unit"
    assert schema["errors"][0]["field"] == "lead_unit"
    forbidden = post(cadre, f"/cases/{case.pk}/accept", expect=403)
    assert forbidden["code"] == "forbidden"
    post(dispatcher, f"/cases/{case.pk}/dispatch", {"lead_unit": tree.village_a.pk})
    post(cadre, f"/cases/{case.pk}/sign")
    conflict = post(cadre, f"/cases/{case.pk}/sign", expect=409)
    assert conflict["code"] == "conflict"
    missing_unit = post(
        dispatcher, f"/cases/{case.pk}/transfer", {"lead_unit": 999999, "note": "x"}, expect=404
    )
    assert missing_unit["field"] == "lead_unit"
    response = dispatcher.post(
        f"/api/cases/{case.pk}/reject", "{not json", content_type="application/json"
    )
    assert response.status_code in {400, 422}
    assert json.loads(response.content)["code"]


def test_staff_cannot_file_cases_outside_their_scope_or_as_open311(
    tree: Tree, catalogue: Catalogue, people: People
) -> None:
    body = {
        "channel": "visit",
        "title": "走访发现",
        "text": "下湾村道路破损。",
        "location_unit": tree.village_b.pk,
    }
    assert post(staff(people.town_staff), "/cases", body, expect=404)["field"] == "location_unit"
    body["channel"] = "open311"
    post(staff(people.dispatcher), "/cases", body, expect=422)


def test_solved_on_the_spot_is_recorded_as_answered(
    tree: Tree, catalogue: Catalogue, people: People
) -> None:
    created = post(
        staff(people.cadre),
        "/cases",
        {
            "channel": "village_meeting",
            "title": "垃圾桶满了",
            "text": "村口垃圾桶满了没人清。",
            "location_unit": tree.village_a.pk,
            "category": catalogue.roads.code,
            "solved_on_the_spot": "当场联系保洁员清运。",
        },
        expect=201,
    )
    assert created["state"] == "replied"


def test_a_retry_with_the_same_key_acts_once(
    tree: Tree, catalogue: Catalogue, people: People
) -> None:
    dispatcher = staff(people.dispatcher)
    case = web_case(tree, catalogue)
    body = {"note": "催一下"}
    post(dispatcher, f"/cases/{case.pk}/dispatch", {"lead_unit": tree.village_a.pk}, key="d1")
    first = dispatcher.post(
        f"/api/cases/{case.pk}/urge",
        json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": "u1"},
    )
    again = dispatcher.post(
        f"/api/cases/{case.pk}/urge",
        json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": "u1"},
    )
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    case.refresh_from_db()
    assert case.urge_count == 1
    assert CaseEvent.objects.filter(case=case, kind="urged").count() == 1
    other = post(dispatcher, f"/cases/{case.pk}/urge", {"note": "再催"}, key="u1", expect=422)
    assert other["field"] == "Idempotency-Key"
    # Keys are the caller's own: another person's same key is another request.
    post(staff(people.supervisor), f"/cases/{case.pk}/urge", body, key="u1")
    case.refresh_from_db()
    assert case.urge_count == 2


def test_a_refused_action_is_replayed_as_refused(
    tree: Tree, catalogue: Catalogue, people: People
) -> None:
    cadre = staff(people.cadre)
    case = web_case(tree, catalogue)
    first = post(cadre, f"/cases/{case.pk}/accept", expect=403, key="a")
    assert post(cadre, f"/cases/{case.pk}/accept", expect=403, key="a") == first
    record = IdempotencyRecord.objects.get(key="a")
    assert record.status == 403


def test_without_a_token_the_key_is_not_claimed(tree: Tree, people: People, public: Any) -> None:
    response = public.post(
        "/api/cases/1/sign", "{}", content_type="application/json", headers={"Idempotency-Key": "k"}
    )
    assert response.status_code == 401
    assert not IdempotencyRecord.objects.exists()


def test_every_post_operation_is_guarded_and_documented(tree: Tree, public: Any) -> None:
    document = json.loads(public.get("/api/openapi.json").content)
    posts = [
        (path, operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if method == "post"
    ]
    assert len(posts) >= 17
    for path, operation in posts:
        names = [p["name"] for p in operation.get("parameters", [])]
        assert "Idempotency-Key" in names, path
    guarded = [
        operation
        for router in api._get_bound_routers()
        for path_view in router.path_operations.values()
        for operation in path_view.operations
        if "POST" in operation.methods
    ]
    assert len(guarded) == len(posts)
    assert all(getattr(operation.run, "idempotent", False) for operation in guarded)


def test_a_callback_records_the_answers_once_and_never_for_an_unanswered_case(
    tree: Tree, catalogue: Catalogue, people: People
) -> None:
    dispatcher, cadre = staff(people.dispatcher), staff(people.cadre)
    case = web_case(tree, catalogue)
    body = {"solved": False, "rating": "basically", "note": "电话回访"}
    never = post(dispatcher, f"/cases/{case.pk}/callback", body, expect=422)
    assert never["field"] == "case"
    post(dispatcher, f"/cases/{case.pk}/dispatch", {"lead_unit": tree.village_a.pk})
    post(cadre, f"/cases/{case.pk}/sign")
    post(cadre, f"/cases/{case.pk}/reply", {"kind": "solved", "text": "已修好。"})
    post(staff(people.outsider), f"/cases/{case.pk}/callback", body, expect=404)
    assert post(dispatcher, f"/cases/{case.pk}/callback", body)["state"] == "closed"
    again = post(dispatcher, f"/cases/{case.pk}/callback", body, expect=422)
    assert again["field"] == "case"
    rating = CaseRating.objects.get(case=case)
    assert (rating.callback, rating.solved, rating.satisfaction) == (True, False, "basically")


def test_publishing_needs_the_reviewed_texts_and_refuses_the_outsider(
    tree: Tree, catalogue: Catalogue, people: People
) -> None:
    case = web_case(tree, catalogue, text="村口路灯坏了，邻居陈丽华家门口也黑着。")
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    services.case_sign(actor=people.cadre, case_id=case.pk)
    services.case_reply(
        actor=people.cadre, case_id=case.pk, kind="solved", text="已修复，咨询电话0571-88886666。"
    )
    services.case_rate(
        solved=True, number=case.number, token=case.tracking_token, rating=Rating.SATISFIED
    )
    outsider = staff(people.outsider)
    assert outsider.get(f"/api/cases/{case.pk}/publication-draft").status_code == 404
    dispatcher = staff(people.dispatcher)
    draft = json.loads(dispatcher.get(f"/api/cases/{case.pk}/publication-draft").content)
    assert draft["names"] == ["陈丽华"]
    assert "陈丽华" not in draft["text"]
    assert "0571-88886666" in draft["reply"]
    post(outsider, f"/cases/{case.pk}/publish", draft, expect=404)
    post(dispatcher, f"/cases/{case.pk}/publish", {**draft, "reply": ""}, expect=422)
    post(dispatcher, f"/cases/{case.pk}/publish", draft)
    assert Case.objects.get(pk=case.pk).public_text == draft["text"]

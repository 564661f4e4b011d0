"""GET requests, requests/{id} and tokens/{token}: what the public may know, in both formats."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from sanfu.api.models import Open311Submission
from sanfu.cases import services
from sanfu.cases.models import Case, Rating, ReplyKind
from tests.api import open311_client as o311
from tests.api import open311_schemas as schemas
from tests.api.conftest import open311_form
from tests.cases.conftest import Catalogue, People, publish_as_drafted, web_case
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

PRIVATE_TEXT = "王建国家门口的路灯坏了，电话13812345678，住上坪村村口12号。"


def _requests(public: Client, **params: Any) -> o311.Answer:
    return o311.get(public, "requests", schema=schemas.REQUESTS, root="service_requests", **params)


def _replied(tree: Tree, catalogue: Catalogue, people: People, **fields: object) -> Case:
    case = web_case(tree, catalogue, **fields)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    services.case_sign(actor=people.cadre, case_id=case.pk)
    return services.case_reply(
        actor=people.cadre,
        case_id=case.pk,
        kind=ReplyKind.SOLVED,
        text="已更换灯泡。王建国已确认，电话13812345678。",
    )


def test_the_list_shows_public_cases_and_no_personal_data(
    tree: Tree, catalogue: Catalogue, people: People, public: Client
) -> None:
    new = web_case(tree, catalogue, text=PRIVATE_TEXT)
    web_case(tree, catalogue, text=PRIVATE_TEXT, confidential=True)
    answer = _requests(public)
    assert [row["service_request_id"] for row in answer.data] == [new.number]
    row = answer.data[0]
    assert row["status"] == "open"
    assert row["service_code"] == catalogue.roads.code
    assert row["description"] is None  # not published: no text at all
    assert row["address"] == "上坪村第一网格, 上坪村, 石门镇, 云溪县"
    assert row["address_id"] == tree.grid_a.code
    assert row["requested_datetime"].endswith("+08:00")
    everything = json.dumps(answer.data, ensure_ascii=False)
    for secret in ("王建国", "13812345678", "12号"):
        assert secret not in everything


def test_status_follows_the_loop(
    tree: Tree, catalogue: Catalogue, people: People, public: Client
) -> None:
    new = web_case(tree, catalogue)
    assigned = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=assigned.pk, lead_unit=tree.village_a)
    replied = _replied(tree, catalogue, people)
    rejected = web_case(tree, catalogue)
    services.case_reject(actor=people.dispatcher, case_id=rejected.pk, reason="不属于本县受理范围")
    merged = web_case(tree, catalogue)
    services.case_merge(actor=people.dispatcher, case_id=merged.pk, master_id=new.pk)
    rows = {row["service_request_id"]: row for row in _requests(public).data}
    assert rows[new.number]["status"] == "open"
    assert rows[new.number]["agency_responsible"] is None
    assigned_row = rows[assigned.number]
    assert assigned_row["status"] == "open"
    assert assigned_row["agency_responsible"] == "上坪村"
    assigned.refresh_from_db()
    assert assigned_row["expected_datetime"] == (
        timezone.localtime(assigned.reply_deadline).replace(microsecond=0).isoformat()
    )
    assert rows[replied.number]["status"] == "closed"
    with translation.override("zh-hans"):
        assert str(ReplyKind.SOLVED.label) in rows[replied.number]["status_notes"]
    assert "13812345678" not in rows[replied.number]["status_notes"]
    assert rows[rejected.number]["status"] == "closed"
    assert "不属于本县受理范围" in rows[rejected.number]["status_notes"]
    assert rows[merged.number]["status"] == "closed"
    assert new.number in rows[merged.number]["status_notes"]


def test_a_published_case_shows_its_anonymised_text_and_answer(
    tree: Tree, catalogue: Catalogue, people: People, public: Client
) -> None:
    case = _replied(tree, catalogue, people, text=PRIVATE_TEXT)
    services.case_rate(
        solved=True, number=case.number, token=case.tracking_token, rating=Rating.SATISFIED
    )
    publish_as_drafted(people.dispatcher, case.pk)
    row = _requests(public, service_request_id=case.number).data[0]
    assert row["description"].startswith("王**家门口")
    assert "[手机号]" in row["description"]
    assert "已更换灯泡" in row["status_notes"]
    assert row["updated_datetime"] >= row["requested_datetime"]
    assert "13812345678" not in json.dumps(row, ensure_ascii=False)


def test_ids_override_every_other_filter(tree: Tree, catalogue: Catalogue, public: Client) -> None:
    old = web_case(tree, catalogue)
    Case.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=200))
    other = web_case(tree, catalogue, category=catalogue.wages)
    answer = _requests(
        public,
        service_request_id=f"{old.number}, {other.number},NOPE",
        status="closed",
        service_code="C99",
        start_date="2001-01-01T00:00:00Z",
    )
    assert {row["service_request_id"] for row in answer.data} == {old.number, other.number}


def test_filters_by_service_status_and_window(
    tree: Tree, catalogue: Catalogue, people: People, public: Client
) -> None:
    roads = web_case(tree, catalogue)
    wages = web_case(tree, catalogue, category=catalogue.wages)
    replied = _replied(tree, catalogue, people)
    old = web_case(tree, catalogue)
    Case.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=100))

    def numbers(**params: object) -> set[str]:
        return {row["service_request_id"] for row in _requests(public, **params).data}

    assert numbers() == {roads.number, wages.number, replied.number}  # the last 90 days
    assert numbers(service_code=catalogue.wages.code) == {wages.number}
    assert numbers(service_code=f"{catalogue.wages.code},{catalogue.roads.code}") == numbers()
    assert numbers(status="closed") == {replied.number}
    assert numbers(status="open") == {roads.number, wages.number}
    assert numbers(status="open,closed") == numbers()
    start = timezone.localtime() - timedelta(days=120)
    assert numbers(start_date=start.isoformat()) == {old.number}
    assert old.number in numbers(start_date=start.date().isoformat())
    assert numbers(end_date=(timezone.now() - timedelta(days=95)).isoformat()) == {old.number}


@pytest.mark.parametrize(
    "params",
    [
        {"status": "pending"},
        {"start_date": "2024-01-01T00:00:00Z", "end_date": "2024-06-01T00:00:00Z"},
        {"start_date": "2024-02-01T00:00:00Z", "end_date": "2024-01-01T00:00:00Z"},
        {"start_date": "2024-01-01T00:00:00"},  # no time zone
        {"start_date": "yesterday"},
        {"start_date": "9999-12-31T00:00:00Z"},
        {"page": "0"},
        {"page_size": "1001"},
    ],
)
def test_bad_filters_are_a_400(
    tree: Tree, catalogue: Catalogue, public: Client, params: dict[str, str]
) -> None:
    o311.get_error(public, "requests", expect=400, **params)


def test_pages_of_the_list(tree: Tree, catalogue: Catalogue, public: Client) -> None:
    cases = [web_case(tree, catalogue) for _ in range(5)]
    newest_first = [case.number for case in reversed(cases)]
    first = _requests(public, page_size="2").data
    third = _requests(public, page_size="2", page="3").data
    assert [row["service_request_id"] for row in first] == newest_first[:2]
    assert [row["service_request_id"] for row in third] == newest_first[4:]


def test_extensions_add_the_state_and_the_timeline_without_staff_notes(
    tree: Tree, catalogue: Catalogue, people: People, public: Client
) -> None:
    case = _replied(tree, catalogue, people)
    row = _requests(public, extensions="true").data[0]
    assert row["extended_attributes"]["state"] == "replied"
    assert row["extended_attributes"]["channel"] == "web"
    kinds = [note["type"] for note in row["notes"]]
    assert kinds == ["received", "dispatched", "signed", "replied"]
    assert "上坪村" in row["notes"][2]["description"]
    assert "已更换灯泡" not in json.dumps(row["notes"], ensure_ascii=False)
    plain = _requests(public).data[0]
    assert "notes" not in plain
    assert "extended_attributes" not in plain
    detail = o311.get(
        public,
        f"requests/{case.number}",
        schema=schemas.REQUESTS,
        root="service_requests",
        extensions="true",
    )
    assert detail.data[0]["notes"] == row["notes"]


def test_one_request_by_its_id_and_a_404_for_unknown_or_confidential(
    tree: Tree, catalogue: Catalogue, public: Client
) -> None:
    case = web_case(tree, catalogue)
    secret = web_case(tree, catalogue, confidential=True)
    answer = o311.get(
        public, f"requests/{case.number}", schema=schemas.REQUESTS, root="service_requests"
    )
    assert answer.data[0]["service_request_id"] == case.number
    unknown = o311.get_error(public, "requests/YX20000101-00001", expect=404)
    hidden = o311.get_error(public, f"requests/{secret.number}", expect=404)
    assert unknown.data == hidden.data


def test_a_token_resolves_to_its_request(
    tree: Tree, catalogue: Catalogue, app_key: str, public: Client
) -> None:
    response = o311.post(public, "json", open311_form(tree, catalogue, app_key))
    number = response.json()[0]["service_request_id"]
    token = Open311Submission.objects.get(case__number=number).token
    answer = o311.get(public, f"tokens/{token}", schema=schemas.TOKEN, root="service_requests")
    assert answer.data == [{"service_request_id": number, "token": token}]
    o311.get_error(public, "tokens/unknown", expect=404)

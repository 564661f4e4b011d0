"""The staff API's reads: tokens, scope exactly like the workbench, masking, paging."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sanfu.api.keys import staff_token_create, staff_token_revoke
from sanfu.cases import services
from sanfu.cases.models import PersonalDataAccess
from sanfu.directory.models import StaffRole
from tests.api.conftest import StaffClient, staff
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree, make_staff

pytestmark = pytest.mark.django_db


def _json(response: Any) -> Any:
    return json.loads(response.content)


def test_it_refuses_a_request_without_a_valid_token(
    tree: Tree, catalogue: Catalogue, people: People, public: Client
) -> None:
    revoked_row, revoked = staff_token_create(user=people.dispatcher, name="old")
    staff_token_revoke(token_id=revoked_row.pk)
    expired_row, expired = staff_token_create(
        user=people.dispatcher, name="short", expires_at=timezone.now() + timedelta(minutes=1)
    )
    type(expired_row).objects.filter(pk=expired_row.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    disabled_user = make_staff("gone", tree.county, StaffRole.DISPATCHER)
    _row, disabled = staff_token_create(user=disabled_user, name="t")
    disabled_user.is_active = False
    disabled_user.save(update_fields=["is_active"])
    for client in [public, StaffClient("sfu_nonsense"), StaffClient(revoked)]:
        response = client.get("/api/cases")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"
        assert _json(response)["code"] == "unauthenticated"
    assert StaffClient(expired).get("/api/me").status_code == 401
    assert StaffClient(disabled).get("/api/me").status_code == 401


def test_me_says_who_the_token_acts_for(tree: Tree, people: People) -> None:
    data = _json(staff(people.town_staff).get("/api/me"))
    assert data["username"] == "town-staff"
    assert data["memberships"][0]["unit"]["code"] == tree.town_a.code


def test_lists_hold_only_what_the_caller_may_see(
    tree: Tree, catalogue: Catalogue, people: People
) -> None:
    case = web_case(tree, catalogue)
    for person, expected in [
        (people.dispatcher, [case.number]),
        (people.town_staff, [case.number]),
        (people.grid_worker, [case.number]),
        (people.handler, []),
        (people.outsider, []),
    ]:
        items = _json(staff(person).get("/api/cases"))["items"]
        assert [item["number"] for item in items] == expected, person
    # A department sees the case once it is asked to work on it.
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.department)
    items = _json(staff(people.handler).get("/api/cases"))["items"]
    assert [item["number"] for item in items] == [case.number]


def test_an_outsider_gets_404_for_another_units_case(
    tree: Tree, catalogue: Catalogue, people: People
) -> None:
    case = web_case(tree, catalogue)
    outsider = staff(people.outsider)
    for path in [f"/api/cases/{case.pk}", f"/api/cases/{case.pk}/requester"]:
        response = outsider.get(path)
        assert response.status_code == 404
        assert _json(response)["code"] == "not_found"
    unknown = outsider.get("/api/cases/999999")
    assert _json(unknown) == _json(outsider.get(f"/api/cases/{case.pk}"))
    for action, body in [("accept", {}), ("reject", {"reason": "x"}), ("sign", None)]:
        response = outsider.post(
            f"/api/cases/{case.pk}/{action}", body or {}, content_type="application/json"
        )
        assert response.status_code == 404, action


def test_the_detail_masks_personal_data_and_lists_the_callers_actions(
    tree: Tree, catalogue: Catalogue, people: People
) -> None:
    case = web_case(tree, catalogue)
    detail = _json(staff(people.dispatcher).get(f"/api/cases/{case.pk}"))
    assert detail["requester"] == {
        "kind": "resident",
        "name": "王**",
        "phone": "138****5678",
        "has_id_number": False,
    }
    assert detail["address"] == "上坪村村口**号"
    assert detail["actions"] == ["accept", "dispatch", "reject", "merge"]
    assert [e["kind"] for e in detail["timeline"]] == ["received"]
    assert "13812345678" not in json.dumps(detail, ensure_ascii=False)


def test_the_requester_is_unmasked_for_the_handling_chain_and_each_read_recorded(
    tree: Tree, catalogue: Catalogue, people: People
) -> None:
    case = web_case(tree, catalogue)
    dispatcher = staff(people.dispatcher)
    data = _json(dispatcher.get(f"/api/cases/{case.pk}/requester"))
    assert data["name"] == "王建国"
    assert data["phone"] == "13812345678"
    assert data["address"] == "上坪村村口12号"
    assert (
        PersonalDataAccess.objects.filter(user=people.dispatcher, case=case, via="api").count() == 1
    )
    # A supervisor above sees the case but is not handling it.
    refused = staff(people.supervisor).get(f"/api/cases/{case.pk}/requester")
    assert refused.status_code == 403
    assert PersonalDataAccess.objects.count() == 1
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    assert staff(people.cadre).get(f"/api/cases/{case.pk}/requester").status_code == 200


def test_cursor_paging_walks_every_case_once(
    tree: Tree, catalogue: Catalogue, people: People
) -> None:
    numbers = {web_case(tree, catalogue).number for _ in range(7)}
    client = staff(people.dispatcher)
    seen: list[str] = []
    cursor = ""
    for _page in range(10):
        query: dict[str, Any] = {"limit": 3, "cursor": cursor}
        data = _json(client.get("/api/cases", query))
        seen += [item["number"] for item in data["items"]]
        cursor = data["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 7
    assert set(seen) == numbers
    bad = client.get("/api/cases", {"cursor": "not-a-cursor"})
    assert bad.status_code == 422
    assert _json(bad)["field"] == "cursor"


def test_case_filters(tree: Tree, catalogue: Catalogue, people: People) -> None:
    roads = web_case(tree, catalogue)
    wages = web_case(tree, catalogue, category=catalogue.wages, location_unit=tree.village_b)
    client = staff(people.dispatcher)

    def numbers(**params: Any) -> list[str]:
        items = _json(client.get("/api/cases", params))["items"]
        return [item["number"] for item in items]

    assert numbers(category=catalogue.labour.code) == [wages.number]
    assert numbers(place=tree.town_a.pk) == [roads.number]
    assert numbers(state="new") == [wages.number, roads.number]
    assert numbers(state="closed") == []
    assert client.get("/api/cases", {"place": tree.town_b.pk}).status_code == 200
    assert staff(people.town_staff).get("/api/cases", {"place": tree.town_b.pk}).status_code == 404


def test_queues_count_and_list_the_callers_work(
    tree: Tree, catalogue: Catalogue, people: People
) -> None:
    waiting = web_case(tree, catalogue)
    dispatched = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=dispatched.pk, lead_unit=tree.village_a)
    counts = _json(staff(people.dispatcher).get("/api/queues"))
    assert counts["to_dispatch"] == 1
    cadre = staff(people.cadre)
    assert _json(cadre.get("/api/queues"))["to_sign"] == 1
    items = _json(cadre.get("/api/queues/to_sign"))["items"]
    assert [item["number"] for item in items] == [dispatched.number]
    assert cadre.get("/api/queues/nonsense").status_code == 422
    assert waiting.number not in json.dumps(items)


def test_units_categories_and_figures(tree: Tree, catalogue: Catalogue, people: People) -> None:
    client = staff(people.town_staff)
    units = _json(client.get("/api/units"))["items"]
    assert [u["code"] for u in units] == ["YX01", "YX01001", "YX0100101"]
    codes = [c["code"] for c in _json(client.get("/api/categories"))["items"]]
    assert codes == sorted(codes)
    assert catalogue.roads.code in codes
    web_case(tree, catalogue)
    today = timezone.localdate()
    query: dict[str, Any] = {
        "unit": tree.town_a.pk,
        "start": today.isoformat(),
        "end": str(today + timedelta(1)),
    }
    figures = _json(client.get("/api/figures", query))
    assert figures["received"] == 1
    query = {"unit": tree.town_b.pk, "start": "2024-01-01", "end": "2024-02-01"}
    outside = client.get("/api/figures", query)
    assert outside.status_code == 404


def test_a_token_lists_and_revokes_only_its_owners_tokens(tree: Tree, people: People) -> None:
    mine = staff(people.cadre)
    other_row, _other = staff_token_create(user=people.dispatcher, name="theirs")
    listed = _json(mine.get("/api/tokens"))
    assert [t["name"] for t in listed] == ["tests"]
    assert "token_hash" not in json.dumps(listed)
    assert mine.delete(f"/api/tokens/{other_row.pk}").status_code == 404
    own_id = listed[0]["id"]
    assert mine.delete(f"/api/tokens/{own_id}").status_code == 204
    assert mine.get("/api/me").status_code == 401

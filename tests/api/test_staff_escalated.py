"""A case a village escalated, through the staff API: the town keeps it (take-on), passes it on
to the county (escalate), and an outsider can do neither."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sanfu.cases import services
from sanfu.cases.models import Case, CaseState
from tests.api.conftest import StaffClient, staff
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def post(client: StaffClient, path: str, body: dict[str, Any], *, expect: int = 200) -> Any:
    response = client.post(f"/api{path}", json.dumps(body), content_type="application/json")
    assert response.status_code == expect, (path, response.status_code, response.content)
    return json.loads(response.content)


def escalated(tree: Tree, catalogue: Catalogue, people: People) -> Case:
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    services.case_escalate(actor=people.cadre, case_id=case.pk, note="村里解决不了")
    return Case.objects.get(pk=case.pk)


def test_the_town_takes_an_escalated_case_on(tree: Tree, catalogue: Catalogue, people: People):
    case = escalated(tree, catalogue, people)
    leader = staff(people.town_leader)
    before = json.loads(leader.get(f"/api/cases/{case.pk}").content)
    assert {"take_on", "escalate", "dispatch"} <= set(before["actions"])
    done = post(leader, f"/cases/{case.pk}/take-on", {"note": "镇里自办"})
    assert done["state"] == CaseState.IN_PROGRESS
    assert done["lead_unit"]["code"] == tree.town_a.code
    assert Case.objects.get(pk=case.pk).reply_deadline == case.reply_deadline
    after = json.loads(leader.get(f"/api/cases/{case.pk}").content)
    taken = [e for e in after["timeline"] if e["note"] == "镇里自办"]
    assert [(e["kind"], e["label"]) for e in taken] == [("dispatched", "本级自办")]


def test_the_town_escalates_it_on_to_the_county(tree: Tree, catalogue: Catalogue, people: People):
    case = escalated(tree, catalogue, people)
    done = post(staff(people.town_staff), f"/cases/{case.pk}/escalate", {"note": "需县级部门"})
    assert (done["state"], done["desk_unit"]["code"]) == (CaseState.NEW, tree.county.code)
    dispatched = post(
        staff(people.dispatcher), f"/cases/{case.pk}/dispatch", {"lead_unit": tree.department.pk}
    )
    assert dispatched["lead_unit"]["code"] == tree.department.code


def test_an_outsider_is_refused_both(tree: Tree, catalogue: Catalogue, people: People):
    case = escalated(tree, catalogue, people)
    outsider = staff(people.outsider)
    assert post(outsider, f"/cases/{case.pk}/take-on", {}, expect=404)["code"] == "not_found"
    post(outsider, f"/cases/{case.pk}/escalate", {"note": "x"}, expect=404)
    assert Case.objects.get(pk=case.pk).desk_unit == tree.town_a


def test_the_county_desk_cannot_take_a_case_on_or_escalate_it(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    dispatcher = staff(people.dispatcher)
    refused = post(dispatcher, f"/cases/{case.pk}/take-on", {}, expect=422)
    assert (refused["code"], refused["field"]) == ("invalid", "case")
    refused = post(dispatcher, f"/cases/{case.pk}/escalate", {"note": "再上报"}, expect=422)
    assert refused["field"] == "case"
    no_category = web_case(tree, catalogue, category=None)
    Case.objects.filter(pk=no_category.pk).update(desk_unit=tree.town_a)
    refused = post(staff(people.town_staff), f"/cases/{no_category.pk}/take-on", {}, expect=422)
    assert refused["field"] == "category"

"""Operator intake, and the supervision board with its one-click urge and supervise."""

from __future__ import annotations

from typing import Any

import pytest

from sanfu.cases import services
from sanfu.cases.models import Case, CaseState, Channel, Clock, ReplyKind
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree, login

pytestmark = pytest.mark.django_db


def intake(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "channel": Channel.HOTLINE,
        "requester_kind": "resident",
        "requester_name": "李梅",
        "requester_phone": "13900001111",
        "requester_id_number": "",
        "address": "",
        "category": "",
        "priority": "normal",
        "title": "下水道堵塞",
        "text": "小区门口下水道堵塞，污水外溢。",
        "reply": "",
    }
    data.update(overrides)
    return data


def test_a_hotline_call_lands_at_the_dispatch_centre(
    tree: Tree, catalogue: Catalogue, people: People
):
    response = login(people.dispatcher).post(
        "/workbench/intake/", intake(location_unit=tree.village_a.pk)
    )
    case = Case.objects.get()
    assert response["Location"] == f"/workbench/cases/{case.pk}/"
    assert (case.channel, case.desk_unit, case.state) == (Channel.HOTLINE, tree.county, "new")


def test_a_village_meeting_case_solved_on_the_spot(
    tree: Tree, catalogue: Catalogue, people: People
):
    data = intake(
        channel=Channel.VILLAGE_MEETING,
        location_unit=tree.village_a.pk,
        category=catalogue.roads.pk,
        solved="on",
        reply="当场疏通。",
    )
    response = login(people.cadre).post("/workbench/intake/", data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.state, case.reply_kind, case.lead_unit) == (
        CaseState.REPLIED,
        ReplyKind.ON_THE_SPOT,
        tree.village_a,
    )


def test_solved_on_the_spot_needs_the_category_on_its_field(
    tree: Tree, catalogue: Catalogue, people: People
):
    data = intake(
        channel=Channel.VILLAGE_MEETING, location_unit=tree.village_a.pk, solved="on", reply="好"
    )
    response = login(people.cadre).post("/workbench/intake/", data)
    assert response.status_code == 400
    assert "category" in response.context["form"].errors
    assert not Case.objects.exists()


def test_intake_offers_only_places_in_scope(tree: Tree, catalogue: Catalogue, people: People):
    form = login(people.cadre).get("/workbench/intake/").context["form"]
    places = set(form.fields["location_unit"].queryset)
    assert places == {tree.village_a, tree.grid_a}
    response = login(people.cadre).post(
        "/workbench/intake/", intake(location_unit=tree.village_b.pk)
    )
    assert "location_unit" in response.context["form"].errors


def test_the_board_lists_late_cases_with_one_click_actions(
    tree: Tree, catalogue: Catalogue, people: People
):
    late, soon = web_case(tree, catalogue), web_case(tree, catalogue)
    for case in (late, soon):
        services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    Case.objects.filter(pk=late.pk).update(reply_clock=Clock.OVERDUE)
    Case.objects.filter(pk=soon.pk).update(reply_clock=Clock.DUE_SOON)
    client = login(people.supervisor)
    board = client.get("/workbench/supervision/").context["board"]
    assert [entry.unit for entry in board] == [tree.village_a]
    assert ([c.pk for c in board[0].overdue], [c.pk for c in board[0].due_soon]) == (
        [late.pk],
        [soon.pk],
    )
    assert board[0].may_urge
    assert board[0].may_supervise
    page = client.get("/workbench/supervision/").content.decode()
    assert f"/workbench/cases/{late.pk}/do/supervise/" in page
    assert login(people.outsider).get("/workbench/supervision/").context["board"] == []

"""What a town does with a case a village escalated: keep it (本级自办), pass it on to the county
(上报), or send it down again — through the case page, with the clocks right each time."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from sanfu.cases import services
from sanfu.cases.models import Case, CaseEvent, CaseState, Clock, EventKind
from sanfu.cases.selectors import timeline_replays
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree, login

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def act(client: Client, case: Case, action: str, **data: Any):
    return client.post(f"/workbench/cases/{case.pk}/do/{action}/", data)


def offered(client: Client, case: Case) -> list[str]:
    return [a.name for a in client.get(f"/workbench/cases/{case.pk}/").context["actions"]]


def reload(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def escalated_by_the_village(tree: Tree, catalogue: Catalogue, people: People) -> Case:
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    services.case_sign(actor=people.cadre, case_id=case.pk)
    services.case_escalate(actor=people.cadre, case_id=case.pk, note="涉及跨村道路，村里修不了")
    case = reload(case)
    assert (case.state, case.desk_unit) == (CaseState.NEW, tree.town_a)
    return case


def test_the_town_is_offered_to_keep_it_pass_it_on_or_send_it_down(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = escalated_by_the_village(tree, catalogue, people)
    for person in (people.town_staff, people.town_leader):
        actions = offered(login(person), case)
        assert {"take_on", "escalate", "dispatch"} <= set(actions), actions


def test_the_town_takes_it_on_and_works_on_it_at_once(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = escalated_by_the_village(tree, catalogue, people)
    reply_deadline = case.reply_deadline
    client = login(people.town_staff)

    response = act(client, case, "take_on", note="镇里统一协调修复")

    assert response.status_code == 302
    case = reload(case)
    assert (case.state, case.lead_unit) == (CaseState.IN_PROGRESS, tree.town_a)
    # The requester's clock runs on from the first dispatch; the town's own sign-for is done.
    assert case.reply_deadline == reply_deadline
    assert case.reply_clock == Clock.ON_TIME
    assert case.signed_on_time is True
    taken = case.events.get(kind=EventKind.DISPATCHED, data__taken_on=True)
    assert (taken.actor, taken.actor_unit, taken.note) == (
        people.town_staff,
        tree.town_a,
        "镇里统一协调修复",
    )
    assert timeline_replays(case)
    page = client.get(f"/workbench/cases/{case.pk}/").content.decode()
    assert "本级自办" in page
    assert "reply" in offered(client, case)


def test_the_county_dispatcher_may_tell_the_town_to_keep_it_and_the_town_signs(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = escalated_by_the_village(tree, catalogue, people)

    assert act(login(people.dispatcher), case, "take_on", note="").status_code == 302

    case = reload(case)
    assert (case.state, case.lead_unit) == (CaseState.ASSIGNED, tree.town_a)
    assert case.sign_deadline is not None
    assert case.events.get(kind=EventKind.DISPATCHED, data__taken_on=True).actor_unit == tree.county
    assert "sign" in offered(login(people.town_staff), case)


def test_the_town_passes_it_on_and_the_county_sends_it_to_a_department(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = escalated_by_the_village(tree, catalogue, people)
    reply_deadline = case.reply_deadline

    response = act(login(people.town_staff), case, "escalate", note="需要县住建局统一修复")

    assert response.status_code == 302
    case = reload(case)
    assert (case.state, case.desk_unit, case.lead_unit) == (CaseState.NEW, tree.county, None)
    event = case.events.filter(kind=EventKind.ESCALATED).last()
    assert event is not None
    assert (event.actor_unit, event.data) == (
        tree.town_a,
        {"from": tree.town_a.pk, "to": tree.county.pk},
    )
    dispatcher = login(people.dispatcher)
    page = dispatcher.get(f"/workbench/cases/{case.pk}/")
    dispatch = next(a for a in page.context["actions"] if a.name == "dispatch")
    assert tree.department in dispatch.form.fields["lead_unit"].queryset
    response = act(
        dispatcher,
        case,
        "dispatch",
        lead_unit=tree.department.pk,
        category=catalogue.roads.pk,
        priority="normal",
        note="",
    )
    assert response.status_code == 302
    case = reload(case)
    assert (case.state, case.lead_unit) == (CaseState.ASSIGNED, tree.department)
    assert case.reply_deadline == reply_deadline
    # The county has no level above, and a county does not lead cases itself.
    assert not {"take_on", "escalate"} & set(offered(dispatcher, web_case(tree, catalogue)))


def test_the_county_dispatcher_sends_a_case_at_a_towns_desk_straight_to_a_department(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = escalated_by_the_village(tree, catalogue, people)
    page = login(people.dispatcher).get(f"/workbench/cases/{case.pk}/")
    dispatch = next(a for a in page.context["actions"] if a.name == "dispatch")
    targets = set(dispatch.form.fields["lead_unit"].queryset)
    assert {tree.department, tree.town_a, tree.village_a} <= targets
    # The town's own staff choose among their own units: the department is the county's.
    page = login(people.town_staff).get(f"/workbench/cases/{case.pk}/")
    dispatch = next(a for a in page.context["actions"] if a.name == "dispatch")
    targets = set(dispatch.form.fields["lead_unit"].queryset)
    assert tree.village_a in targets
    assert not {tree.department, tree.town_a, tree.town_b} & targets


def test_the_town_can_still_send_it_down_again(tree: Tree, catalogue: Catalogue, people: People):
    case = escalated_by_the_village(tree, catalogue, people)
    reply_deadline = case.reply_deadline
    response = act(
        login(people.town_staff),
        case,
        "dispatch",
        lead_unit=tree.village_a.pk,
        category=catalogue.roads.pk,
        priority="normal",
        note="镇里出资，村里组织施工",
    )
    assert response.status_code == 302
    case = reload(case)
    assert (case.state, case.lead_unit, case.reply_deadline) == (
        CaseState.ASSIGNED,
        tree.village_a,
        reply_deadline,
    )


def test_another_towns_staff_can_neither_take_it_on_nor_pass_it_on(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = escalated_by_the_village(tree, catalogue, people)
    outsider = login(people.outsider)
    assert act(outsider, case, "take_on", note="").status_code == 404
    assert act(outsider, case, "escalate", note="抢过来").status_code == 404
    assert reload(case).desk_unit == tree.town_a
    assert not CaseEvent.objects.filter(case=case, actor=people.outsider).exists()


def test_the_village_that_escalated_cannot_decide_at_the_towns_desk(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = escalated_by_the_village(tree, catalogue, people)
    cadre = login(people.cadre)
    for action, data in (("take_on", {"note": ""}), ("escalate", {"note": "再往上报"})):
        assert act(cadre, case, action, **data).status_code in {403, 404}
    case = reload(case)
    assert (case.state, case.desk_unit, case.lead_unit) == (CaseState.NEW, tree.town_a, None)


def test_a_category_the_village_may_not_handle_cannot_be_kept_at_a_village_desk(
    tree: Tree, catalogue: Catalogue, people: People
):
    # A case taken down at the village's desk (a cadre's intake) about unpaid wages.
    case = web_case(tree, catalogue, category=catalogue.wages)
    Case.objects.filter(pk=case.pk).update(desk_unit=tree.village_a)
    response = act(login(people.cadre), case, "take_on", note="")
    assert response.status_code == 400
    assert response.context["open_action"] == "take_on"
    form = next(a.form for a in response.context["actions"] if a.name == "take_on")
    assert form.errors
    assert reload(case).state == CaseState.NEW


def sweep() -> dict[str, float]:
    out = io.StringIO()
    call_command("sweep", "--once", stdout=out)
    figures: dict[str, float] = json.loads(out.getvalue())["cases"]
    return figures


def test_escalating_an_overdue_case_up_two_levels_does_not_buy_time(
    tree: Tree, catalogue: Catalogue, people: People
):
    with time_machine.travel(datetime(2026, 11, 2, 9, tzinfo=SHANGHAI), tick=False):
        case = web_case(tree, catalogue)
        services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
        services.case_sign(actor=people.cadre, case_id=case.pk)
    deadline = reload(case).reply_deadline
    assert deadline is not None
    with time_machine.travel(deadline + timedelta(days=3), tick=False):
        sweep()
        assert reload(case).reply_clock == Clock.OVERDUE
        services.case_escalate(actor=people.cadre, case_id=case.pk, note="村里修不了")
        act(login(people.town_staff), case, "escalate", note="需要县级部门")
        services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.department)
        assert reload(case).reply_deadline == deadline
        sweep()
        case = reload(case)
        assert (case.reply_deadline, case.reply_clock) == (deadline, Clock.OVERDUE)
        services.case_sign(actor=people.handler, case_id=case.pk)

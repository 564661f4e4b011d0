"""The case page: who may open it, the actions offered, and each action through its form."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sanfu.cases import services
from sanfu.cases.models import Case, CaseState, Decision, Rating, ReplyKind, ReturnReason
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree, https_client, login

pytestmark = pytest.mark.django_db


def act(client: Client, case: Case, action: str, **data: Any):
    return client.post(f"/workbench/cases/{case.pk}/do/{action}/", data)


def reload(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def offered(client: Client, case: Case) -> list[str]:
    return [a.name for a in client.get(f"/workbench/cases/{case.pk}/").context["actions"]]


def test_the_outsider_gets_not_found_and_learns_nothing(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    response = login(people.outsider).get(f"/workbench/cases/{case.pk}/")
    assert response.status_code == 404
    assert case.title not in response.content.decode()
    assert act(login(people.outsider), case, "reject", reason="x").status_code == 404
    assert https_client().get(f"/workbench/cases/{case.pk}/").status_code == 302


def test_the_dispatcher_dispatches_with_the_suggested_unit(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    client = login(people.dispatcher)
    page = client.get(f"/workbench/cases/{case.pk}/")
    assert page.status_code == 200
    dispatch = next(a for a in page.context["actions"] if a.name == "dispatch")
    assert dispatch.form.initial["lead_unit"] == tree.village_a
    assert offered(client, case) == ["dispatch", "accept", "merge", "reject"]
    response = act(
        client,
        case,
        "dispatch",
        lead_unit=tree.village_a.pk,
        category=catalogue.roads.pk,
        priority="normal",
        note="",
    )
    assert response.status_code == 302
    assert (reload(case).state, reload(case).lead_unit) == (CaseState.ASSIGNED, tree.village_a)


def test_a_refusal_is_shown_on_the_field_it_names(tree: Tree, catalogue: Catalogue, people: People):
    case = web_case(tree, catalogue, category=catalogue.wages)
    response = act(
        login(people.dispatcher),
        case,
        "dispatch",
        lead_unit=tree.village_a.pk,
        category=catalogue.wages.pk,
        priority="normal",
    )
    assert response.status_code == 400
    form = next(a.form for a in response.context["actions"] if a.name == "dispatch")
    assert "lead_unit" in form.errors
    assert reload(case).state == CaseState.NEW


def test_an_action_someone_else_took_first_is_a_conflict(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    response = act(login(people.dispatcher), case, "reject", reason="重复")
    assert response.status_code == 409
    assert reload(case).state == CaseState.ASSIGNED


def test_the_handling_unit_signs_returns_and_the_desk_redispatches(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue, category=catalogue.wages, location_unit=tree.village_a)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.department)
    handler = login(people.handler)
    assert offered(handler, case) == ["sign", "transfer", "escalate", "return"]
    assert act(handler, case, "sign").status_code == 302
    assert set(offered(handler, case)) >= {"reply", "extension_request"}
    response = act(handler, case, "return", reason=ReturnReason.NOT_OUR_REMIT, note="属人社局")
    assert response.status_code == 302
    assert reload(case).state == CaseState.NEW


def test_town_escalates_and_the_county_sends_it_to_the_department(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.town_a)
    town = login(people.town_staff)
    act(town, case, "sign")
    assert act(town, case, "escalate", note="需要县级部门").status_code == 302
    assert (reload(case).state, reload(case).desk_unit) == (CaseState.NEW, tree.county)
    act(
        login(people.dispatcher),
        case,
        "dispatch",
        lead_unit=tree.department.pk,
        co_units=[tree.town_a.pk],
        category=catalogue.roads.pk,
        priority="urgent",
    )
    case = reload(case)
    assert (case.lead_unit, case.priority) == (tree.department, "urgent")
    assert "co_opinion" in offered(town, case)
    assert act(town, case, "co_opinion", opinion="镇里配合施工").status_code == 302


def test_extension_urge_supervision_and_reply(tree: Tree, catalogue: Catalogue, people: People):
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    services.case_sign(actor=people.cadre, case_id=case.pk)
    cadre, dispatcher, supervisor = (
        login(people.cadre),
        login(people.dispatcher),
        login(people.supervisor),
    )
    assert act(cadre, case, "extension_request", days=3, reason="等配件").status_code == 302
    assert act(dispatcher, case, "extension_decide", approve="yes", note="").status_code == 302
    assert case.extensions.get().decision == Decision.APPROVED
    assert act(dispatcher, case, "urge", note="").status_code == 302
    assert "supervise" not in offered(dispatcher, case)
    assert act(supervisor, case, "supervise", instruction="三天内办结", days=3).status_code == 302
    order = case.supervision_orders.get()
    assert "supervision_answer" in offered(cadre, case)
    response = act(cadre, case, "supervision_answer", order=order.pk, answer="已安排")
    assert response.status_code == 302
    assert act(cadre, case, "reply", kind=ReplyKind.SOLVED, text="已修复").status_code == 302
    case = reload(case)
    assert (case.state, case.urge_count) == (CaseState.REPLIED, 1)


def test_merge_reject_publish_and_reopen(tree: Tree, catalogue: Catalogue, people: People):
    master, duplicate, nonsense = (web_case(tree, catalogue) for _ in range(3))
    dispatcher = login(people.dispatcher)
    assert act(dispatcher, duplicate, "merge", master="NOPE-1").status_code == 400
    assert act(dispatcher, duplicate, "merge", master=master.number).status_code == 302
    assert reload(duplicate).state == CaseState.MERGED
    assert act(dispatcher, nonsense, "reject", reason="不属于受理范围").status_code == 302
    services.case_dispatch(actor=people.dispatcher, case_id=master.pk, lead_unit=tree.village_a)
    services.case_sign(actor=people.cadre, case_id=master.pk)
    services.case_reply(actor=people.cadre, case_id=master.pk, kind=ReplyKind.SOLVED, text="好")
    services.case_rate(
        solved=True, number=master.number, token=master.tracking_token, rating=Rating.SATISFIED
    )
    draft = dispatcher.get(f"/workbench/cases/{master.pk}/").context["actions"][0].form.draft
    texts = {"publish-title": draft.title, "publish-text": draft.text, "publish-reply": draft.reply}
    assert act(dispatcher, master, "publish", **texts).status_code == 302
    assert reload(master).published_at is not None
    assert "reopen" not in offered(dispatcher, master)


def test_the_board_posts_back_to_where_it_came_from(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    client = login(people.dispatcher)
    response = act(client, case, "urge", note="", next="/workbench/supervision/")
    assert response["Location"] == "/workbench/supervision/"
    response = act(client, case, "urge", note="", next="https://elsewhere.example/")
    assert response["Location"] == f"/workbench/cases/{case.pk}/"


def test_an_unknown_action_is_not_found(tree: Tree, catalogue: Catalogue, people: People):
    case = web_case(tree, catalogue)
    assert act(login(people.dispatcher), case, "delete").status_code == 404


def test_a_transfer_names_a_new_lead_and_co_handling_units(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    client = login(people.dispatcher)
    response = act(
        client,
        case,
        "transfer",
        lead_unit=tree.department.pk,
        co_units=[tree.village_a.pk],
        note="需要部门牵头",
    )
    assert response.status_code == 302
    case = reload(case)
    assert case.lead_unit == tree.department
    active = {(a.unit_id, a.role) for a in case.assignments.filter(active=True)}
    assert active == {(tree.department.pk, "lead"), (tree.village_a.pk, "co")}
    # A co-handling unit the dispatcher may not choose is refused, naming the field.
    refused = act(
        client, case, "transfer", lead_unit=tree.department.pk, co_units=[999999], note="再转"
    )
    assert refused.status_code == 400
    transfer = next(a for a in refused.context["actions"] if a.name == "transfer")
    assert "co_units" in transfer.form.errors
    assert (
        act(
            login(people.outsider), case, "transfer", lead_unit=tree.department.pk, note="x"
        ).status_code
        == 404
    )


def test_the_desk_records_a_callback_once_for_an_unrated_answer(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    client = login(people.dispatcher)
    assert "callback" not in offered(client, case)  # never answered: nothing to ask about
    services.case_sign(actor=people.cadre, case_id=case.pk)
    services.case_reply(actor=people.cadre, case_id=case.pk, kind=ReplyKind.SOLVED, text="已修好")
    assert "callback" in offered(client, case)
    assert "callback" not in offered(login(people.cadre), case)
    refused = act(client, case, "callback", solved="perhaps", rating=Rating.SATISFIED)
    assert refused.status_code == 400
    response = act(client, case, "callback", solved="no", rating=Rating.BASICALLY, note="电话")
    assert response.status_code == 302
    assert reload(case).state == CaseState.CLOSED
    rating = reload(case).ratings.get()
    assert (rating.callback, rating.solved, rating.satisfaction) == (True, False, "basically")
    assert "callback" not in offered(client, case)
    assert (
        act(login(people.outsider), case, "callback", solved="yes", rating="satisfied").status_code
        == 404
    )

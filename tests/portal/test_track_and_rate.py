"""A requester follows their case with its number and tracking code, and rates the answer."""

from __future__ import annotations

import pytest

from sanfu.cases import services
from sanfu.cases.models import Case, CaseState, Rating, ReplyKind
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree, https_client

pytestmark = pytest.mark.django_db


def replied(tree: Tree, catalogue: Catalogue, people: People) -> Case:
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    services.case_sign(actor=people.cadre, case_id=case.pk)
    services.case_reply(
        actor=people.cadre, case_id=case.pk, kind=ReplyKind.SOLVED, text="已更换三盏路灯。"
    )
    return Case.objects.get(pk=case.pk)


def url(case: Case) -> str:
    return f"/track/{case.number}/{case.tracking_token}/"


def test_the_lookup_form_leads_to_the_case(tree: Tree, catalogue: Catalogue):
    case = web_case(tree, catalogue)
    response = https_client().get("/track/", {"number": case.number, "code": case.tracking_token})
    assert response.status_code == 302
    assert response["Location"] == url(case)


def test_a_wrong_code_finds_nothing(tree: Tree, catalogue: Catalogue):
    case = web_case(tree, catalogue)
    response = https_client().get("/track/", {"number": case.number, "code": "guess"})
    assert response.status_code == 404
    assert https_client().get(f"/track/{case.number}/guess/").status_code == 404


def test_the_case_page_says_who_has_it_without_personal_data(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    services.case_urge(actor=people.dispatcher, case_id=case.pk, note="内部催办意见")
    page = https_client().get(url(case)).content.decode()
    assert "上坪村" in page
    assert "待签收" in page  # the state, in Chinese by default
    # Staff-only steps and notes stay inside.
    assert "内部催办意见" not in page
    assert "dispatcher" not in page


def test_the_requester_rates_unsatisfied_and_the_case_goes_back(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = replied(tree, catalogue, people)
    page = https_client().get(url(case)).content.decode()
    assert "已更换三盏路灯。" in page
    assert 'data-testid="rate-form"' in page
    response = https_client().post(
        url(case), {"rating": Rating.UNSATISFIED, "solved": "no", "comment": "只修好了一盏"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.reopen_count) == (CaseState.ASSIGNED, 1)


def test_a_rating_needs_a_choice(tree: Tree, catalogue: Catalogue, people: People):
    case = replied(tree, catalogue, people)
    response = https_client().post(url(case), {"rating": "", "comment": ""})
    assert response.status_code == 400
    assert "rating" in response.context["form"].errors


def test_a_case_not_yet_answered_cannot_be_rated(tree: Tree, catalogue: Catalogue):
    case = web_case(tree, catalogue)
    assert 'data-testid="rate-form"' not in https_client().get(url(case)).content.decode()
    response = https_client().post(url(case), {"rating": Rating.SATISFIED, "solved": "yes"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    case.refresh_from_db()
    assert case.rating == ""

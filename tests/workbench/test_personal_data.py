"""Requesters' personal data: masked for everyone, shown on request to the handling chain
only, and every showing logged."""

from __future__ import annotations

from typing import Any

import pytest

from sanfu.cases import services
from sanfu.cases.models import PersonalDataAccess
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree, login

pytestmark = pytest.mark.django_db


def test_the_handling_chain_sees_masked_data_until_it_asks(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    client = login(people.dispatcher)
    page = client.get(f"/workbench/cases/{case.pk}/").content.decode()
    assert "13812345678" not in page
    assert "138****5678" in page
    assert "王**" in page
    assert 'data-testid="reveal"' in page
    assert not PersonalDataAccess.objects.exists()

    shown = client.post(f"/workbench/cases/{case.pk}/reveal/").content.decode()
    assert "13812345678" in shown
    assert "王建国" in shown
    view = PersonalDataAccess.objects.get()
    assert (view.user, view.case_id, view.via) == (people.dispatcher, case.pk, "workbench")
    # Only that response showed it; the next visit is masked again.
    assert "13812345678" not in client.get(f"/workbench/cases/{case.pk}/").content.decode()


def test_htmx_gets_only_the_contact_fragment(tree: Tree, catalogue: Catalogue, people: People):
    case = web_case(tree, catalogue)
    response = login(people.dispatcher).post(
        f"/workbench/cases/{case.pk}/reveal/", HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "13812345678" in body
    assert "<html" not in body


def test_staff_outside_the_chain_cannot_unmask(tree: Tree, catalogue: Catalogue, people: People):
    # Raised in village A's grid, dispatched to the department: village A's cadre sees the
    # case (it lies in their village) but is not handling it.
    case = web_case(tree, catalogue, category=catalogue.wages)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.department)
    cadre = login(people.cadre)
    page = cadre.get(f"/workbench/cases/{case.pk}/").content.decode()
    assert "13812345678" not in page
    assert 'data-testid="reveal"' not in page
    response = cadre.post(f"/workbench/cases/{case.pk}/reveal/")
    assert response.status_code == 403
    assert "13812345678" not in response.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_outside_the_chain_the_description_loses_phone_numbers(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(
        tree, catalogue, text="请联系我 13912345678，路灯坏了。", category=catalogue.wages
    )
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.department)
    page = login(people.cadre).get(f"/workbench/cases/{case.pk}/").content.decode()
    assert "13912345678" not in page
    handler = login(people.handler).get(f"/workbench/cases/{case.pk}/").content.decode()
    assert "13912345678" in handler


def test_the_outsider_cannot_unmask_what_they_cannot_see(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    assert login(people.outsider).post(f"/workbench/cases/{case.pk}/reveal/").status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_administrators_read_one_log_of_both_ways_in(
    tree: Tree, catalogue: Catalogue, people: People, administrator: Any
):
    """The workbench's unmasking and the API's read land in the same read-only admin list."""
    from sanfu.api.keys import staff_token_create
    from tests.conftest import https_client

    case = web_case(tree, catalogue)
    login(people.dispatcher).post(f"/workbench/cases/{case.pk}/reveal/")
    _row, token = staff_token_create(user=people.dispatcher, name="t")
    api = https_client().get(
        f"/api/cases/{case.pk}/requester", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert api.status_code == 200
    assert sorted(PersonalDataAccess.objects.values_list("via", flat=True)) == ["api", "workbench"]
    admin = login(administrator)
    listing = admin.get("/admin/cases/personaldataaccess/", {"via__exact": "api"})
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [PersonalDataAccess.objects.get(via="api")]
    entry = PersonalDataAccess.objects.get(via="api")
    assert admin.post(f"/admin/cases/personaldataaccess/{entry.pk}/delete/").status_code == 403
    assert login(people.outsider).get("/admin/cases/personaldataaccess/").status_code == 302

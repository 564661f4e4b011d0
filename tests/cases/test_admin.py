"""Administrators see cases in the admin, read-only and within their county."""

from __future__ import annotations

import pytest

from sanfu.directory.models import User
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree, login

pytestmark = pytest.mark.django_db


def test_the_administrator_looks_up_a_case_but_cannot_change_it(
    tree: Tree, catalogue: Catalogue, people: People, administrator: User
):
    case = web_case(tree, catalogue)
    client = login(administrator)
    listing = client.get("/admin/cases/case/")
    assert listing.status_code == 200
    assert case.number in listing.content.decode()
    page = client.get(f"/admin/cases/case/{case.pk}/change/")
    assert page.status_code == 200
    assert case.tracking_token not in page.content.decode()
    assert "13812345678" not in page.content.decode()
    response = client.post(f"/admin/cases/case/{case.pk}/change/", {"title": "changed"})
    assert response.status_code == 403


def test_staff_without_the_administrator_role_are_kept_out(
    tree: Tree, catalogue: Catalogue, people: People
):
    web_case(tree, catalogue)
    response = login(people.dispatcher).get("/admin/cases/case/")
    assert response.status_code == 302

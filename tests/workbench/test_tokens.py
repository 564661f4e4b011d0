"""A staff member's own staff-API tokens: created with the secret shown once, listed without
it, revoked; nobody revokes another person's token."""

from __future__ import annotations

import pytest

from sanfu.api.keys import staff_token_authenticate, staff_token_create
from sanfu.api.models import StaffToken
from tests.cases.conftest import People
from tests.conftest import Tree, https_client, login

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_log_in(tree: Tree):
    response = https_client().get("/workbench/tokens/")
    assert response.status_code == 302


def test_a_new_token_is_shown_once_and_works(tree: Tree, people: People):
    client = login(people.handler)
    created = client.post("/workbench/tokens/", {"name": "报表脚本", "expires_on": ""})
    assert created.status_code == 200
    secret = created.context["secret"]
    assert secret in created.content.decode()
    assert "no-cache" in created["Cache-Control"] or "no-store" in created["Cache-Control"]
    row = StaffToken.objects.get(user=people.handler)
    assert staff_token_authenticate(secret) == row
    listed = client.get("/workbench/tokens/")
    page = listed.content.decode()
    assert "报表脚本" in page
    assert row.token_prefix in page
    assert secret not in page


def test_it_refuses_a_nameless_token_or_a_past_expiry(tree: Tree, people: People):
    client = login(people.handler)
    nameless = client.post("/workbench/tokens/", {"name": "  "})
    assert nameless.status_code == 400
    assert "name" in nameless.context["form"].errors
    past = client.post("/workbench/tokens/", {"name": "旧的", "expires_on": "2020-01-01"})
    assert past.status_code == 400
    assert "expires_on" in past.context["form"].errors
    assert not StaffToken.objects.exists()


def test_revoking_stops_the_token_and_only_its_owner_may(tree: Tree, people: People):
    row, secret = staff_token_create(user=people.handler, name="同步")
    outsider = login(people.outsider).post(f"/workbench/tokens/{row.pk}/revoke/")
    assert outsider.status_code == 404
    assert staff_token_authenticate(secret) is not None
    mine = login(people.handler).post(f"/workbench/tokens/{row.pk}/revoke/")
    assert mine.status_code == 302
    assert staff_token_authenticate(secret) is None
    assert "同步" not in login(people.outsider).get("/workbench/tokens/").content.decode()

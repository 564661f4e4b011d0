"""Policies and the service menu in the admin: administrators by role, policies within the
issuing unit's scope, the menu approved by county staff only; bad input names the field."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from sanfu.directory import services as directory
from sanfu.directory.models import StaffRole, UnitKind, User
from sanfu.enterprise.models import Offer, Policy, Provider
from sanfu.enterprise.services import menu
from tests.conftest import Tree, login, make_staff
from tests.enterprise.conftest import World

POLICIES = "/admin/enterprise/policy/"
PROVIDERS = "/admin/enterprise/provider/"


def _policy_form(tree: Tree, **changes: Any) -> dict[str, Any]:
    data = {
        "code": "NEW-1",
        "name": "规上企业奖励",
        "issuing_unit": str(tree.department.pk),
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "facts_year": "2025",
        "industries": ["manufacturing"],
        "sizes": ["small"],
        "towns": [str(tree.town_a.pk)],
        "min_revenue": "",
        "max_revenue": "",
        "min_employees": "10",
        "max_employees": "",
        "tax_grades": ["A"],
        "benefit_kind": "award",
        "benefit_text": "奖励5万元",
        "amount": "50000",
        "active": "on",
    }
    data.update(changes)
    return data


@pytest.fixture
def other_county_admin(tree: Tree) -> User:
    county = directory.unit_create(kind=UnitKind.COUNTY, name="云山县", code="YS", parent=None)
    return make_staff("ys-admin", county, StaffRole.ADMINISTRATOR)


def test_an_administrator_adds_a_policy_and_bad_input_names_the_field_and_keeps_the_rest(
    world: World, tree: Tree, administrator: User
) -> None:
    client = login(administrator)
    bad = client.post(f"{POLICIES}add/", _policy_form(tree, ends_on="2025-12-31"))
    assert bad.status_code == 200
    assert list(bad.context["adminform"].form.errors) == ["ends_on"]
    html = bad.content.decode()
    assert 'value="规上企业奖励"' in html
    assert 'value="奖励5万元"' in html
    inverted = client.post(
        f"{POLICIES}add/", _policy_form(tree, min_employees="50", max_employees="10")
    )
    assert list(inverted.context["adminform"].form.errors) == ["max_employees"]
    taken = client.post(f"{POLICIES}add/", _policy_form(tree, code="SME-1"))
    assert list(taken.context["adminform"].form.errors) == ["code"]
    good = client.post(f"{POLICIES}add/", _policy_form(tree))
    assert good.status_code == 302
    policy = Policy.objects.get(code="NEW-1")
    assert (policy.industries, policy.sizes, policy.tax_grades) == (
        ["manufacturing"],
        ["small"],
        ["A"],
    )
    assert list(policy.towns.all()) == [tree.town_a]


def test_the_issuing_county_changes_its_policy(
    world: World, tree: Tree, administrator: User
) -> None:
    client = login(administrator)
    policy = world.sme
    changed = client.post(
        f"{POLICIES}{policy.pk}/change/",
        _policy_form(tree, code="SME-1", name="小微制造企业减税（延续）", towns=[]),
    )
    assert changed.status_code == 302
    policy.refresh_from_db()
    assert policy.name == "小微制造企业减税（延续）"
    assert list(policy.towns.all()) == []
    assert client.get(f"{POLICIES}{policy.pk}/delete/").status_code == 403


def test_another_countys_administrator_sees_and_issues_nothing_of_this_county(
    world: World, tree: Tree, other_county_admin: User
) -> None:
    client = login(other_county_admin)
    assert "SME-1" not in client.get(POLICIES).content.decode()
    assert client.get(f"{POLICIES}{world.sme.pk}/change/").status_code == 302
    posted = client.post(f"{POLICIES}{world.sme.pk}/change/", _policy_form(tree, code="SME-1"))
    assert posted.status_code == 302
    world.sme.refresh_from_db()
    assert world.sme.name == "小微制造企业减税"
    borrowed = client.post(f"{POLICIES}add/", _policy_form(tree))
    assert list(borrowed.context["adminform"].form.errors) == ["issuing_unit"]
    assert not Policy.objects.filter(code="NEW-1").exists()


def test_county_staff_approve_a_provider_and_its_offers_in_the_admin(
    world: World, administrator: User
) -> None:
    account = make_staff("bank")
    client = login(administrator)
    added = client.post(
        f"{PROVIDERS}add/",
        {
            "county": str(world.county.pk),
            "name": "云溪农商银行",
            "kind": "bank",
            "phone": "",
            "account": str(account.pk),
            "offers-TOTAL_FORMS": "0",
            "offers-INITIAL_FORMS": "0",
        },
    )
    assert added.status_code == 302
    provider = Provider.objects.get()
    offer = menu.offer_create(actor=account, category="legal", title="合同审查", answer_days=3)
    for action in ("approve_providers", "approve_offers"):
        response = client.post(
            PROVIDERS, {"action": action, "_selected_action": [str(provider.pk)]}
        )
        assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.approved_at is not None
    assert Offer.objects.get(pk=offer.pk).approved_at is not None
    assert client.get(f"{PROVIDERS}{provider.pk}/delete/").status_code == 403


def test_a_superuser_administers_the_menu_and_the_outsider_is_kept_out(
    world: World, outsider: User
) -> None:
    root = User.objects.create_superuser(username="root", password="x" * 20)
    provider = menu.provider_create(
        county=world.county, name="云溪农商银行", kind="bank", account=make_staff("bank")
    )
    client = login(root)
    assert client.get(f"{PROVIDERS}add/").status_code == 200
    client.post(PROVIDERS, {"action": "approve_providers", "_selected_action": [str(provider.pk)]})
    provider.refresh_from_db()
    assert provider.approved_at is not None
    for page in (POLICIES, PROVIDERS, reverse("admin:index")):
        assert login(outsider).get(page).status_code == 302

"""Enterprises and residents: validated identifiers, derived facts, nothing half-written."""

from __future__ import annotations

import datetime

import pytest

from sanfu.directory import services
from sanfu.directory.models import Enterprise, Resident, Sex, User
from sanfu.lib.errors import ValidationFailed
from sanfu.lib.idnumber import id_number_check_char
from tests.conftest import Tree, login
from tests.factories import make_enterprise, valid_credit_code, valid_id_number

pytestmark = pytest.mark.django_db


def test_birth_date_and_sex_come_from_the_id_number(tree: Tree):
    number = valid_id_number(birth="19560317", sequence=124)
    resident, warnings = services.resident_create(
        name="李秀英", id_number=number, village=tree.village_a
    )
    assert resident.birth_date == datetime.date(1956, 3, 17)
    assert resident.sex == Sex.FEMALE
    assert warnings == ()


def test_an_unknown_region_code_only_warns(tree: Tree):
    first17 = "00999919800101123"  # no province has the code 00
    resident, warnings = services.resident_create(
        name="张三", id_number=first17 + id_number_check_char(first17), village=tree.village_a
    )
    assert resident.pk is not None
    assert len(warnings) == 1


@pytest.mark.parametrize(
    "bad",
    [
        "33029919800101123",  # 17 characters
        "3302991980010112A4",  # a letter inside
        "330299198002301234",  # 30 February
        "330299198001011230",  # wrong check digit (the right one is computed below)
    ],
)
def test_it_refuses_a_bad_id_number_and_writes_nothing(tree: Tree, bad: str):
    if bad.endswith("1230"):
        good = valid_id_number(birth="19800101", sequence=123)
        bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationFailed) as refused:
        services.resident_create(name="王五", id_number=bad, village=tree.village_a)
    assert refused.value.field == "id_number"
    assert not Resident.objects.exists()


def test_it_refuses_a_resident_placed_at_a_town(tree: Tree):
    with pytest.raises(ValidationFailed) as refused:
        services.resident_create(name="王五", id_number=valid_id_number(), village=tree.town_a)
    assert refused.value.field == "village"


def test_it_refuses_a_second_resident_with_the_same_id_number(tree: Tree):
    number = valid_id_number()
    services.resident_create(name="王五", id_number=number, village=tree.village_a)
    with pytest.raises(ValidationFailed) as refused:
        services.resident_create(name="王六", id_number=number.lower(), village=tree.village_b)
    assert refused.value.field == "id_number"
    assert Resident.objects.count() == 1


def test_it_refuses_a_bad_credit_code(tree: Tree):
    code = valid_credit_code()
    wrong = code[:-1] + ("1" if code[-1] != "1" else "2")
    with pytest.raises(ValidationFailed) as refused:
        services.enterprise_create(name="某公司", credit_code=wrong, town=tree.town_a)
    assert refused.value.field == "credit_code"
    assert not Enterprise.objects.exists()


def test_it_refuses_an_enterprise_in_a_village_of_another_town(tree: Tree):
    with pytest.raises(ValidationFailed) as refused:
        make_enterprise(town=tree.town_a, village=tree.village_b)
    assert refused.value.field == "village"


def test_the_admin_names_the_field_and_keeps_the_data(tree: Tree, administrator: User):
    client = login(administrator)
    good = valid_id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client.post(
        "/admin/directory/resident/add/",
        {"name": "赵六", "id_number": bad, "village": tree.village_a.pk, "relation": "head"},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["id_number"]
    assert not Resident.objects.exists()
    response = client.post(
        "/admin/directory/resident/add/",
        {"name": "赵六", "id_number": good, "village": tree.village_a.pk, "relation": "head"},
    )
    assert response.status_code == 302
    assert Resident.objects.get().birth_date == datetime.date(1980, 1, 1)


def test_the_admin_refuses_a_role_at_the_wrong_kind_of_unit(tree: Tree, administrator: User):
    client = login(administrator)
    user = User.objects.create_user(username="new-grid", password="x-long-enough-1")
    response = client.post(
        f"/admin/directory/user/{user.pk}/change/",
        {
            "username": "new-grid",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-unit": tree.town_a.pk,
            "memberships-0-role": "grid_worker",
        },
    )
    assert response.status_code == 200
    assert not user.memberships.exists()
    response = client.post(
        f"/admin/directory/user/{user.pk}/change/",
        {
            "username": "new-grid",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-unit": tree.grid_a.pk,
            "memberships-0-role": "grid_worker",
        },
    )
    assert response.status_code == 302
    assert user.memberships.get().unit == tree.grid_a

"""`sanfu seed demo`: the demo county, loaded once, all or nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from sanfu.directory.models import (
    Enterprise,
    Household,
    Membership,
    Resident,
    StaffRole,
    Unit,
    UnitKind,
    User,
)
from sanfu.lib.idnumber import is_valid_id_number
from sanfu.lib.uscc import is_valid_credit_code
from sanfu.ops.demo.plan import demo_plan

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed", "demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, object]:
    return {
        "units": list(Unit.objects.order_by("code").values_list("code", "name", "path")),
        "enterprises": Enterprise.objects.count(),
        "households": Household.objects.count(),
        "residents": sorted(Resident.objects.values_list("id_number", flat=True)),
        "staff": sorted(User.objects.values_list("username", "password")),
        "roles": Membership.objects.count(),
    }


def test_it_loads_the_demo_county_once_and_a_second_run_changes_nothing():
    first = seed("--password", "demo-pass-123")
    kinds = {kind: Unit.objects.filter(kind=kind).count() for kind in UnitKind.values}
    assert kinds[UnitKind.COUNTY] == 1
    assert kinds[UnitKind.TOWN] + kinds[UnitKind.STREET] == 10
    assert 110 <= kinds[UnitKind.VILLAGE] + kinds[UnitKind.COMMUNITY] <= 130
    assert 550 <= kinds[UnitKind.GRID] <= 650
    assert kinds[UnitKind.DEPARTMENT] == 39
    assert 180 <= kinds[UnitKind.SOCIAL_ORG] <= 220
    assert 1900 <= Enterprise.objects.count() <= 2100
    assert 19000 <= Resident.objects.count() <= 21000
    assert set(Membership.objects.values_list("role", flat=True)) == set(StaffRole.values)
    assert str(Resident.objects.count()) in first

    before = snapshot()
    second = seed("--password", "another-password")
    assert snapshot() == before
    assert second.strip().startswith(first.strip())
    assert second.strip() != first.strip()  # it says that nothing changed


def test_the_demo_data_is_valid_and_reads_naturally():
    seed("--password", "demo-pass-123")
    sample = list(Resident.objects.order_by("?")[:500].values_list("name", "id_number"))
    assert all(is_valid_id_number(number) for _name, number in sample)
    assert all(2 <= len(name) <= 4 for name, _number in sample)
    assert all(
        is_valid_credit_code(code)
        for code in Enterprise.objects.values_list("credit_code", flat=True)
    )
    admin = User.objects.get(username="demo-admin")
    assert admin.check_password("demo-pass-123")
    assert admin.is_staff
    assert Unit.objects.visible_to(admin).count() == Unit.objects.count()


def test_the_plan_is_the_same_every_time():
    assert demo_plan() == demo_plan()


def test_a_failed_load_leaves_nothing_behind():
    User.objects.create_user(username="demo-grid", password="x")
    with pytest.raises(CommandError) as failed:
        seed("--password", "demo-pass-123")
    assert "demo-grid" in str(failed.value)
    assert not Unit.objects.exists()
    assert not Resident.objects.exists()
    assert User.objects.count() == 1


def test_it_refuses_an_empty_password():
    with pytest.raises(CommandError):
        seed("--password", " ")
    assert not Unit.objects.exists()

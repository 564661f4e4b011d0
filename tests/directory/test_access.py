"""The access choke point: each branch of the rule, with an outsider who must be refused."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from sanfu.directory import selectors, services
from sanfu.directory.models import Enterprise, Household, Resident, StaffRole, Unit, User
from sanfu.lib.errors import NotFound
from tests.conftest import Tree, https_client, login, make_staff
from tests.factories import make_enterprise, make_resident

pytestmark = pytest.mark.django_db


def names(queryset: object) -> set[str]:
    return {str(row) for row in queryset}  # type: ignore[attr-defined]


def test_town_staff_see_their_town_and_everything_under_it(tree: Tree, town_staff: User):
    assert names(Unit.objects.visible_to(town_staff)) == {"石门镇", "上坪村", "上坪村第一网格"}


def test_grid_worker_sees_only_their_grid(tree: Tree, grid_worker: User):
    assert names(Unit.objects.visible_to(grid_worker)) == {"上坪村第一网格"}


def test_outsider_sees_nothing_of_a_sibling_town(tree: Tree, outsider: User):
    visible = names(Unit.objects.visible_to(outsider))
    assert visible == {"白岩镇", "下湾村"}
    with pytest.raises(NotFound):
        selectors.unit_get_for_user(user=outsider, unit_id=tree.town_a.pk)
    with pytest.raises(NotFound):
        selectors.unit_get_for_user(user=outsider, unit_id=tree.village_a.pk)


def test_county_administrator_sees_the_whole_county(tree: Tree, administrator: User):
    assert Unit.objects.visible_to(administrator).count() == Unit.objects.count()


def test_department_handler_sees_only_their_department(tree: Tree, handler: User):
    assert names(Unit.objects.visible_to(handler)) == {"县住房和城乡建设局"}


def test_anonymous_inactive_and_roleless_accounts_see_nothing(tree: Tree):
    inactive = make_staff("gone", tree.county, StaffRole.LEADER)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    roleless = make_staff("nobody")
    for user in (AnonymousUser(), inactive, roleless):
        assert not Unit.objects.visible_to(user).exists()
        assert not Resident.objects.visible_to(user).exists()


def test_a_role_at_a_deactivated_unit_grants_nothing(tree: Tree):
    user = make_staff("village-b", tree.village_b, StaffRole.VILLAGE_CADRE)
    services.unit_update(
        unit=tree.village_b, name="下湾村", code="YX02001", parent=tree.town_b, is_active=False
    )
    assert not Unit.objects.visible_to(User.objects.get(pk=user.pk)).exists()


def test_superuser_sees_everything(tree: Tree):
    root = User.objects.create_superuser(username="root", password="x")
    assert Unit.objects.visible_to(root).count() == Unit.objects.count()


def test_roles_at_several_units_add_up(tree: Tree):
    user = make_staff("two-hats", tree.grid_a, StaffRole.GRID_WORKER)
    services.membership_grant(user=user, unit=tree.village_b, role=StaffRole.VILLAGE_CADRE)
    assert names(Unit.objects.visible_to(user)) == {"上坪村第一网格", "下湾村"}


def test_residents_households_and_enterprises_follow_the_same_rule(
    tree: Tree, town_staff: User, outsider: User, grid_worker: User
):
    resident = make_resident(village=tree.village_a, grid=tree.grid_a)
    enterprise = make_enterprise(town=tree.town_a, village=tree.village_a)
    assert list(Resident.objects.visible_to(town_staff)) == [resident]
    assert list(Resident.objects.visible_to(grid_worker)) == [resident]
    assert list(Household.objects.visible_to(grid_worker)) == [resident.household]
    assert list(Enterprise.objects.visible_to(town_staff)) == [enterprise]
    assert not Resident.objects.visible_to(outsider).exists()
    assert not Household.objects.visible_to(outsider).exists()
    assert not Enterprise.objects.visible_to(outsider).exists()
    with pytest.raises(NotFound):
        selectors.resident_get_for_user(user=outsider, resident_id=resident.pk)
    with pytest.raises(NotFound):
        selectors.enterprise_get_for_user(user=outsider, enterprise_id=enterprise.pk)
    assert selectors.resident_get_for_user(user=grid_worker, resident_id=resident.pk) == resident


def test_outsider_gets_404_for_another_towns_unit_page(tree: Tree, outsider: User):
    response = login(outsider).get(f"/directory/units/{tree.village_a.pk}/")
    assert response.status_code == 404
    tree_page = login(outsider).get("/directory/").content.decode()
    assert "白岩镇" in tree_page
    assert "石门镇" not in tree_page


def test_town_staff_open_their_villages_page(tree: Tree, town_staff: User):
    make_resident(village=tree.village_a, grid=tree.grid_a)
    response = login(town_staff).get(f"/directory/units/{tree.village_a.pk}/")
    assert response.status_code == 200
    assert "上坪村第一网格" in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(tree: Tree):
    response = https_client().get(f"/directory/units/{tree.town_a.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_role_granted_or_revoked_is_seen_on_the_same_user_object(tree: Tree) -> None:
    # The scope is cached on the user object for a request; changing roles must drop it, or a
    # revoked role would keep showing its units until the next request.
    user = make_staff("changing")
    assert list(Unit.objects.visible_to(user)) == []
    membership = services.membership_grant(
        user=user, unit=tree.village_b, role=StaffRole.VILLAGE_CADRE
    )
    assert set(Unit.objects.visible_to(user)) == {tree.village_b}
    services.membership_revoke(membership=membership)
    assert list(Unit.objects.visible_to(user)) == []

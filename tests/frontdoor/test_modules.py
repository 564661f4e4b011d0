"""Town modules: a case dispatched to a town lands in the module its category is mapped to."""

from __future__ import annotations

import pytest

from sanfu.cases.models import Category, Channel
from sanfu.cases.selectors import queues_for_user
from sanfu.cases.services import NewCase, case_create, case_dispatch
from sanfu.directory import services
from sanfu.directory.models import StaffRole, Unit, UnitKind, User
from sanfu.frontdoor import modules
from sanfu.lib.errors import ValidationFailed
from tests.conftest import Tree, login, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def categories() -> dict[str, Category]:
    building = Category.objects.create(code="C01", name="城乡建设", level=1)
    roads = Category.objects.create(code="C0101", name="道路", level=2, parent=building)
    lights = Category.objects.create(code="C010101", name="路灯", level=3, parent=roads)
    labour = Category.objects.create(code="C02", name="劳动和社会保障", level=1)
    return {"building": building, "roads": roads, "lights": lights, "labour": labour}


@pytest.fixture
def governance(tree: Tree) -> Unit:
    return services.unit_create(
        kind=UnitKind.MODULE, name="基层治理模块", code="YX01M2", parent=tree.town_a
    )


def _case_to_town(tree: Tree, category: Category, dispatcher: User) -> int:
    case = case_create(
        new=NewCase(
            channel=Channel.WEB,
            title="路灯不亮",
            text="村口路灯坏了。",
            location_unit=tree.village_a,
            category=category,
        )
    )
    return case_dispatch(actor=dispatcher, case_id=case.pk, lead_unit=tree.town_a).lead_unit_id or 0


def test_a_case_dispatched_to_the_town_lands_in_the_mapped_modules_queue(
    tree: Tree, categories: dict[str, Category], governance: Unit
) -> None:
    dispatcher = make_staff("dispatcher", tree.county, StaffRole.DISPATCHER)
    member = make_staff("module-staff", governance, StaffRole.TOWN_STAFF)
    modules.module_map(town=tree.town_a, category=categories["building"], module=governance)
    assert _case_to_town(tree, categories["lights"], dispatcher) == governance.pk
    assert queues_for_user(user=member).to_sign.count() == 1
    # An unmapped category stays with the town itself.
    assert _case_to_town(tree, categories["labour"], dispatcher) == tree.town_a.pk


def test_the_modules_page_lists_unmapped_fields_and_counts(
    tree: Tree, categories: dict[str, Category], governance: Unit, town_staff: User
) -> None:
    client = login(town_staff)
    page = f"/frontdoor/modules/{tree.town_a.pk}/"
    assert (
        client.post(page, {"category": categories["roads"].pk, "module": governance.pk}).status_code
        == 302
    )
    body = client.get(page).content.decode()
    assert "基层治理模块" in body
    unmapped = body.split('data-testid="unmapped"')[1].split("</ul>")[0]
    assert "劳动和社会保障" in unmapped
    assert "城乡建设" not in unmapped  # partly mapped: its unmapped parts are listed instead
    assert "道路" not in unmapped


def test_a_module_of_another_town_is_refused(
    tree: Tree, categories: dict[str, Category], governance: Unit
) -> None:
    with pytest.raises(ValidationFailed):
        modules.module_map(town=tree.town_b, category=categories["roads"], module=governance)


def test_the_outsider_cannot_open_the_towns_modules(tree: Tree, outsider: User) -> None:
    assert login(outsider).get(f"/frontdoor/modules/{tree.town_a.pk}/").status_code == 404

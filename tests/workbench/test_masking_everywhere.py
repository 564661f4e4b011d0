"""One masking rule per kind of value: the workbench, the staff API and published text show
the same awkward values the same way (sanfu.lib.masking)."""

from __future__ import annotations

import re

import pytest

from sanfu.cases.models import Case
from sanfu.lib.anonymise import anonymise
from sanfu.lib.masking import mask_id, mask_name, mask_phone
from tests.api.conftest import staff
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree, login

pytestmark = pytest.mark.django_db

# Values as older systems and hand-typed forms hold them.
AWKWARD = [
    # (name, phone, ID number)
    ("王 小明", "5551234", "33022519800101123X"),
    ("John Smith", "１３８１２３４５６７８", "330225800101123"),
    ("欧阳  娜娜", "0571-88886666", "３３０２２５１９８００１０１１２３Ｘ"),
    ("李", "138 1234 5678", "12345"),
]


def test_the_rules_on_their_own() -> None:
    assert mask_name("王 小明") == "王**"
    assert mask_name("John Smith") == "J********"
    assert mask_name("李") == "*"
    assert mask_phone("5551234") == "*******"
    assert mask_phone("１３８１２３４５６７８") == "138****5678"
    assert mask_phone("0571-88886666") == "057*****6666"
    assert mask_id("３３０２２５１９８００１０１１２３Ｘ") == "330225********123X"
    assert mask_id("330225800101123") == "330225*****1123"
    assert mask_id("12345") == "*****"


def _workbench_contact(page: str) -> tuple[str, str, str]:
    def field(testid: str) -> str:
        found = re.search(rf'data-testid="{testid}">([^<]*)<', page)
        assert found, testid
        return found.group(1)

    return field("requester-name"), field("requester-phone"), field("requester-id")


@pytest.mark.parametrize(("name", "phone", "id_number"), AWKWARD)
def test_every_surface_masks_alike(
    tree: Tree, catalogue: Catalogue, people: People, name: str, phone: str, id_number: str
) -> None:
    case = web_case(tree, catalogue, text=f"{name}反映：村口路灯坏了。")
    Case.objects.filter(pk=case.pk).update(
        requester_name=name, requester_phone=phone, requester_id_number=id_number
    )
    expected = (mask_name(name), mask_phone(phone), mask_id(id_number))
    # No surface shows a digit of a short number or more than a phone's 3 + 4 digits.
    assert sum(c.isdigit() for c in expected[1]) <= 7

    page = login(people.dispatcher).get(f"/workbench/cases/{case.pk}/").content.decode()
    assert _workbench_contact(page) == expected

    detail = staff(people.dispatcher).get(f"/api/cases/{case.pk}").json()
    assert (detail["requester"]["name"], detail["requester"]["phone"]) == expected[:2]

    published = anonymise(f"{name}反映：村口路灯坏了。", names=[name])
    assert expected[0] in published or len(name.strip()) < 2

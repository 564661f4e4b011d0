"""The case page holds several action forms with the same field names: every element id on it
must still be unique, so each label points at its own field."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from sanfu.cases import services
from sanfu.cases.models import Case
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree, login

pytestmark = pytest.mark.django_db

ID = re.compile(r'\sid="([^"]+)"')


def repeated_ids(html: str) -> list[str]:
    return [value for value, count in Counter(ID.findall(html)).items() if count > 1]


def test_no_element_id_appears_twice_for_the_dispatcher_or_the_town(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    page = login(people.dispatcher).get(f"/workbench/cases/{case.pk}/").content.decode()
    assert 'id="id_dispatch_category"' in page
    assert 'id="id_accept_category"' in page
    assert 'for="id_dispatch_note"' in page
    assert repeated_ids(page) == []

    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    services.case_escalate(actor=people.cadre, case_id=case.pk, note="村里解决不了")
    town = login(people.town_staff)
    page = town.get(f"/workbench/cases/{Case.objects.get(pk=case.pk).pk}/").content.decode()
    assert 'id="id_take_on_note"' in page
    assert 'id="id_escalate_note"' in page
    assert repeated_ids(page) == []


def test_a_refused_form_keeps_its_ids_and_its_values(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    response = login(people.dispatcher).post(
        f"/workbench/cases/{case.pk}/do/reject/", {"reason": "  "}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_reject_reason"' in page
    assert repeated_ids(page) == []

"""A village escalates; the town, on a phone, keeps the case (本级自办) and answers it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sanfu.cases import services
from sanfu.cases.models import Case, CaseState
from tests.browser.conftest import Opener
from tests.browser.helpers import fits_the_phone, log_in, open_action, overflowing, submit_action
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_town_takes_on_what_the_village_escalated_from_a_phone(
    open_page: Opener, tree: Tree, catalogue: Catalogue, people: People
) -> None:
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    services.case_escalate(actor=people.cadre, case_id=case.pk, note="涉及跨村道路，村里修不了")

    town = open_page()
    log_in(town, people.town_staff, next_url=f"/workbench/cases/{case.pk}/")
    assert fits_the_phone(town), overflowing(town)
    expect(town.locator("details[data-action=escalate]")).to_have_count(1)
    open_action(town, "take_on")
    town.locator("label[for=id_take_on_note]").click()  # the label reaches its own field
    town.keyboard.type("镇里统一修复")
    submit_action(town, "take_on")
    expect(town.get_by_test_id("timeline")).to_contain_text("本级自办")
    open_action(town, "reply")
    town.locator("details[data-action=reply] input[value=solved]").check()
    town.locator("details[data-action=reply] textarea[name=text]").fill("镇里已修复村口道路。")
    submit_action(town, "reply")

    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.reply_unit) == (CaseState.REPLIED, tree.town_a)
    assert case.events.get(data__taken_on=True).note == "镇里统一修复"

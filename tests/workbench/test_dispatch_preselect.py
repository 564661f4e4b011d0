"""The dispatch form starts on the lead unit the case page's routing box names, so the two never
disagree; the catalogue's unit when routing names none the dispatcher may choose."""

from __future__ import annotations

import pytest
from django.test import Client

from sanfu.cases import queue
from sanfu.cases.models import Case, Category
from sanfu.directory.models import Unit
from sanfu.routing.models import Rule
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree, login

pytestmark = pytest.mark.django_db


def town_only(catalogue: Catalogue) -> None:
    """Wages may not be handled in a village: the catalogue alone says the town."""
    Category.objects.filter(pk=catalogue.wages.pk).update(village_level_ok=False)


def dispatch_start(client: Client, case: Case) -> tuple[Unit | None, str]:
    page = client.get(f"/workbench/cases/{case.pk}/")
    assert page.status_code == 200
    form = next(a.form for a in page.context["actions"] if a.name == "dispatch")
    hint = page.content.decode().split('data-testid="suggested-lead-unit">', 1)[1]
    return form.initial["lead_unit"], hint.split("</p>", 1)[0]


def test_the_form_starts_on_the_unit_the_routing_box_names(
    tree: Tree, catalogue: Catalogue, people: People
):
    town_only(catalogue)
    Rule.objects.create(keywords="路灯", category=catalogue.roads, lead_unit=tree.village_a)
    case = web_case(tree, catalogue, category=catalogue.wages)
    queue.work()  # the background worker routes it, as beside the server
    client = login(people.dispatcher)
    panel = client.get(f"/workbench/cases/{case.pk}/routing/").content.decode()
    assert f'data-suggested-unit="{tree.village_a.pk}"' in panel
    unit, hint = dispatch_start(client, case)
    assert unit == tree.village_a
    assert "智能分拨" in hint


def test_the_catalogue_decides_when_routing_names_a_unit_out_of_reach(
    tree: Tree, catalogue: Catalogue, people: People
):
    town_only(catalogue)
    # Grids are never dispatch targets: a case goes to the village, whose cadres pass it on.
    Rule.objects.create(keywords="路灯", category=catalogue.roads, lead_unit=tree.grid_a)
    case = web_case(tree, catalogue, category=catalogue.wages)
    queue.work()  # the background worker routes it, as beside the server
    unit, hint = dispatch_start(login(people.dispatcher), case)
    assert unit == tree.town_a
    assert "服务目录" in hint


def test_the_box_shows_a_dispatcher_the_unit_the_form_starts_on(
    tree: Tree, catalogue: Catalogue, people: People
):
    # Without a rule or a model, routing guessed from the place alone (the town); the case's
    # own category may be handled in its village, which is where the form starts.
    case = web_case(tree, catalogue)
    queue.work()  # the background worker routes it, as beside the server
    client = login(people.dispatcher)
    unit, _ = dispatch_start(client, case)
    assert unit == tree.village_a
    panel = client.get(f"/workbench/cases/{case.pk}/routing/").content.decode()
    assert f'data-suggested-unit="{tree.village_a.pk}"' in panel
    assert f'data-suggested-unit="{tree.town_a.pk}"' not in panel


def test_one_who_may_not_dispatch_sees_the_recorded_suggestion(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    queue.work()  # the background worker routes it, as beside the server
    panel = login(people.supervisor).get(f"/workbench/cases/{case.pk}/routing/")
    assert panel.status_code == 200
    assert f'data-suggested-unit="{tree.town_a.pk}"' in panel.content.decode()

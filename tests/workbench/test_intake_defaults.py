"""The intake form starts where the person works and how they usually take cases down."""

from __future__ import annotations

import pytest

from sanfu.cases.models import Channel
from sanfu.directory import services
from sanfu.directory.models import StaffRole, UnitKind
from tests.cases.conftest import Catalogue, People
from tests.conftest import Tree, login

pytestmark = pytest.mark.django_db


def initial(user: object) -> tuple[object, object]:
    form = login(user).get("/workbench/intake/").context["form"]  # type: ignore[arg-type]
    return form["location_unit"].value(), form["channel"].value()


def test_a_grid_worker_starts_at_their_grid_on_patrol(
    tree: Tree, catalogue: Catalogue, people: People
):
    assert initial(people.grid_worker) == (tree.grid_a.pk, Channel.PATROL)


def test_a_village_cadre_starts_at_their_village_on_a_visit(
    tree: Tree, catalogue: Catalogue, people: People
):
    assert initial(people.cadre) == (tree.village_a.pk, Channel.VISIT)


def test_the_dispatch_centre_starts_with_no_place_and_the_hotline(
    tree: Tree, catalogue: Catalogue, people: People
):
    location, channel = initial(people.dispatcher)
    assert location is None
    assert channel is None  # so the browser shows the list's first choice
    form = login(people.dispatcher).get("/workbench/intake/").context["form"]
    assert form.fields["channel"].choices[0][0] == Channel.HOTLINE


def test_two_places_or_two_habits_leave_the_choice_open(
    tree: Tree, catalogue: Catalogue, people: People
):
    grid_b = services.unit_create(
        kind=UnitKind.GRID, name="下湾村第一网格", code="YX0200101", parent=tree.village_b
    )
    services.membership_grant(user=people.grid_worker, unit=grid_b, role=StaffRole.GRID_WORKER)
    assert initial(people.grid_worker) == (None, Channel.PATROL)
    services.membership_grant(user=people.cadre, unit=tree.grid_a, role=StaffRole.GRID_WORKER)
    location, channel = initial(people.cadre)
    assert channel is None
    assert location is None

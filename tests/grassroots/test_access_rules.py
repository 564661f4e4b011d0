"""Every branch of the grassroots access rules, each with someone refused (the coverage check
holds policies and querysets at 100%)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from sanfu.directory.models import User
from sanfu.grassroots import services
from sanfu.grassroots.models import BurdenDemand, BurdenKind, Frequency, Meeting, Outcome, Problem
from sanfu.grassroots.policies import department_actor, is_county_office, village_actor
from sanfu.lib.errors import PermissionDenied
from tests.cases.conftest import People
from tests.conftest import Tree, make_staff
from tests.grassroots.conftest import Office

pytestmark = pytest.mark.django_db


def test_meetings_are_held_in_villages_and_demands_made_by_departments(
    tree: Tree, people: People
) -> None:
    assert village_actor(people.town_staff, tree.village_a) == tree.town_a
    with pytest.raises(PermissionDenied):
        village_actor(people.town_staff, tree.town_a)
    assert department_actor(people.handler, tree.department) == tree.department
    with pytest.raises(PermissionDenied):
        department_actor(people.town_staff, tree.town_a)


def test_a_disabled_leader_is_not_the_county_office(tree: Tree, office: Office) -> None:
    assert is_county_office(office.leader, tree.county)
    office.leader.is_active = False
    assert not is_county_office(office.leader, tree.county)


def test_problems_are_seen_in_the_villages_subtree_only(
    tree: Tree, people: People, meeting: Meeting
) -> None:
    services.problem_record(
        actor=people.cadre,
        meeting=meeting,
        new=services.NewProblem(
            text="路灯不亮", outcome=Outcome.ON_THE_SPOT, solved_by="村委", solution="已换灯泡"
        ),
    )
    assert Problem.objects.visible_to(people.town_staff).count() == 1
    assert not Problem.objects.visible_to(people.outsider).exists()
    assert not Problem.objects.visible_to(AnonymousUser()).exists()


def test_demands_are_seen_by_everyone_concerned_and_nobody_else(tree: Tree, people: People) -> None:
    services.demand_propose(
        actor=people.handler,
        new=services.NewDemand(
            department=tree.department,
            kind=BurdenKind.FORM,
            title="月报表",
            frequency=Frequency.MONTHLY,
            hours_each="2",
            reason="掌握村级工作进度",
        ),
    )
    root = User.objects.create_superuser(username="root", password="x" * 20)
    assert BurdenDemand.objects.visible_to(root).count() == 1
    assert BurdenDemand.objects.visible_to(people.handler).count() == 1
    assert not BurdenDemand.objects.visible_to(make_staff("nobody")).exists()

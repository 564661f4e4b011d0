"""Who sees a project: each rule of `visible_to`, and the outsider who sees nothing (404)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from sanfu.directory import services as services_directory
from sanfu.directory.models import StaffRole, User
from sanfu.lib.errors import PermissionDenied
from sanfu.projects import services
from sanfu.projects.models import Project
from sanfu.projects.policies import deciding_unit, target_unit
from tests.conftest import Tree, login, make_staff
from tests.projects.conftest import Crew, accepted, posed

pytestmark = pytest.mark.django_db


def visible(user: object) -> list[int]:
    return list(Project.objects.visible_to(user).values_list("pk", flat=True))  # type: ignore[arg-type]


def test_the_owning_units_subtree_and_the_leaders_above_see_it(tree: Tree, crew: Crew):
    project = services.project_pose(
        actor=crew.cadre, posing=tree.village_a, deciding=tree.town_a, title="t", evidence="e"
    )
    assert visible(crew.town_staff) == [project.pk]
    assert visible(crew.leader) == [project.pk]


def test_the_posing_place_sees_it(tree: Tree, crew: Crew):
    project = posed(tree, crew)
    assert visible(crew.cadre) == [project.pk]
    assert visible(crew.grid_worker) == []


def test_the_answering_department_and_its_envoy_see_it(tree: Tree, crew: Crew):
    project = posed(tree, crew)
    assert visible(crew.envoy) == []
    accepted_project = services.project_accept(
        actor=crew.leader, project_id=project.pk, answering_unit=tree.department, envoy=crew.envoy
    )
    assert visible(crew.envoy) == [accepted_project.pk]


def test_a_member_from_elsewhere_sees_it(tree: Tree, crew: Crew):
    project = accepted(tree, crew)
    helper = make_staff("helper", tree.village_b, StaffRole.VILLAGE_CADRE)
    assert visible(helper) == []
    services.project_member_add(
        actor=crew.leader, project_id=project.pk, user=helper, role="member"
    )
    assert visible(helper) == [project.pk]


def test_a_warnings_recipient_sees_the_incident(tree: Tree, crew: Crew):
    project = services.incident_open(
        actor=crew.leader,
        title="台风抢险",
        incident_kind="typhoon",
        towns=[tree.town_a],
        targets=[],
        warning="请到岗",
    )
    assert visible(crew.cadre) == [project.pk]
    assert visible(crew.outsider) == []


def test_the_outsider_sees_nothing(tree: Tree, crew: Crew):
    project = accepted(tree, crew)
    assert visible(crew.outsider) == []
    client = login(crew.outsider)
    assert client.get(f"/projects/{project.pk}/").status_code == 404
    assert client.post(f"/projects/{project.pk}/finish/", {"note": "x"}).status_code == 404
    assert client.post(f"/projects/{project.pk}/report/", {"text": "x"}).status_code == 404
    listing = client.get("/projects/")
    assert project.title not in listing.content.decode()


def test_anonymous_and_disabled_accounts_see_nothing(tree: Tree, crew: Crew):
    accepted(tree, crew)
    assert visible(AnonymousUser()) == []
    crew.envoy.is_active = False
    crew.envoy.save()
    assert visible(crew.envoy) == []
    assert login(crew.envoy).get("/projects/").status_code in {200, 302}


def test_the_list_filters_by_town_and_kind(tree: Tree, crew: Crew):
    mine = posed(tree, crew, title="上坪村项目")
    services.project_pose(
        actor=make_staff("cadre-b", tree.village_b, StaffRole.VILLAGE_CADRE),
        posing=tree.village_b,
        deciding=tree.county,
        title="下湾村项目",
        evidence="e",
    )
    client = login(crew.leader)
    by_town = client.get("/projects/", {"town": tree.town_a.pk})
    assert [p.pk for p in by_town.context["page"]] == [mine.pk]
    by_kind = client.get("/projects/", {"kind": "emergency"})
    assert list(by_kind.context["page"]) == []


def test_a_superuser_sees_every_project(tree: Tree, crew: Crew):
    project = accepted(tree, crew)
    root = User.objects.create_superuser(username="root", password="x" * 20)
    assert visible(root) == [project.pk]


def test_deciding_needs_an_active_account_at_or_above_the_place(tree: Tree, crew: Crew):
    town_a_leader = make_staff("a-leader", tree.town_a, StaffRole.LEADER)
    assert deciding_unit(town_a_leader, tree.village_a) == tree.town_a
    # A leader of the sibling town is not above village A.
    town_b_leader = make_staff("b-leader", tree.town_b, StaffRole.LEADER)
    with pytest.raises(PermissionDenied):
        deciding_unit(town_b_leader, tree.village_a)
    town_a_leader.is_active = False
    with pytest.raises(PermissionDenied):
        deciding_unit(town_a_leader, tree.village_a)


def test_a_town_target_is_counted_by_the_town_or_by_the_projects_workers(tree: Tree, crew: Crew):
    project = accepted(tree, crew)
    target = services.target_add(
        actor=crew.envoy,
        project_id=project.pk,
        label="修复管道",
        measure="处",
        goal=3,
        town=tree.town_a,
    )
    # Town A's staff count it for their town; the department's envoy (not town A's) counts it
    # as the project's worker; town B's staff may do neither.
    assert target_unit(crew.town_staff, target) == tree.town_a
    assert target_unit(crew.envoy, target) == tree.department
    with pytest.raises(PermissionDenied):
        target_unit(crew.outsider, target)


def test_the_nearest_deciding_unit_acts_and_a_roleless_account_sees_nothing(tree: Tree, crew: Crew):
    project = accepted(tree, crew)
    both = make_staff("both", tree.town_a, StaffRole.LEADER)
    services_directory.membership_grant(user=both, unit=tree.county, role=StaffRole.LEADER)
    assert deciding_unit(both, tree.village_a) == tree.town_a
    untown = services.target_add(
        actor=crew.envoy, project_id=project.pk, label="宣传到户", measure="户", goal=30
    )
    assert target_unit(crew.envoy, untown) == tree.department
    assert visible(make_staff("nobody")) == []

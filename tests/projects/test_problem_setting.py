"""四题式 through the pages: a village poses, a leader accepts and assigns, the envoy reports."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from sanfu.projects.models import EventKind, Project, State
from tests.conftest import Tree, login
from tests.projects.conftest import PNG, Crew, accepted, posed

pytestmark = pytest.mark.django_db


def test_a_village_poses_a_problem_to_the_county(tree: Tree, crew: Crew):
    response = login(crew.cadre).post(
        "/projects/pose/",
        {
            "posing": tree.village_a.pk,
            "deciding": tree.county.pk,
            "kind": "problem",
            "title": "上坪村饮用水水压不足",
            "evidence": "高处30户夏季断水。",
        },
    )
    project = Project.objects.get()
    assert response.status_code == 302
    assert project.state == State.PROPOSED
    assert project.posed_by_unit == tree.village_a
    assert project.owning_unit == tree.county
    assert list(project.events.values_list("kind", flat=True)) == [EventKind.POSED]


def test_posing_names_the_missing_evidence(tree: Tree, crew: Crew):
    response = login(crew.cadre).post(
        "/projects/pose/",
        {"posing": tree.village_a.pk, "deciding": tree.county.pk, "kind": "problem", "title": "x"},
    )
    assert response.status_code == 400
    assert "evidence" in response.context["form"].errors
    assert not Project.objects.exists()


def test_a_leader_accepts_and_assigns_a_department_with_an_envoy(tree: Tree, crew: Crew):
    project = posed(tree, crew)
    response = login(crew.leader).post(
        f"/projects/{project.pk}/accept/",
        {"answering_unit": tree.department.pk, "envoy": crew.envoy.pk, "ends_on": "2027-06-30"},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.state == State.ACCEPTED
    assert project.answering_unit == tree.department
    assert project.members.get().user == crew.envoy
    page = login(crew.envoy).get(f"/projects/{project.pk}/")
    assert page.status_code == 200
    steps = page.context["page"].steps
    assert [step.who for step in steps][:2] == [
        f"上坪村 · {crew.cadre}",
        f"县住房和城乡建设局 · {crew.envoy}",
    ]
    assert steps[1].took is not None


def test_a_village_cadre_may_not_accept(tree: Tree, crew: Crew):
    project = posed(tree, crew)
    response = login(crew.cadre).post(
        f"/projects/{project.pk}/accept/",
        {"answering_unit": tree.department.pk, "envoy": crew.envoy.pk},
    )
    assert response.status_code == 400
    project.refresh_from_db()
    assert project.state == State.PROPOSED


def test_the_envoy_reports_progress_with_a_photo_and_a_quantity(tree: Tree, crew: Crew):
    project = accepted(tree, crew)
    envoy = login(crew.envoy)
    envoy.post(
        f"/projects/{project.pk}/target/", {"label": "供水户数", "measure": "户", "goal": 30}
    )
    target = project.targets.get()
    response = envoy.post(
        f"/projects/{project.pk}/report/",
        {
            "text": "加压泵已安装，12户恢复供水。",
            "photos": SimpleUploadedFile("pump.png", PNG, content_type="image/png"),
            f"quantity_{target.pk}": 12,
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    target.refresh_from_db()
    assert project.state == State.IN_PROGRESS
    assert target.achieved == 12
    report = project.reports.get()
    assert report.photos.get().content_type == "image/png"
    page = envoy.get(f"/projects/{project.pk}/")
    (series,) = page.context["page"].series
    assert [after for _at, after in series.points] == [12]
    assert 'aria-label="供水户数: 12/30"' in page.content.decode()


def test_a_photo_that_is_not_an_image_is_refused(tree: Tree, crew: Crew):
    project = accepted(tree, crew)
    response = login(crew.envoy).post(
        f"/projects/{project.pk}/report/",
        {"text": "进展", "photos": SimpleUploadedFile("pump.png", b"%PDF-1.4 not a photo")},
    )
    assert response.status_code == 400
    assert "pump.png" in response.content.decode()
    assert not project.reports.exists()


def test_a_quantity_beyond_the_goal_is_refused_and_nothing_changes(tree: Tree, crew: Crew):
    project = accepted(tree, crew)
    envoy = login(crew.envoy)
    envoy.post(
        f"/projects/{project.pk}/target/", {"label": "供水户数", "measure": "户", "goal": 30}
    )
    target = project.targets.get()
    response = envoy.post(
        f"/projects/{project.pk}/report/", {"text": "进展", f"quantity_{target.pk}": 31}
    )
    assert response.status_code == 400
    assert "供水户数" in response.content.decode()
    target.refresh_from_db()
    assert target.achieved == 0
    assert not project.reports.exists()


def test_a_negative_result_is_refused(tree: Tree, crew: Crew):
    project = accepted(tree, crew)
    envoy = login(crew.envoy)
    envoy.post(
        f"/projects/{project.pk}/target/", {"label": "供水户数", "measure": "户", "goal": 30}
    )
    target = project.targets.get()
    response = envoy.post(
        f"/projects/{project.pk}/report/", {"text": "更正", f"quantity_{target.pk}": -1}
    )
    assert response.status_code == 400
    target.refresh_from_db()
    assert target.achieved == 0


def test_a_goal_is_raised_only_with_a_reason_on_the_timeline(tree: Tree, crew: Crew):
    project = accepted(tree, crew)
    login(crew.envoy).post(
        f"/projects/{project.pk}/target/", {"label": "供水户数", "measure": "户", "goal": 30}
    )
    target = project.targets.get()
    leader = login(crew.leader)
    refused = leader.post(f"/projects/{project.pk}/goal/", {"target": target.pk, "goal": 40})
    assert refused.status_code == 400
    response = leader.post(
        f"/projects/{project.pk}/goal/",
        {"target": target.pk, "goal": 40, "reason": "新增10户纳入"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.goal == 40
    event = project.events.get(kind=EventKind.GOAL_RAISED)
    assert event.note == "新增10户纳入"
    assert event.data["from"] == 30


@time_machine.travel("2026-12-04 10:00 +0800", tick=False)
def test_a_milestone_after_the_projects_end_is_refused(tree: Tree, crew: Crew):
    project = accepted(tree, crew, ends_on=date(2027, 3, 31))
    envoy = login(crew.envoy)
    response = envoy.post(
        f"/projects/{project.pk}/milestone/", {"title": "管网完工", "due_on": "2027-04-01"}
    )
    assert response.status_code == 400
    assert not project.milestones.exists()
    envoy.post(f"/projects/{project.pk}/milestone/", {"title": "管网完工", "due_on": "2027-03-31"})
    assert project.milestones.count() == 1


@time_machine.travel("2026-12-04 10:00 +0800", tick=False)
def test_finishing_with_open_milestones_asks_for_a_reason(tree: Tree, crew: Crew):
    project = accepted(tree, crew, ends_on=date(2027, 3, 31))
    login(crew.envoy).post(
        f"/projects/{project.pk}/milestone/", {"title": "管网完工", "due_on": "2027-03-01"}
    )
    leader = login(crew.leader)
    refused = leader.post(f"/projects/{project.pk}/finish/", {"note": ""})
    assert refused.status_code == 400
    project.refresh_from_db()
    assert project.state == State.ACCEPTED
    leader.post(f"/projects/{project.pk}/finish/", {"note": "管网改由县水务集团实施"})
    project.refresh_from_db()
    assert project.state == State.FINISHED
    assert project.finished_on_time is True


def test_dropping_needs_a_reason(tree: Tree, crew: Crew):
    project = posed(tree, crew)
    leader = login(crew.leader)
    assert leader.post(f"/projects/{project.pk}/drop/", {"reason": ""}).status_code == 400
    leader.post(f"/projects/{project.pk}/drop/", {"reason": "已列入省级项目"})
    project.refresh_from_db()
    assert project.state == State.DROPPED
    assert project.drop_reason == "已列入省级项目"


def test_a_leader_sets_a_problem_and_the_envoy_is_assigned(tree: Tree, crew: Crew):
    response = login(crew.leader).post(
        "/projects/set/",
        {
            "title": "闲置土地盘活",
            "kind": "task_force",
            "origin": "hot_spot",
            "origin_note": "热点：土地抛荒",
            "target_text": "盘活1600亩",
            "places": [tree.town_a.pk],
            "answering_unit": tree.department.pk,
            "envoy": crew.envoy.pk,
        },
    )
    assert response.status_code == 302
    project = Project.objects.get()
    assert project.state == State.ACCEPTED
    assert project.lead_leader == crew.leader
    assert project.members.get().user == crew.envoy


def test_a_village_cadre_may_not_set_problems(tree: Tree, crew: Crew):
    response = login(crew.cadre).post(
        "/projects/set/",
        {
            "title": "x",
            "kind": "problem",
            "origin": "leader",
            "target_text": "x",
            "places": [tree.village_a.pk],
            "answering_unit": tree.department.pk,
            "envoy": crew.envoy.pk,
        },
    )
    assert response.status_code == 400
    assert not Project.objects.exists()

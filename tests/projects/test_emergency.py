"""An incident opens a board in one step; the warning reaches the towns' staff who acknowledge;
targets are counted up from the board; the portal shows the banner while it is open."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine

from sanfu.directory.models import StaffRole, User
from sanfu.notify.models import Notification
from sanfu.outreach.models import Link, LinkRole, Period
from sanfu.outreach.services import NewLink, link_create
from sanfu.projects import services
from sanfu.projects.models import Kind, Project, Receipt, State
from tests.conftest import Tree, https_client, login, make_staff
from tests.factories import make_enterprise
from tests.projects.conftest import Crew

pytestmark = pytest.mark.django_db

BOARD = "石门镇; 电力线路恢复; 条; 76; 48h\n石门镇; 道路抢通; 条; 2; 4d"


def open_incident(tree: Tree, crew: Crew, client_user: User | None = None) -> Project:
    response = login(client_user or crew.leader).post(
        "/projects/incident/",
        {
            "title": "台风“利奇马”抢险",
            "incident_kind": "typhoon",
            "towns": [tree.town_a.pk],
            "targets": BOARD,
            "warning": "台风将于今晚登陆，请立即到岗。",
        },
    )
    assert response.status_code == 302, response.content.decode()
    return Project.objects.get(kind=Kind.EMERGENCY)


@time_machine.travel("2026-08-10 08:00 +0800", tick=False)
def test_an_incident_opens_a_board_in_one_step(
    tree: Tree, crew: Crew, django_capture_on_commit_callbacks: Any
):
    with django_capture_on_commit_callbacks(execute=True):
        project = open_incident(tree, crew)
    assert project.state == State.IN_PROGRESS
    lines, roads = project.targets.order_by("id")
    assert lines.deadline is not None
    assert roads.deadline is not None
    assert (lines.goal, lines.town, lines.deadline.hour) == (76, tree.town_a, 0)  # 08:00+48h, UTC
    assert (roads.deadline - roads.opened_at).days == 4
    board = login(crew.town_staff).get(f"/projects/{project.pk}/board/")
    assert "0/78" in board.content.decode()
    assert 'hx-trigger="every 5s"' in board.content.decode()
    # The town's staff and the village's and grid's cadres under it, not town B.
    recipients = set(Receipt.objects.values_list("user__username", flat=True))
    assert recipients == {"town-a", "cadre", "grid-a"}
    assert Notification.objects.filter(recipient=crew.cadre, kind="projects_warning").exists()


def test_the_warning_recipients_are_the_affected_units_staff(tree: Tree, crew: Crew):
    project = open_incident(tree, crew)
    names = {user.username for user in services.warning_recipients(project)}
    assert names == {"town-a", "cadre", "grid-a"}


def test_acknowledging_is_recorded_once_and_the_board_shows_who_has_not(tree: Tree, crew: Crew):
    project = open_incident(tree, crew)
    cadre = login(crew.cadre)
    assert cadre.post(f"/projects/{project.pk}/acknowledge/").status_code == 302
    first = Receipt.objects.get(user=crew.cadre).acknowledged_at
    cadre.post(f"/projects/{project.pk}/acknowledge/")
    assert Receipt.objects.get(user=crew.cadre).acknowledged_at == first
    board = login(crew.leader).get(f"/projects/{project.pk}/board/live/")
    pending = [str(user) for user in board.context["board"].pending]
    assert pending == ["grid-a", "town-a"]
    assert board.context["board"].acknowledged == 1


def test_town_staff_count_up_and_the_board_turns_green(tree: Tree, crew: Crew):
    project = open_incident(tree, crew)
    client = login(crew.town_staff)
    for target in project.targets.all():
        response = client.post(
            f"/projects/{project.pk}/board/{target.pk}/",
            {"delta": target.goal},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
    board = response.context["board"]
    assert board.all_done
    assert "all-done" in response.content.decode()
    assert "78/78" in response.content.decode()


def test_a_count_beyond_the_goal_is_refused_on_the_board(tree: Tree, crew: Crew):
    project = open_incident(tree, crew)
    target = project.targets.order_by("id").first()
    assert target is not None
    response = login(crew.town_staff).post(
        f"/projects/{project.pk}/board/{target.pk}/", {"delta": 77}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    target.refresh_from_db()
    assert target.achieved == 0


def test_a_target_behind_schedule_is_marked(tree: Tree, crew: Crew):
    with time_machine.travel("2026-08-10 08:00 +0800", tick=False):
        project = open_incident(tree, crew)
    roads = project.targets.order_by("id").last()
    assert roads is not None
    with time_machine.travel("2026-08-11 09:00 +0800", tick=False):
        services.target_update(actor=crew.town_staff, target_id=roads.pk, delta=1)
        board = login(crew.leader).get(f"/projects/{project.pk}/board/live/")
        statuses = [row.status for row in board.context["board"].rows]
    assert statuses == ["behind", "on_track"]
    with time_machine.travel("2026-08-12 09:00 +0800", tick=False):
        board = login(crew.leader).get(f"/projects/{project.pk}/board/live/")
        assert board.context["board"].rows[0].status == "overdue"


def test_the_portal_shows_the_banner_while_the_incident_is_open(tree: Tree, crew: Crew):
    project = open_incident(tree, crew)
    page = https_client().get("/")
    assert "台风“利奇马”抢险" in page.content.decode()
    assert "石门镇" in page.content.decode()
    login(crew.leader).post(f"/projects/{project.pk}/finish/", {"note": "抢险结束"})
    assert "台风“利奇马”抢险" not in https_client().get("/").content.decode()


def test_the_outsider_sees_no_board_and_cannot_count(tree: Tree, crew: Crew):
    project = open_incident(tree, crew)
    target = project.targets.first()
    assert target is not None
    client = login(crew.outsider)
    assert client.get(f"/projects/{project.pk}/board/").status_code == 404
    assert client.get(f"/projects/{project.pk}/board/live/").status_code == 404
    assert (
        client.post(f"/projects/{project.pk}/board/{target.pk}/", {"delta": 1}).status_code == 404
    )
    assert client.post(f"/projects/{project.pk}/acknowledge/").status_code == 404


def test_only_leaders_open_incidents(tree: Tree, crew: Crew):
    response = login(crew.town_staff).post(
        "/projects/incident/",
        {
            "title": "x",
            "incident_kind": "flood",
            "towns": [tree.town_a.pk],
            "targets": "石门镇; 道路; 条; 1; 2d",
            "warning": "x",
        },
    )
    assert response.status_code == 400
    assert not Project.objects.exists()


def test_a_bad_board_line_is_named(tree: Tree, crew: Crew):
    response = login(crew.leader).post(
        "/projects/incident/",
        {
            "title": "x",
            "incident_kind": "flood",
            "towns": [tree.town_a.pk],
            "targets": "石门镇; 道路; 条; 1; 2d\n石门镇; 道路; 条; many; 2d",
            "warning": "x",
        },
    )
    assert response.status_code == 400
    assert "Line 2" in str(response.context["form"].errors["targets"]) or "第 2" in str(
        response.context["form"].errors["targets"]
    )


def _link(person: User, target: object, *, starts_on: date, period: str = Period.WEEKLY) -> Link:
    return link_create(
        actor=None,
        new=NewLink(
            person=person,
            target=target,  # type: ignore[arg-type]
            role=LinkRole.LINKAGE,
            starts_on=starts_on,
            cadence_count=1,
            cadence_period=period,
        ),
    )


@time_machine.travel("2026-08-10 08:00 +0800", tick=False)
def test_the_warning_reaches_the_cadres_linked_to_the_affected_places(
    tree: Tree, crew: Crew, django_capture_on_commit_callbacks: Any
):
    enterprise = make_enterprise(town=tree.town_a, village=tree.village_a)
    # The department's envoy serves an enterprise in village A; the outsider (town B staff)
    # is linked to grid A; a cadre of town B serves only town B; an ended link no longer counts.
    _link(crew.envoy, enterprise, starts_on=date(2026, 1, 1))
    _link(crew.outsider, tree.grid_a, starts_on=date(2026, 1, 1), period=Period.DAILY)
    elsewhere = make_staff("town-b-cadre", tree.town_b, StaffRole.TOWN_STAFF)
    _link(elsewhere, tree.town_b, starts_on=date(2026, 1, 1))
    former = make_staff("former", tree.department, StaffRole.DEPARTMENT_HANDLER)
    ended = _link(former, tree.village_a, starts_on=date(2026, 1, 1))
    Link.objects.filter(pk=ended.pk).update(ends_on=date(2026, 7, 31))
    with django_capture_on_commit_callbacks(execute=True):
        project = open_incident(tree, crew)
    recipients = set(
        Receipt.objects.filter(warning__project=project).values_list("user__username", flat=True)
    )
    assert recipients == {"town-a", "cadre", "grid-a", "envoy", "town-b"}
    assert Notification.objects.filter(recipient=crew.envoy, kind="projects_warning").exists()
    assert not Notification.objects.filter(recipient=elsewhere, kind="projects_warning").exists()
    # Each linked cadre must acknowledge like the units' staff: the board lists them until then.
    login(crew.envoy).post(f"/projects/{project.pk}/acknowledge/")
    board = login(crew.leader).get(f"/projects/{project.pk}/board/live/")
    pending = {str(user) for user in board.context["board"].pending}
    assert "envoy" not in pending
    assert "town-b" in pending

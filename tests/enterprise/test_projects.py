from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from sanfu.directory.models import StaffRole, User
from sanfu.enterprise.models import Approval, ApprovalState, Project, ProjectStage
from sanfu.enterprise.services import projects
from sanfu.lib.errors import Conflict
from tests.conftest import Tree, login, make_staff
from tests.enterprise.conftest import World

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def project(world: World, town_staff: User, tree: Tree) -> Project:
    with time_machine.travel(MONDAY, tick=False):
        made = projects.project_create(
            actor=town_staff,
            enterprise_id=world.hengda.pk,
            name="恒达二期扩建",
            kind="expansion",
            investment=Decimal("120000000"),
        )
        for kind, days in (("planning", 3), ("fire", 5)):
            projects.approval_request(
                actor=town_staff,
                project_id=made.pk,
                kind=kind,
                department=tree.department,
                working_days=days,
            )
    return made


def test_an_approval_is_due_in_working_days(project: Project) -> None:
    planning = project.approvals.get(kind="planning")
    # Monday + 3 working days: the end of Thursday, local time.
    assert planning.due_at.astimezone(SHANGHAI).date().isoformat() == "2026-12-10"
    fire = project.approvals.get(kind="fire")
    # + 5 working days skips the weekend: the next Monday.
    assert fire.due_at.astimezone(SHANGHAI).date().isoformat() == "2026-12-14"
    project.refresh_from_db()
    assert project.stage == ProjectStage.APPROVING


def test_the_department_decides_on_time_through_the_page(project: Project, handler: User) -> None:
    planning = project.approvals.get(kind="planning")
    with time_machine.travel(datetime(2026, 12, 9, 10, 0, tzinfo=SHANGHAI), tick=False):
        client = login(handler)
        assert client.get(reverse("enterprise:project", args=[project.pk])).status_code == 200
        client.post(reverse("enterprise:decide", args=[planning.pk]), {"decision": "approved"})
    planning.refresh_from_db()
    assert (planning.state, planning.decided_on_time) == (ApprovalState.APPROVED, True)


def test_a_joint_session_decides_several_at_once_and_the_project_moves_on(
    project: Project, administrator: User
) -> None:
    data = {"place": "县行政服务中心"}
    for approval in project.approvals.all():
        data |= {f"pick-{approval.pk}": "1", f"decision-{approval.pk}": "approved"}
    with time_machine.travel(datetime(2026, 12, 11, 15, 0, tzinfo=SHANGHAI), tick=False):
        response = login(administrator).post(reverse("enterprise:session"), data)
    assert response.status_code == 302
    rows = list(project.approvals.all())
    assert {a.state for a in rows} == {ApprovalState.APPROVED}
    assert len({a.session_id for a in rows}) == 1
    # Planning was due Thursday: decided Friday, late; fire is on time.
    assert {a.kind: a.decided_on_time for a in rows} == {"planning": False, "fire": True}
    project.refresh_from_db()
    assert project.stage == ProjectStage.BUILDING


def test_a_late_approval_is_listed_and_supervised(
    tree: Tree, project: Project, town_staff: User
) -> None:
    supervisor = make_staff("supervisor", tree.county, StaffRole.SUPERVISOR)
    planning = project.approvals.get(kind="planning")
    with time_machine.travel(datetime(2026, 12, 11, 9, 0, tzinfo=SHANGHAI), tick=False):
        page = login(supervisor).get(reverse("enterprise:overdue")).content.decode()
        assert "恒达二期扩建" in page
        # Town staff see it, but a supervision order is not theirs to give.
        login(town_staff).post(
            reverse("enterprise:supervise", args=[planning.pk]), {"note": "限两日内办结"}
        )
        planning.refresh_from_db()
        assert planning.supervised_at is None
        login(supervisor).post(
            reverse("enterprise:supervise", args=[planning.pk]), {"note": "限两日内办结"}
        )
    planning.refresh_from_db()
    assert planning.supervision_note == "限两日内办结"
    assert planning.supervised_by == supervisor


def test_an_approval_not_yet_due_cannot_be_supervised(tree: Tree, project: Project) -> None:
    supervisor = make_staff("supervisor", tree.county, StaffRole.SUPERVISOR)
    planning = project.approvals.get(kind="planning")
    with time_machine.travel(MONDAY, tick=False), pytest.raises(Conflict):
        projects.approval_supervise(actor=supervisor, approval_id=planning.pk, note="x")


def test_the_outsider_sees_nothing_of_another_towns_project(
    project: Project, outsider: User
) -> None:
    planning = project.approvals.get(kind="planning")
    client = login(outsider)
    assert client.get(reverse("enterprise:project", args=[project.pk])).status_code == 404
    assert (
        client.post(reverse("enterprise:decide", args=[planning.pk]), {"decision": "approved"})
    ).status_code == 404
    assert (
        client.post(reverse("enterprise:supervise", args=[planning.pk]), {"note": "x"})
    ).status_code == 404
    with time_machine.travel(datetime(2026, 12, 20, tzinfo=SHANGHAI), tick=False):
        overdue = login(outsider).get(reverse("enterprise:overdue")).content.decode()
        assert "恒达" not in overdue
    assert "恒达" not in client.get(reverse("enterprise:projects")).content.decode()
    assert Approval.objects.get(pk=planning.pk).state == ApprovalState.PENDING


def test_town_staff_cannot_decide_a_departments_approval(
    project: Project, town_staff: User
) -> None:
    planning = project.approvals.get(kind="planning")
    response = login(town_staff).post(
        reverse("enterprise:decide", args=[planning.pk]), {"decision": "approved"}
    )
    assert response.status_code == 404
    planning.refresh_from_db()
    assert planning.state == ApprovalState.PENDING


def test_figures_count_projects_and_approvals(project: Project, administrator: User) -> None:
    with time_machine.travel(datetime(2026, 12, 20, tzinfo=SHANGHAI), tick=False):
        page = login(administrator).get(reverse("enterprise:figures"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "120000000" in html
    assert "县住房和城乡建设局" in html

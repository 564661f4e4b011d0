"""The burden ledger through HTTP: departments propose, the county office approves or refuses
with reasons, the reduction against the baseline year, villages reporting unlisted burdens."""

from __future__ import annotations

import datetime as dt

import pytest

from sanfu.cases.models import Case, RequesterKind
from sanfu.directory import services as directory
from sanfu.directory.models import StaffRole, UnitKind
from sanfu.grassroots import services
from sanfu.grassroots.figures import burden_figures
from sanfu.grassroots.models import BurdenDemand, BurdenKind, DemandState, Frequency
from sanfu.lib.errors import PermissionDenied
from tests.cases.conftest import People
from tests.conftest import Tree, login, make_staff
from tests.grassroots.conftest import TODAY, Office


def _proposal(tree: Tree, **extra: object) -> dict[str, object]:
    return {
        "action": "propose",
        "department": tree.department.pk,
        "kind": BurdenKind.FORM,
        "title": "农房安全月报表",
        "frequency": Frequency.MONTHLY,
        "hours_each": "2",
        "all_villages": "on",
        "reason": "省厅要求按月报送",
        **extra,
    }


def _register(tree: Tree, office: Office, title: str, kind: str = BurdenKind.FORM) -> BurdenDemand:
    return services.demand_register(
        actor=office.leader,
        new=services.NewDemand(
            department=tree.department,
            kind=kind,
            title=title,
            frequency=Frequency.MONTHLY,
            hours_each="1.5",
        ),
        in_force_from=dt.date(2024, 1, 1),
    )


def test_a_department_proposes_a_new_form(tree: Tree, people: People) -> None:
    response = login(people.handler).post("/grassroots/burden/", _proposal(tree))
    demand = BurdenDemand.objects.get()
    assert response.status_code == 302
    assert (demand.state, demand.department, demand.county) == (
        DemandState.PROPOSED,
        tree.department,
        tree.county,
    )


@pytest.mark.parametrize(("field", "value"), [("department", ""), ("frequency", "")])
def test_a_demand_without_a_department_or_frequency_is_refused(
    tree: Tree, people: People, field: str, value: str
) -> None:
    response = login(people.handler).post("/grassroots/burden/", _proposal(tree, **{field: value}))
    assert response.status_code == 400
    assert field in response.context["demand_form"].errors
    assert not BurdenDemand.objects.exists()


def test_a_demand_with_no_hours_is_refused(tree: Tree, people: People) -> None:
    response = login(people.handler).post("/grassroots/burden/", _proposal(tree, hours_each="0"))
    assert response.status_code == 400
    assert "hours_each" in response.context["demand_form"].errors


def test_the_county_office_approves_one_and_refuses_another_with_reasons(
    tree: Tree, people: People, office: Office
) -> None:
    login(people.handler).post("/grassroots/burden/", _proposal(tree))
    login(people.handler).post("/grassroots/burden/", _proposal(tree, title="垃圾分类台账"))
    first, second = BurdenDemand.objects.order_by("id")
    client = login(office.leader)
    client.post(
        f"/grassroots/burden/{first.pk}/",
        {"action": "decide", "decision": "approve", "reason": "确有必要"},
    )
    client.post(
        f"/grassroots/burden/{second.pk}/",
        {"action": "decide", "decision": "refuse", "reason": "与已有报表重复"},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.in_force_from) == (DemandState.APPROVED, TODAY)
    assert (second.state, second.decision_reason) == (DemandState.REFUSED, "与已有报表重复")


def test_a_refusal_without_a_reason_is_refused(tree: Tree, people: People, office: Office) -> None:
    login(people.handler).post("/grassroots/burden/", _proposal(tree))
    demand = BurdenDemand.objects.get()
    response = login(office.leader).post(
        f"/grassroots/burden/{demand.pk}/", {"action": "decide", "decision": "refuse", "reason": ""}
    )
    assert response.status_code == 400
    demand.refresh_from_db()
    assert demand.state == DemandState.PROPOSED


def test_only_the_county_office_decides(tree: Tree, people: People) -> None:
    login(people.handler).post("/grassroots/burden/", _proposal(tree))
    demand = BurdenDemand.objects.get()
    with pytest.raises(PermissionDenied):
        services.demand_decide(actor=people.handler, demand_id=demand.pk, approve=True, reason="x")
    response = login(people.dispatcher).post(
        f"/grassroots/burden/{demand.pk}/",
        {"action": "decide", "decision": "approve", "reason": "x"},
    )
    assert response.status_code == 400
    demand.refresh_from_db()
    assert demand.state == DemandState.PROPOSED


def test_the_outsider_sees_no_demand_on_another_towns_village(
    tree: Tree, people: People, office: Office
) -> None:
    demand = services.demand_propose(
        actor=people.handler,
        new=services.NewDemand(
            department=tree.department,
            kind=BurdenKind.SIGN,
            title="挂牌",
            frequency=Frequency.ONCE,
            hours_each="1",
            all_villages=False,
            villages=[tree.village_a],
            reason="x",
        ),
    )
    client = login(people.outsider)
    assert client.get(f"/grassroots/burden/{demand.pk}/").status_code == 404
    assert demand not in client.get("/grassroots/burden/").context["proposed"]
    assert login(people.cadre).get(f"/grassroots/burden/{demand.pk}/").status_code == 200


def test_the_reduction_moves_when_a_demand_is_abolished(
    tree: Tree, people: People, office: Office
) -> None:
    monthly = _register(tree, office, "安全生产月报")
    _register(tree, office, "村级考核", kind=BurdenKind.INSPECTION)
    services.baseline_set(actor=office.leader, county=tree.county, year=2025)
    before = burden_figures(county=tree.county, on=TODAY)
    assert before.total is not None
    assert before.total.count_change == 0

    response = login(office.leader).post(
        f"/grassroots/burden/{monthly.pk}/",
        {"action": "abolish", "on": TODAY.isoformat(), "reason": "并入统一报表"},
    )
    after = burden_figures(county=tree.county, on=TODAY)
    assert response.status_code == 302
    assert after.total is not None
    assert after.total.count_change == -0.5
    form = next(row for row in after.kinds if row.kind == BurdenKind.FORM)
    assert form.hours_change == -1.0
    page = login(office.leader).get("/grassroots/burden/").content.decode()
    assert "−50.0%" in page


def test_a_village_reports_an_unlisted_burden_as_a_case_to_the_county(
    tree: Tree, people: People
) -> None:
    response = login(people.cadre).post(
        "/grassroots/burden/report/",
        {
            "village": tree.village_a.pk,
            "kind": BurdenKind.APP,
            "department_named": "县某局",
            "text": "要求每天在某App打卡上传照片",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.desk_unit, case.requester_kind, case.requester_unit) == (
        tree.county,
        RequesterKind.GRASSROOTS,
        tree.village_a,
    )


def test_the_outsider_cannot_report_for_another_towns_village(tree: Tree, people: People) -> None:
    response = login(people.outsider).post(
        "/grassroots/burden/report/",
        {"village": tree.village_a.pk, "kind": "app", "department_named": "x", "text": "y"},
    )
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_a_demand_of_every_village_is_seen_by_each_village(
    tree: Tree, people: People, office: Office
) -> None:
    demand = _register(tree, office, "安全生产月报")
    assert login(people.cadre).get(f"/grassroots/burden/{demand.pk}/").status_code == 200
    other = directory.unit_create(kind=UnitKind.COUNTY, name="别县", code="BX", parent=None)
    stranger = make_staff("stranger", other, StaffRole.LEADER)
    assert login(stranger).get(f"/grassroots/burden/{demand.pk}/").status_code == 404

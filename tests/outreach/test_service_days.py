"""亲清服务日: a leader's day with enterprises; problems solved on the spot or into the loop."""

from __future__ import annotations

import pytest

from sanfu.cases.models import Case, Channel
from sanfu.outreach.models import ProblemOutcome, ServiceDay, ServiceDayProblem
from tests.cases.conftest import People
from tests.conftest import Tree, login
from tests.outreach.conftest import Outreach

pytestmark = pytest.mark.django_db


def _schedule(people: People, tree: Tree, outreach: Outreach) -> ServiceDay:
    response = login(people.town_leader).post(
        "/outreach/service-days/",
        {
            "title": "石门镇亲清服务日",
            "held_on": "2026-12-04",
            "unit": tree.town_a.pk,
            "enterprises": [outreach.enterprise.pk],
            "attendance_note": "镇商会代表3人",
        },
    )
    assert response.status_code == 302
    return ServiceDay.objects.get()


def test_a_leader_holds_a_day_and_records_its_problems(
    outreach: Outreach, people: People, tree: Tree
):
    day = _schedule(people, tree, outreach)
    client = login(people.town_leader)
    url = f"/outreach/service-days/{day.pk}/"
    client.post(url, {"text": "企业反映用工紧张", "enterprise": outreach.enterprise.pk})
    client.post(url, {"text": "停车位不足", "solution": "当场协调镇政府停车场开放"})
    spot, turned = (
        ServiceDayProblem.objects.get(outcome=ProblemOutcome.ON_THE_SPOT),
        ServiceDayProblem.objects.get(outcome=ProblemOutcome.CASE),
    )
    assert spot.case is None
    case = Case.objects.get()
    assert turned.case == case
    assert (case.channel, case.enterprise) == (Channel.RECEPTION_DAY, outreach.enterprise)
    page = client.get(url).content.decode()
    assert case.number in page
    assert "镇商会代表3人" in page


def test_the_outsider_sees_no_day_and_adds_no_problem(
    outreach: Outreach, people: People, tree: Tree
):
    day = _schedule(people, tree, outreach)
    outsider = login(people.outsider)
    assert outsider.get(f"/outreach/service-days/{day.pk}/").status_code == 404
    outsider.post(f"/outreach/service-days/{day.pk}/", {"text": "x", "solution": "y"})
    assert "石门镇亲清服务日" not in outsider.get("/outreach/service-days/").content.decode()
    assert not ServiceDayProblem.objects.exists()


def test_a_grid_worker_may_not_organise_a_day_for_the_town(
    outreach: Outreach, people: People, tree: Tree
):
    response = login(people.grid_worker).post(
        "/outreach/service-days/",
        {"title": "x", "held_on": "2026-12-04", "unit": tree.town_a.pk},
    )
    assert response.status_code == 400
    assert not ServiceDay.objects.exists()

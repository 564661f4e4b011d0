"""一企一策: the chief service officer keeps the enterprise's plan on its one-screen page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanfu.cases.models import Case, Channel
from sanfu.outreach.models import PlanItem, PlanItemState
from tests.cases.conftest import People
from tests.conftest import Tree, login
from tests.outreach.conftest import Outreach

pytestmark = pytest.mark.django_db


def _url(outreach: Outreach) -> str:
    return f"/outreach/enterprises/{outreach.enterprise.pk}/"


def test_the_officer_adds_an_item_as_a_case_and_marks_another_done(
    outreach: Outreach, people: People, tree: Tree
):
    client = login(people.cadre)
    page = client.get(_url(outreach)).content.decode()
    assert 'data-testid="plan-form"' in page
    response = client.post(
        _url(outreach),
        {
            "need": "扩建厂房需新增用地20亩",
            "owner": tree.town_a.pk,
            "due_on": "2027-03-31",
            "as_case": "on",
        },
    )
    assert response.status_code == 302
    item = PlanItem.objects.get()
    assert item.case is not None
    assert (item.case.channel, item.case.enterprise) == (Channel.VISIT, outreach.enterprise)
    client.post(_url(outreach), {"done": str(item.pk)})
    item.refresh_from_db()
    assert item.state == PlanItemState.DONE
    page = client.get(_url(outreach)).content.decode()
    assert item.case.number in page
    assert "cadre" in page.split('data-testid="enterprise-links"')[1]


def test_a_date_in_the_past_is_refused(outreach: Outreach, people: People, tree: Tree):
    response = login(people.cadre).post(
        _url(outreach), {"need": "融资需求", "owner": tree.town_a.pk, "due_on": "2026-01-01"}
    )
    assert response.status_code == 400
    assert not PlanItem.objects.exists()


def test_the_grid_worker_reads_but_does_not_keep_the_plan(
    outreach: Outreach, people: People, tree: Tree
):
    client = login(people.grid_worker)
    # Grid A's worker does not see a village enterprise: not in their subtree, not their link.
    assert client.get(_url(outreach)).status_code == 404
    leader_page = login(people.town_leader).get(_url(outreach)).content.decode()
    assert 'data-testid="plan-form"' in leader_page  # a town leader keeps the roster there


def test_the_outsider_gets_404(outreach: Outreach, people: People, tree: Tree):
    outsider = login(people.outsider)
    assert outsider.get(_url(outreach)).status_code == 404
    outsider.post(_url(outreach), {"need": "x", "owner": tree.town_a.pk, "due_on": "2027-01-01"})
    assert not PlanItem.objects.exists()
    assert not Case.objects.exists()


def test_the_enterprise_page_shows_who_serves_it_the_open_plan_and_the_latest_visits(
    outreach: Outreach, people: People, tree: Tree
):
    cadre = login(people.cadre)
    cadre.post(
        _url(outreach),
        {"need": "扩建厂房需新增用地20亩", "owner": tree.town_a.pk, "due_on": "2027-03-31"},
    )
    cadre.post(_url(outreach), {"need": "招工难", "owner": tree.town_a.pk, "due_on": "2027-02-28"})
    done = PlanItem.objects.get(need="招工难")
    cadre.post(_url(outreach), {"done": str(done.pk)})
    response = cadre.post(
        f"/outreach/links/{outreach.enterprise_link.pk}/visit/",
        {"client_key": "k-panel-1", "visited_at": "2026-12-04T09:30", "notes": "平稳"},
    )
    assert response.status_code == 302
    page = login(people.town_leader).get(
        reverse("enterprise:enterprise", args=[outreach.enterprise.pk])
    )
    assert page.status_code == 200
    panel = page.content.decode().split('data-testid="outreach-panel"')[1]
    assert "扩建厂房需新增用地20亩" in panel
    assert "招工难" not in panel  # done items stay on the outreach page only
    assert "2026-12-04 09:30" in panel.split('data-testid="enterprise-visits"')[1]
    assert "cadre" in panel.split('data-testid="enterprise-links"')[1]
    assert (
        login(people.outsider)
        .get(reverse("enterprise:enterprise", args=[outreach.enterprise.pk]))
        .status_code
        == 404
    )

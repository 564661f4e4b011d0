"""Contract co-building: units sign commitments in a community, deliver, the community rates."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from sanfu.directory import services as directory
from sanfu.directory.models import StaffRole, UnitKind
from sanfu.projects import services
from sanfu.projects.models import Commitment, Project
from tests.conftest import Tree, login, make_staff
from tests.projects.conftest import Crew

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock() -> object:
    with time_machine.travel("2026-12-04 10:00 +0800", tick=False):
        yield


def co_building(tree: Tree, crew: Crew) -> Project:
    return services.project_set(
        actor=crew.leader,
        title="上坪村契约共建",
        kind="co_building",
        target_text="为村民提供便民服务",
        answering_unit=tree.department,
        envoy=crew.envoy,
        places=[tree.village_a],
        ends_on=date(2027, 12, 31),
    )


def test_a_signing_unit_commits_delivers_and_the_community_rates(tree: Tree, crew: Crew):
    project = co_building(tree, crew)
    charity = directory.unit_create(
        kind=UnitKind.SOCIAL_ORG, name="云溪县慈善总会", code="YXS01", parent=tree.county
    )
    leader = login(crew.leader)
    signed = leader.post(
        f"/projects/{project.pk}/commitment/",
        {"signing_unit": charity.pk, "deliverable": "老年食堂", "due_on": "2027-03-01"},
    )
    assert signed.status_code == 302
    commitment = Commitment.objects.get()
    delivered = login(crew.envoy).post(
        f"/projects/{project.pk}/deliver/",
        {"commitment": commitment.pk, "note": "食堂开张", "people_served": 120},
    )
    assert delivered.status_code == 302
    # Only the community's own cadres rate.
    refused = leader.post(
        f"/projects/{project.pk}/rate/", {"commitment": commitment.pk, "rating": "satisfied"}
    )
    assert refused.status_code == 400
    rated = login(crew.cadre).post(
        f"/projects/{project.pk}/rate/", {"commitment": commitment.pk, "rating": "satisfied"}
    )
    assert rated.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.people_served, commitment.rating) == (120, "satisfied")
    page = login(crew.cadre).get(f"/projects/community/{tree.village_a.pk}/")
    assert page.context["figures"].people_served == 120
    assert "云溪县慈善总会" in page.content.decode()


def test_a_commitment_after_the_projects_end_is_refused(tree: Tree, crew: Crew):
    project = co_building(tree, crew)
    response = login(crew.leader).post(
        f"/projects/{project.pk}/commitment/",
        {"signing_unit": tree.department.pk, "deliverable": "x", "due_on": "2028-01-01"},
    )
    assert response.status_code == 400
    assert not Commitment.objects.exists()


def test_the_outsider_sees_no_community_page(tree: Tree, crew: Crew):
    co_building(tree, crew)
    outsider = make_staff("b2", tree.town_b, StaffRole.TOWN_STAFF)
    assert login(outsider).get(f"/projects/community/{tree.village_a.pk}/").status_code == 404

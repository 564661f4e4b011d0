"""A project absorbs cases; a linked case is answered by pointing to the project."""

from __future__ import annotations

import pytest

from sanfu.cases import services as cases
from sanfu.cases.models import Case, CaseState
from sanfu.directory.models import StaffRole
from sanfu.projects.models import EventKind
from tests.cases.conftest import Catalogue, web_case
from tests.conftest import Tree, login, make_staff
from tests.projects.conftest import Crew, accepted

pytestmark = pytest.mark.django_db


def in_progress_case(tree: Tree, catalogue: Catalogue, crew: Crew) -> Case:
    """A village's case dispatched to the department and signed for by the envoy."""
    dispatcher = make_staff("dispatcher", tree.county, StaffRole.DISPATCHER)
    case = web_case(tree, catalogue, title="高处断水", location_unit=tree.village_a)
    cases.case_dispatch(actor=dispatcher, case_id=case.pk, lead_unit=tree.department)
    return cases.case_sign(actor=crew.envoy, case_id=case.pk)


def test_a_linked_case_is_answered_by_pointing_to_the_project(
    tree: Tree, catalogue: Catalogue, crew: Crew
):
    project = accepted(tree, crew)
    case = in_progress_case(tree, catalogue, crew)
    envoy = login(crew.envoy)
    linked = envoy.post(f"/projects/{project.pk}/case_link/", {"case": case.number})
    assert linked.status_code == 302
    assert project.case_links.get().case == case
    answered = envoy.post(
        f"/projects/{project.pk}/case_answer/", {"case": case.pk, "text": "加压泵已安装。"}
    )
    assert answered.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.REPLIED
    assert project.title in case.reply_text
    kinds = list(project.events.values_list("kind", flat=True))
    assert EventKind.CASE_LINKED in kinds
    assert EventKind.CASE_ANSWERED in kinds


def test_a_case_belongs_to_one_project_only(tree: Tree, catalogue: Catalogue, crew: Crew):
    first = accepted(tree, crew)
    second = accepted(tree, crew)
    case = in_progress_case(tree, catalogue, crew)
    envoy = login(crew.envoy)
    envoy.post(f"/projects/{first.pk}/case_link/", {"case": case.number})
    response = envoy.post(f"/projects/{second.pk}/case_link/", {"case": case.number})
    assert response.status_code == 400
    assert not second.case_links.exists()


def test_the_outsider_cannot_link_or_answer(tree: Tree, catalogue: Catalogue, crew: Crew):
    project = accepted(tree, crew)
    case = in_progress_case(tree, catalogue, crew)
    client = login(crew.outsider)
    response = client.post(f"/projects/{project.pk}/case_link/", {"case": case.number})
    assert response.status_code == 404
    assert not project.case_links.exists()

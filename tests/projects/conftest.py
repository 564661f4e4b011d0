"""Personas for projects on the shared tree: a county leader, the village that poses, the
department's envoy, the towns' staff, and the outsider (staff of town B)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from sanfu.directory.models import StaffRole, User
from sanfu.projects import services
from sanfu.projects.models import Project
from tests.cases.conftest import catalogue  # noqa: F401 - a fixture for the case tests
from tests.conftest import Tree, make_staff

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


@dataclass
class Crew:
    leader: User  # county leader
    cadre: User  # village A
    envoy: User  # the department
    town_staff: User  # town A
    grid_worker: User  # grid A
    outsider: User  # town B


@pytest.fixture
def crew(tree: Tree) -> Crew:
    return Crew(
        leader=make_staff("leader", tree.county, StaffRole.LEADER),
        cadre=make_staff("cadre", tree.village_a, StaffRole.VILLAGE_CADRE),
        envoy=make_staff("envoy", tree.department, StaffRole.DEPARTMENT_HANDLER),
        town_staff=make_staff("town-a", tree.town_a, StaffRole.TOWN_STAFF),
        grid_worker=make_staff("grid-a", tree.grid_a, StaffRole.GRID_WORKER),
        outsider=make_staff("town-b", tree.town_b, StaffRole.TOWN_STAFF),
    )


def posed(tree: Tree, crew: Crew, title: str = "上坪村饮用水水压不足") -> Project:
    return services.project_pose(
        actor=crew.cadre,
        posing=tree.village_a,
        deciding=tree.county,
        title=title,
        evidence="高处30户夏季断水，附村民联名。",
    )


def accepted(tree: Tree, crew: Crew, *, ends_on: date | None = None) -> Project:
    project = posed(tree, crew)
    return services.project_accept(
        actor=crew.leader,
        project_id=project.pk,
        answering_unit=tree.department,
        envoy=crew.envoy,
        ends_on=ends_on,
    )

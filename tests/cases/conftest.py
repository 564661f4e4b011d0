"""Personas and a small catalogue for the case loop, on top of the shared tree."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from sanfu.cases import services
from sanfu.cases.models import Case, Category, Channel, Priority, RequesterKind, Sla
from sanfu.cases.publication import case_public_draft
from sanfu.cases.services import NewCase, Requester
from sanfu.directory.models import StaffRole, User
from tests.conftest import Tree, make_staff


@dataclass
class Catalogue:
    construction: Category  # level 1, may be handled at village level
    roads: Category  # level 3 under construction
    labour: Category  # level 1, needs a department
    wages: Category  # level 3 under labour


@dataclass
class People:
    dispatcher: User  # county dispatch centre
    supervisor: User  # county
    town_staff: User  # town A
    town_leader: User  # town A
    cadre: User  # village A
    grid_worker: User  # grid A
    handler: User  # the department
    outsider: User  # town B


@pytest.fixture
def catalogue(db: None) -> Catalogue:
    construction = Category.objects.create(code="C01", name="城乡建设", level=1)
    roads_2 = Category.objects.create(code="C0101", name="市政设施", level=2, parent=construction)
    roads = Category.objects.create(code="C010101", name="道路维修", level=3, parent=roads_2)
    labour = Category.objects.create(
        code="C02", name="劳动和社会保障", level=1, village_level_ok=False
    )
    wages_2 = Category.objects.create(code="C0201", name="劳动保障", level=2, parent=labour)
    wages = Category.objects.create(code="C020101", name="拖欠工资", level=3, parent=wages_2)
    Sla.objects.create(priority=Priority.NORMAL, sign_hours=4, reply_days=10)
    return Catalogue(construction, roads, labour, wages)


@pytest.fixture
def people(tree: Tree) -> People:
    return People(
        dispatcher=make_staff("dispatcher", tree.county, StaffRole.DISPATCHER),
        supervisor=make_staff("supervisor", tree.county, StaffRole.SUPERVISOR),
        town_staff=make_staff("town-staff", tree.town_a, StaffRole.TOWN_STAFF),
        town_leader=make_staff("town-leader", tree.town_a, StaffRole.LEADER),
        cadre=make_staff("cadre", tree.village_a, StaffRole.VILLAGE_CADRE),
        grid_worker=make_staff("grid", tree.grid_a, StaffRole.GRID_WORKER),
        handler=make_staff("handler", tree.department, StaffRole.DEPARTMENT_HANDLER),
        outsider=make_staff("outsider", tree.town_b, StaffRole.TOWN_STAFF),
    )


def web_case(tree: Tree, catalogue: Catalogue, **overrides: object) -> Case:
    fields: dict[str, object] = {
        "channel": Channel.WEB,
        "title": "上坪村口路灯不亮",
        "text": "上坪村村口的三盏路灯已经坏了两周，晚上出行很危险。",
        "location_unit": tree.grid_a,
        "address": "上坪村村口12号",
        "requester": Requester(kind=RequesterKind.RESIDENT, name="王建国", phone="13812345678"),
        "category": catalogue.roads,
    }
    fields.update(overrides)
    return services.case_create(new=NewCase(**fields))  # type: ignore[arg-type]


def publish_as_drafted(actor: User, case_id: int) -> Case:
    """公示 as a publisher who reviews the draft and changes nothing."""
    draft = case_public_draft(Case.objects.get(pk=case_id))
    return services.case_publish(
        actor=actor, case_id=case_id, title=draft.title, text=draft.text, reply=draft.reply
    )

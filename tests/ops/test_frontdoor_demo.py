"""The front door's demo data: made once, deterministic, through the services."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from sanfu.directory.models import Unit, UnitKind, User
from sanfu.frontdoor.models import ModuleMapping, Response
from sanfu.ops.demo.frontdoor import ANSWERS, frontdoor_demo_create
from tests.conftest import Tree
from tests.frontdoor.conftest import departments, inspector

__all__ = ["departments", "inspector"]
pytestmark = pytest.mark.django_db


def test_it_seeds_the_front_door_once(
    tree: Tree, departments: dict[str, Unit], inspector: User, administrator: User
) -> None:
    from sanfu.cases.models import Category

    Category.objects.create(code="C01", name="城乡建设", level=1)
    first = frontdoor_demo_create()
    assert first.services >= 30
    assert first.modules == 6
    assert first.survey_answers == ANSWERS
    assert first.cleared == 1
    assert Unit.objects.filter(kind=UnitKind.MODULE, parent=tree.town_a).count() == 6
    mapped = dict(ModuleMapping.objects.values_list("category__name", "module__name"))
    assert mapped == {"城乡建设": "基层治理模块", "政务服务": "公共服务模块"}
    out = io.StringIO()
    call_command("seed", "frontdoor", stdout=out, stderr=io.StringIO())
    assert f'"survey_answers": {ANSWERS}' in out.getvalue()
    assert Response.objects.count() == ANSWERS
    assert Unit.objects.filter(kind=UnitKind.MODULE).count() == 6

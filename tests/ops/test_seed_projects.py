"""`sanfu seed projects`: a year of projects in the demo county, loaded once."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from sanfu.directory.models import User
from sanfu.projects.models import Kind, Project, State
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_it_needs_the_demo_county():
    with pytest.raises(CommandError):
        call_command("seed", "projects", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.slow
def test_it_loads_a_year_of_projects_once_and_the_typhoon_board_reads():
    call_command("seed", "demo", "--password", "demo-pass-123", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed", "projects", stdout=out, stderr=io.StringIO())
    first = json.loads(out.getvalue())
    assert first["created"] is True
    assert first["projects"] > 300
    assert first["finished"] > first["projects"] // 2
    assert 0 < first["late"] < first["finished"]
    assert first["people_served"] > 0
    again = io.StringIO()
    call_command("seed", "projects", stdout=again, stderr=io.StringIO())
    assert json.loads(again.getvalue()) == {**first, "created": False}
    typhoon = Project.objects.get(kind=Kind.EMERGENCY)
    assert typhoon.state == State.FINISHED
    leader = User.objects.get(username="demo-leader")
    board = login(leader).get(f"/projects/{typhoon.pk}/board/")
    assert board.context["board"].all_done

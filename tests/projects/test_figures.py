"""The project figures count dated facts in their period; the export writes text as text."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from openpyxl import load_workbook

from sanfu.projects import figures, services
from sanfu.projects.models import Project
from tests.conftest import Tree, login
from tests.projects.conftest import Crew, accepted, posed

pytestmark = pytest.mark.django_db


def test_led_finished_on_time_and_overdue_by_kind(tree: Tree, crew: Crew):
    with time_machine.travel("2026-03-01 10:00 +0800", tick=False):
        on_time = accepted(tree, crew, ends_on=date(2026, 6, 30))
        late = accepted(tree, crew, ends_on=date(2026, 4, 30))
        open_late = accepted(tree, crew, ends_on=date(2026, 5, 31))
        posed(tree, crew)  # proposed only: not led
        services.milestone_add(
            actor=crew.envoy, project_id=on_time.pk, title="m", due_on=date(2026, 3, 10)
        )
    with time_machine.travel("2026-03-05 10:00 +0800", tick=False):
        milestone = on_time.milestones.get()
        services.milestone_done(actor=crew.envoy, milestone_id=milestone.pk)
        services.project_finish(actor=crew.leader, project_id=on_time.pk)
    with time_machine.travel("2026-05-05 10:00 +0800", tick=False):
        services.project_finish(actor=crew.leader, project_id=late.pk)
    with time_machine.travel("2026-12-04 10:00 +0800", tick=False):
        result = figures.figures_for(user=crew.leader)
        page = login(crew.leader).get("/projects/figures/")
    (problem,) = result.kinds
    assert (problem.led, problem.finished, problem.on_time, problem.overdue) == (3, 2, 1, 1)
    assert result.milestones.reached == 1
    assert result.milestones.on_time == 1
    assert page.status_code == 200
    assert open_late.state == "accepted"


def test_the_outsider_counts_nothing(tree: Tree, crew: Crew):
    accepted(tree, crew)
    assert figures.figures_for(user=crew.outsider).kinds == []


def test_the_export_writes_a_formula_like_title_as_text(tree: Tree, crew: Crew):
    posed(tree, crew, title='=HYPERLINK("http://x")')
    response = login(crew.leader).get("/projects/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    cell = sheet["B2"]
    assert cell.value == '=HYPERLINK("http://x")'
    assert cell.data_type == "s"
    assert Project.objects.count() == 1


def test_the_figures_command_prints_the_county_figures(tree: Tree, crew: Crew):
    import json

    from django.core.management import call_command

    out = io.StringIO()
    with time_machine.travel("2026-12-04 10:00 +0800", tick=False):
        accepted(tree, crew)
        call_command("projects", "figures", stdout=out)
    result = json.loads(out.getvalue())
    assert result["by_kind"][0]["led"] == 1
    assert result["start"] == "2026-01-01"


def test_the_ranking_needs_a_minimum_sample_and_shares_tied_ranks():
    def row(label: str, finished: int, on_time: int) -> figures.Row:
        return figures.Row(label, finished, finished, on_time, 0, 0, 0)

    rows = [row("甲", 5, 5), row("乙", 10, 10), row("丙", 6, 3), row("丁", 4, 4)]
    ranked = [(item.rank, item.row.label) for item in figures.ranking(rows)]
    assert ranked == [(1, "乙"), (1, "甲"), (3, "丙"), (None, "丁")]

"""`sanfu routing replay`: closed cases routed before routing recorded anything (the demo's
seeded history) get today's suggestions and their final choice, so the accuracy page has
figures — the model read against the decisions actually taken, right or wrong."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from sanfu.cases.models import Case, CaseState
from sanfu.directory.models import StaffRole
from sanfu.routing.model import Router
from sanfu.routing.models import Choice, Source, Suggestion, SuggestionKind
from sanfu.routing.selectors import routing_accuracy
from sanfu.routing.suggest import forget_router
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree, login, make_staff

pytestmark = pytest.mark.django_db


def replay() -> dict[str, Any]:
    out, err = io.StringIO(), io.StringIO()
    call_command("routing", "replay", stdout=out, stderr=err)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def closed(case: Case, tree: Tree, *, days: int = 3) -> Case:
    """A case as the seeding leaves it: closed, dispatched and answered, nothing recorded."""
    dispatched = case.received_at + timedelta(hours=2)
    Case.objects.filter(pk=case.pk).update(
        state=CaseState.CLOSED,
        lead_unit=tree.village_a,
        dispatched_at=dispatched,
        closed_at=dispatched + timedelta(days=days),
    )
    case.refresh_from_db()
    return case


def test_replay_records_suggestions_and_choices_and_the_accuracy_page_shows_them(
    tree: Tree, catalogue: Catalogue, people: People, data_dir: Path, router: Router
):
    router.save()
    forget_router()
    # Lamps under 城乡建设: the model agrees. Unpaid wages filed under roads: it does not.
    agreed = closed(web_case(tree, catalogue), tree)
    disagreed = closed(
        web_case(tree, catalogue, title="工资拖欠", text="老板拖欠工资三个月，社保也没有缴纳。"),
        tree,
    )
    still_open = web_case(tree, catalogue, title="路灯不亮", text="道路破损，路灯不亮。")

    result = replay()
    assert result["cases"] == 2
    assert result["model_version"] == router.version
    assert result["suggestions"] == Suggestion.objects.count() > 0
    assert not Suggestion.objects.filter(case=still_open).exists()
    top = Suggestion.objects.get(case=agreed, kind=SuggestionKind.CATEGORY, rank=1)
    assert (top.label, top.source, top.chosen) == ("城乡建设", Source.MODEL, True)
    assert top.at == agreed.received_at
    wrong = Suggestion.objects.get(case=disagreed, kind=SuggestionKind.CATEGORY, rank=1)
    # The text names the matter itself (拖欠工资), which comes before the model's field.
    assert (wrong.label, wrong.source, wrong.chosen) == ("拖欠工资", Source.CATALOGUE, False)
    choice = Choice.objects.get(case=disagreed)
    assert (choice.category, choice.lead_unit, choice.at) == (
        catalogue.roads,
        tree.village_a,
        disagreed.dispatched_at,
    )

    accuracy = routing_accuracy(user=people.dispatcher)
    assert (accuracy.cases, accuracy.category_top1) == (2, 0.5)
    assert routing_accuracy(user=people.outsider).cases == 0
    administrator = make_staff("admin", tree.county, StaffRole.ADMINISTRATOR)
    html = login(administrator).get("/workbench/routing/accuracy/").content.decode()
    assert "<td>2</td>" in html
    assert "50%" in html

    # Once is enough: a second run records nothing more.
    again = replay()
    assert (again["cases"], again["suggestions"]) == (0, 0)
    assert Choice.objects.count() == 2


def test_replay_without_a_model_records_the_choice_and_no_category_guess(
    tree: Tree, catalogue: Catalogue, data_dir: Path
):
    forget_router()
    case = closed(web_case(tree, catalogue), tree)
    result = replay()
    assert (result["cases"], result["model_version"]) == (1, None)
    assert not Suggestion.objects.filter(case=case, kind=SuggestionKind.CATEGORY).exists()
    assert Choice.objects.filter(case=case).exists()

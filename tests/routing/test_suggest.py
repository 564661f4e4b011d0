"""Suggestions at intake: rules first, the model as fallback, the catalogue for the unit; and
what was suggested and chosen is recorded so accuracy comes from real use."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanfu.cases import services as cases
from sanfu.cases.models import Category
from sanfu.lib.errors import ValidationFailed
from sanfu.routing import services
from sanfu.routing.model import Router
from sanfu.routing.models import Source, Suggestion, SuggestionKind
from sanfu.routing.selectors import routing_accuracy, suggestions_for
from sanfu.routing.suggest import MIN_CONFIDENCE, forget_router, suggest
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def fields(catalogue: Catalogue) -> dict[str, Category]:
    education = Category.objects.create(code="C03", name="教育文体", level=1)
    return {
        "城乡建设": catalogue.construction,
        "劳动和社会保障": catalogue.labour,
        "教育文体": education,
    }


def test_without_a_model_or_rules_only_the_catalogue_unit_is_suggested(tree: Tree, data_dir: Path):
    forget_router()
    found = suggestions_for(title="路灯不亮", text="村口路灯坏了", place=tree.grid_a)
    assert found.categories == []
    assert found.lead_unit is not None
    assert found.lead_unit.unit == tree.town_a
    assert found.lead_unit.source == Source.CATALOGUE


def test_the_model_suggests_up_to_three_likely_fields_with_the_village_as_lead(
    tree: Tree, router: Router, fields: dict[str, Category]
):
    found = suggest(title="小区路灯不亮", text="井盖丢失。", place=tree.grid_a, router=router)
    assert found.categories[0].label == "城乡建设"
    assert 1 <= len(found.categories) <= 3
    assert all((c.confidence or 0) >= MIN_CONFIDENCE for c in found.categories)
    assert found.categories[0].category == fields["城乡建设"]
    assert found.categories[0].source == Source.MODEL
    assert found.model_version == router.version
    # 城乡建设 may be handled at village level: the grid's village leads.
    assert found.lead_unit is not None
    assert found.lead_unit.unit == tree.village_a


def test_a_matching_rule_comes_before_the_model_and_names_its_unit(
    tree: Tree, router: Router, catalogue: Catalogue
):
    rule = services.rule_create(
        keywords="工资 拖欠", category=catalogue.wages, lead_unit=tree.department
    )
    found = suggest(title="老板拖欠工资", text="三个月没有发工资", place=tree.grid_a, router=router)
    assert found.categories[0].category == catalogue.wages
    assert found.categories[0].rule == rule
    assert found.categories[0].source == Source.RULE
    # The model does not repeat the rule's field.
    assert "劳动和社会保障" not in [c.label for c in found.categories[1:]]
    assert found.lead_unit is not None
    assert found.lead_unit.unit == tree.department
    assert found.lead_unit.source == Source.RULE


def test_a_rule_needs_all_its_keywords_and_its_area(tree: Tree, catalogue: Catalogue):
    services.rule_create(keywords="井盖 丢失", category=catalogue.roads, area=tree.town_b)
    in_a = suggest(title="井盖丢失", text="", place=tree.grid_a)
    in_b = suggest(title="井盖丢失", text="", place=tree.village_b)
    only_one = suggest(title="井盖", text="", place=tree.village_b)
    assert in_a.categories == []
    assert [c.category for c in in_b.categories] == [catalogue.roads]
    assert only_one.categories == []


def test_a_rule_without_keywords_is_refused(catalogue: Catalogue):
    with pytest.raises(ValidationFailed) as refused:
        services.rule_create(keywords="  ，  ", category=catalogue.roads)
    assert refused.value.field == "keywords"


def test_suggestions_and_the_choice_are_recorded_and_accuracy_follows(
    tree: Tree, router: Router, fields: dict[str, Category], catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue, category=None, title="小区路灯不亮", text="井盖丢失")
    found = suggest(title=case.title, text=case.text, place=case.location_unit, router=router)
    rows = services.suggestion_record(case=case, suggestions=found)
    assert len(rows) == len(found.categories) + 1  # the categories and a lead unit
    cases.case_dispatch(
        actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a, category=catalogue.roads
    )
    services.choice_record(
        case=case, category=catalogue.roads, lead_unit=tree.village_a, actor=people.dispatcher
    )
    chosen = Suggestion.objects.filter(case=case, chosen=True)
    # The level-3 category chosen lies under the suggested field; the unit was suggested.
    assert sorted(chosen.values_list("kind", "rank")) == [
        (SuggestionKind.CATEGORY, 1),
        (SuggestionKind.LEAD_UNIT, 1),
    ]
    accuracy = routing_accuracy(user=people.dispatcher)
    assert accuracy.cases == 1
    assert accuracy.category_top1 == 1.0
    assert accuracy.lead_unit == 1.0
    assert accuracy.by_source == {Source.MODEL: 1.0}


def test_an_outsider_sees_no_accuracy_of_cases_they_cannot_see(
    tree: Tree, router: Router, fields: dict[str, Category], catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    services.choice_record(case=case, category=catalogue.roads, lead_unit=tree.village_a)
    assert routing_accuracy(user=people.outsider).cases == 0

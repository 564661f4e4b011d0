"""Similar and duplicate cases: the same thing said in the same town, recent, visible only to
those who may see the cases, and mergeable through the case loop."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sanfu.cases import services as cases
from sanfu.cases.models import Case, CaseState
from sanfu.routing import services
from sanfu.routing.models import CaseTerm
from sanfu.routing.selectors import similar_cases, similar_published_cases, similar_to_case
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

LAMP = {"title": "上坪村口路灯不亮", "text": "上坪村村口的三盏路灯已经坏了两周，晚上出行很危险。"}
LAMP_TITLE, LAMP_TEXT = LAMP["title"], LAMP["text"]
WAGES = {"title": "石门镇工厂拖欠工资", "text": "石门镇一家鞋厂拖欠工人三个月工资，老板失联。"}


def indexed(tree: Tree, catalogue: Catalogue, **fields: object) -> Case:
    case = web_case(tree, catalogue, **fields)
    assert services.case_index(case=case)
    return case


def test_a_case_saying_the_same_thing_in_the_same_place_is_found_first(
    tree: Tree, catalogue: Catalogue, people: People
):
    same = indexed(tree, catalogue, **LAMP)
    other_topic = indexed(tree, catalogue, **WAGES)
    found = similar_cases(
        user=people.dispatcher,
        title="上坪村路灯坏了",
        text="村口路灯不亮两周了，晚上很黑，出行危险。",
        place=tree.grid_a,
    )
    assert [s.case for s in found][:1] == [same]
    assert other_topic not in [s.case for s in found]
    assert found[0].same_village
    assert found[0].is_open


def test_cases_in_another_town_are_not_offered(tree: Tree, catalogue: Catalogue, people: People):
    indexed(tree, catalogue, location_unit=tree.village_b, **LAMP)
    found = similar_cases(
        user=people.dispatcher, place=tree.grid_a, title=LAMP_TITLE, text=LAMP_TEXT
    )
    assert found == []


def test_an_outsider_is_offered_nothing_they_may_not_see(
    tree: Tree, catalogue: Catalogue, people: People
):
    indexed(tree, catalogue, **LAMP)
    assert (
        similar_cases(user=people.outsider, place=tree.grid_a, title=LAMP_TITLE, text=LAMP_TEXT)
        == []
    )
    assert (
        similar_cases(user=people.town_staff, place=tree.grid_a, title=LAMP_TITLE, text=LAMP_TEXT)
        != []
    )


def test_cases_older_than_the_window_are_not_offered(
    tree: Tree, catalogue: Catalogue, people: People
):
    old = indexed(tree, catalogue, **LAMP)
    CaseTerm.objects.filter(case=old).update(received_at=old.received_at - timedelta(days=400))
    assert (
        similar_cases(user=people.dispatcher, place=tree.grid_a, title=LAMP_TITLE, text=LAMP_TEXT)
        == []
    )


def test_a_duplicate_is_offered_on_the_case_page_and_merged_in_one_action(
    tree: Tree, catalogue: Catalogue, people: People
):
    master = indexed(tree, catalogue, **LAMP)
    duplicate = indexed(
        tree, catalogue, title="路灯坏了", text="上坪村村口路灯坏了两周，晚上危险。"
    )
    found = similar_to_case(user=people.dispatcher, case=duplicate)
    assert [s.case for s in found] == [master]
    cases.case_merge(actor=people.dispatcher, case_id=duplicate.pk, master_id=master.pk)
    # Once merged, the duplicate is no longer offered; its master still is.
    assert similar_to_case(user=people.dispatcher, case=master) == []
    assert Case.objects.get(pk=duplicate.pk).state == CaseState.MERGED


def test_text_with_no_keywords_finds_nothing_and_raises_nothing(
    tree: Tree, catalogue: Catalogue, people: People
):
    indexed(tree, catalogue, **LAMP)
    for text in ["", "😀😀", "<b></b>", "。。。"]:
        assert similar_cases(user=people.dispatcher, title=text, text=text, place=tree.grid_a) == []


def test_the_backfill_indexes_every_case_once(tree: Tree, catalogue: Catalogue):
    made = [web_case(tree, catalogue, **LAMP) for _ in range(3)]
    assert services.cases_index(cases=made, batch_size=2) == 3
    assert services.cases_index(cases=made) == 3
    assert CaseTerm.objects.filter(case__in=made).values("case").distinct().count() == 3
    per_case = CaseTerm.objects.filter(case=made[0]).count()
    assert CaseTerm.objects.count() == 3 * per_case


def test_the_public_is_offered_only_published_answers(
    tree: Tree, catalogue: Catalogue, people: People
):
    unpublished = indexed(tree, catalogue, **LAMP)
    published = indexed(tree, catalogue, **LAMP)
    Case.objects.filter(pk=published.pk).update(
        published_at=published.received_at, public_title="路灯不亮", public_reply="已修复"
    )
    found = similar_published_cases(title=LAMP_TITLE, text=LAMP_TEXT, place=tree.grid_a)
    assert [s.case for s in found] == [published]
    assert unpublished not in [s.case for s in found]

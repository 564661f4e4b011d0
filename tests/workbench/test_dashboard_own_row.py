"""A unit's own row (本级) makes its places add up to the whole, from the aggregates and live;
an explicit rebuild after a re-zoning is recorded and the page says which closed months it
recomputed."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from sanfu.cases import services
from sanfu.cases.models import Assignment, Case, CaseEvent, CaseRating, CaseReply, ReplyKind
from sanfu.directory.models import Unit
from sanfu.insight.build import insight_rebuild
from sanfu.insight.models import Rebuild, Watermark
from sanfu.workbench.selectors import dashboard as d
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree, login
from tests.workbench.test_dashboard import history, months_ago, scope

pytestmark = pytest.mark.django_db

# The additive counts a table row shows.
COUNTS = ("received", "accepted", "assigned", "signed", "handled", "rated", "reopened")


def own_cases(tree: Tree, catalogue: Catalogue, people: People) -> None:
    """Cases lying at the county and at town A themselves (no village), answered last month.
    Intake places a case in a town at least; an import may place it at the county."""
    for place, lead in ((tree.county, tree.department), (tree.town_a, tree.town_a)):
        case = web_case(tree, catalogue, location_unit=tree.town_a)
        Case.objects.filter(pk=case.pk).update(location_unit=place)
        services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=lead)
        actor = people.handler if lead == tree.department else people.town_staff
        services.case_sign(actor=actor, case_id=case.pk)
        services.case_reply(actor=actor, case_id=case.pk, kind=ReplyKind.SOLVED, text="答复")
        shift = timedelta(days=31)
        Case.objects.filter(pk=case.pk).update(
            received_at=F("received_at") - shift,
            accepted_at=F("accepted_at") - shift,
            signed_at=F("signed_at") - shift,
            replied_at=F("replied_at") - shift,
        )
        Assignment.objects.filter(case=case).update(
            assigned_at=F("assigned_at") - shift, signed_at=F("signed_at") - shift
        )
        CaseReply.objects.filter(case=case).update(at=F("at") - shift)
        CaseRating.objects.filter(case=case).update(at=F("at") - shift)
        CaseEvent.objects.filter(case=case).update(at=F("at") - shift)
    insight_rebuild()


def added_up(board: d.Dashboard) -> dict[str, int]:
    assert board.own is not None
    return {
        name: sum(getattr(row.figures, name) for row in board.places)
        + getattr(board.own.figures, name)
        for name in COUNTS
    }


def test_the_places_and_the_own_row_add_up_to_the_whole(
    tree: Tree, catalogue: Catalogue, people: People
):
    history(tree, catalogue, people)
    own_cases(tree, catalogue, people)
    for unit in (tree.county, tree.town_a):
        board = d.dashboard(scope=scope(unit, months_ago(4), months_ago(0)))
        assert board.as_of is not None
        assert board.own is not None
        assert added_up(board) == {name: getattr(board.figures, name) for name in COUNTS}
    county = d.dashboard(scope=scope(tree.county, months_ago(4), months_ago(0)))
    assert county.own is not None
    assert county.own.figures.received == 1  # the case lying at the county itself
    town = d.dashboard(scope=scope(tree.town_a, months_ago(4), months_ago(0)))
    assert town.own is not None
    assert town.own.figures.received == 1  # the case lying at the town itself
    assert town.own.label == "石门镇（本级）"


def test_the_own_row_is_the_same_live_and_from_the_aggregates(
    tree: Tree, catalogue: Catalogue, people: People
):
    history(tree, catalogue, people)
    own_cases(tree, catalogue, people)
    for unit in (tree.county, tree.town_a):
        whole = scope(unit, months_ago(4), months_ago(0))
        kept = d.dashboard(scope=whole).own
        narrow = [catalogue.construction, catalogue.roads, catalogue.roads.parent]
        by_category = [
            d.dashboard(scope=scope(unit, months_ago(4), months_ago(0), category)).own
            for category in narrow
        ]
        Watermark.objects.all().delete()  # no aggregates yet: computed from the cases
        live = d.dashboard(scope=whole)
        assert live.as_of is None
        assert live.own == kept
        live_by_category = [
            d.dashboard(scope=scope(unit, months_ago(4), months_ago(0), category)).own
            for category in narrow
        ]
        assert live_by_category == by_category
        assert by_category[1] is not None
        assert by_category[1].figures.received > 0
        insight_rebuild()


def test_a_unit_without_places_has_no_own_row(tree: Tree, catalogue: Catalogue, people: People):
    history(tree, catalogue, people)
    for unit in (tree.department, tree.village_a):
        assert d.dashboard(scope=scope(unit, months_ago(4), months_ago(0))).own is None


def test_the_page_shows_the_own_row_and_says_towns_and_departments_overlap(
    tree: Tree, catalogue: Catalogue, people: People
):
    history(tree, catalogue, people)
    own_cases(tree, catalogue, people)
    client = login(people.supervisor)
    client.cookies["django_language"] = "zh-hans"
    query = {"start": months_ago(4).strftime("%Y-%m"), "end": months_ago(0).strftime("%Y-%m")}
    page = client.get("/workbench/dashboard/", query, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="own-row"' in text
    assert "云溪县（本级）" in text
    assert "部门与乡镇相互重叠" in text


def test_an_outsider_sees_no_own_row_of_another_town(
    tree: Tree, catalogue: Catalogue, people: People
):
    history(tree, catalogue, people)
    own_cases(tree, catalogue, people)
    refused = login(people.outsider).get("/workbench/dashboard/", {"unit": tree.town_a.pk})
    assert refused.status_code == 400
    assert "石门镇（本级）" not in refused.content.decode()


def test_an_explicit_rebuild_is_recorded_and_the_page_names_the_closed_months(
    tree: Tree, catalogue: Catalogue, people: People
):
    history(tree, catalogue, people)
    client = login(people.supervisor)
    query = {"start": months_ago(4).strftime("%Y-%m"), "end": months_ago(0).strftime("%Y-%m")}
    before = client.get("/workbench/dashboard/", query)
    assert 'data-testid="rebuilt"' not in before.content.decode()
    # A re-zoning: village B moves from town B to town A; the county asks for a rebuild.
    Unit.objects.filter(pk=tree.village_b.pk).update(parent=tree.town_a)
    call_command("insight", "rebuild", "--reason", "下湾村划入石门镇", stdout=io.StringIO())
    record = Rebuild.objects.get()
    assert record.reason == "下湾村划入石门镇"
    assert record.last_day == timezone.localdate()
    after = client.get("/workbench/dashboard/", query)
    text = after.content.decode()
    assert 'data-testid="rebuilt"' in text
    assert "下湾村划入石门镇" in text
    board = after.context["board"]
    months = [month for month, _at, _reason in board.rebuilt]
    assert months_ago(1) in months
    assert months_ago(0) not in months  # the running month was never reported


def test_the_first_load_is_not_a_rebuild_to_announce(
    tree: Tree, catalogue: Catalogue, people: People
):
    web_case(tree, catalogue)
    call_command("insight", "rebuild", stdout=io.StringIO())
    assert not Rebuild.objects.exists()
    call_command("insight", "rebuild", stdout=io.StringIO())
    assert Rebuild.objects.count() == 1


def test_a_rebuild_since_a_day_names_only_the_months_from_it(
    tree: Tree, catalogue: Catalogue, people: People
):
    history(tree, catalogue, people)
    since = months_ago(1).isoformat()
    call_command("insight", "rebuild", "--since", since, stdout=io.StringIO())
    board = d.dashboard(scope=scope(tree.county, months_ago(4), months_ago(0)))
    assert [month for month, _at, _reason in board.rebuilt] == [months_ago(1)]
    earlier = d.dashboard(scope=scope(tree.county, months_ago(4), months_ago(2)))
    assert earlier.rebuilt == []

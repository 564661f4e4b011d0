"""The dashboard's numbers are the case loop's figures: the same for the same filter, for
the whole scope, per month, per unit and per category; and the cases behind each number."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.db.models import F
from django.utils import timezone
from openpyxl import load_workbook

from sanfu.cases import services
from sanfu.cases.figures import case_figures
from sanfu.cases.models import (
    Assignment,
    Case,
    CaseEvent,
    CaseRating,
    CaseReply,
    Channel,
    Rating,
    ReplyKind,
)
from sanfu.insight.build import insight_rebuild
from sanfu.workbench.selectors import dashboard as d
from sanfu.workbench.selectors import queues
from sanfu.workbench.views import dashboard as dashboard_view
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree, login

pytestmark = pytest.mark.django_db


def months_ago(months: int) -> date:
    today = timezone.localdate().replace(day=1)
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def history(tree: Tree, catalogue: Catalogue, people: People) -> list[Case]:
    """Cases in every state, moved back over three months, in two towns and a department."""
    made: list[Case] = []
    plans = [
        (tree.village_a, tree.village_a, ReplyKind.SOLVED, Rating.SATISFIED, 0),
        (tree.village_a, tree.village_a, ReplyKind.EXPLAINED, Rating.UNSATISFIED, 1),
        (tree.village_b, tree.town_b, ReplyKind.ON_THE_SPOT, Rating.BASICALLY, 1),
        (tree.village_b, tree.department, ReplyKind.SOLVED, None, 2),
        (tree.grid_a, tree.department, None, None, 2),
        (tree.village_a, None, None, None, 0),
    ]
    for place, lead, reply, rating, back in plans:
        category = catalogue.wages if lead == tree.department else catalogue.roads
        channel = Channel.HOTLINE if back == 1 else Channel.WEB
        case = web_case(tree, catalogue, location_unit=place, category=category, channel=channel)
        if lead is not None:
            services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=lead)
            actor = {
                tree.village_a: people.cadre,
                tree.department: people.handler,
                tree.town_b: people.outsider,
            }[lead]
            services.case_sign(actor=actor, case_id=case.pk)
            if reply is not None:
                services.case_reply(actor=actor, case_id=case.pk, kind=reply, text="答复")
            if rating is not None:
                services.case_rate(
                    solved=True, number=case.number, token=case.tracking_token, rating=rating
                )
        shift = timedelta(days=31 * back)
        Case.objects.filter(pk=case.pk).update(
            received_at=F("received_at") - shift,
            accepted_at=F("accepted_at") - shift,
            signed_at=F("signed_at") - shift,
            replied_at=F("replied_at") - shift,
            rated_at=F("rated_at") - shift,
        )
        # The facts the figures count move with it (their rows are never changed otherwise).
        Assignment.objects.filter(case=case).update(
            assigned_at=F("assigned_at") - shift, signed_at=F("signed_at") - shift
        )
        CaseReply.objects.filter(case=case).update(at=F("at") - shift)
        CaseRating.objects.filter(case=case).update(at=F("at") - shift)
        CaseEvent.objects.filter(case=case).update(at=F("at") - shift)
        made.append(case)
    Case.objects.filter(pk=made[0].pk).update(replied_on_time=False)
    CaseReply.objects.filter(case=made[0]).update(on_time=False)
    # The dates were moved behind the timeline's back: recompute every day, as after an import.
    insight_rebuild()
    return made


def scope(unit, start: date, end: date, category=None) -> d.Scope:
    return d.Scope(
        unit=unit,
        start=d.month_start(start),
        end=d.month_start(d.next_month(end)),
        category=category,
    )


def figures(s: d.Scope):
    return case_figures(unit=s.unit, start=s.start, end=s.end, category=s.category)


def test_every_group_equals_case_figures_for_that_group(
    tree: Tree, catalogue: Catalogue, people: People
):
    history(tree, catalogue, people)
    whole = scope(tree.county, months_ago(4), months_ago(0))
    board = d.dashboard(scope=whole)
    assert board.figures == figures(whole)
    assert board.figures.received == 6
    for row in board.trend:
        assert row.month is not None
        assert row.figures == figures(scope(tree.county, row.month, row.month)), row.label
    for row in board.places + board.departments:
        assert row.figures == figures(scope(row.unit, months_ago(4), months_ago(0))), row.label
    for row in board.categories:
        category = catalogue.construction if row.label == "城乡建设" else catalogue.labour
        assert row.figures == figures(scope(tree.county, months_ago(4), months_ago(0), category))
    assert sum(row.figures.received for row in board.channels) == 6
    town_a = next(row for row in board.places if row.unit == tree.town_a)
    assert town_a.figures.received == 4  # three placed there, one led from the department
    assert board.as_of is not None


def test_with_a_category_every_group_equals_case_figures(
    tree: Tree, catalogue: Catalogue, people: People
):
    history(tree, catalogue, people)
    roads = scope(tree.county, months_ago(4), months_ago(0), catalogue.construction)
    board = d.dashboard(scope=roads)
    assert board.as_of is not None  # a broad category is kept in the aggregates too
    assert board.figures == figures(roads)
    assert board.figures.received == 4
    for row in board.trend:
        assert row.month is not None
        month = scope(tree.county, row.month, row.month, catalogue.construction)
        assert row.figures == figures(month), row.label
    for row in board.places + board.departments:
        place = scope(row.unit, months_ago(4), months_ago(0), catalogue.construction)
        assert row.figures == figures(place), row.label


def test_a_narrow_category_on_the_page_equals_case_figures(
    tree: Tree, catalogue: Catalogue, people: People
):
    history(tree, catalogue, people)
    client = login(people.supervisor)
    span = {"start": months_ago(4).strftime("%Y-%m"), "end": months_ago(0).strftime("%Y-%m")}
    page = client.get("/workbench/dashboard/", span)
    offered = {
        choice[0].value for choice in page.context["form"].fields["category"].choices if choice[0]
    }
    for category in (catalogue.roads, catalogue.roads.parent, catalogue.wages.parent):
        assert category is not None
        assert category.pk in offered, category.name  # the form offers the whole tree
        response = client.get("/workbench/dashboard/", {**span, "category": str(category.pk)})
        assert response.status_code == 200
        board = response.context["board"]
        assert board.as_of is not None  # read from the aggregates, not from the cases
        whole = scope(tree.county, months_ago(4), months_ago(0), category)
        assert board.figures == figures(whole), category.name
        assert board.figures.received > 0
        for row in board.trend:
            month = scope(tree.county, row.month, row.month, category)
            assert row.figures == figures(month), (category.name, row.label)
        for row in board.places + board.departments:
            place = scope(row.unit, months_ago(4), months_ago(0), category)
            assert row.figures == figures(place), (category.name, row.label)
        assert [row.key for row in board.categories] == [str(category.pk)]
        assert sum(row.figures.received for row in board.channels) == board.figures.received


def test_a_unit_below_the_minimum_sample_is_not_ranked(
    tree: Tree, catalogue: Catalogue, people: People, monkeypatch: pytest.MonkeyPatch
):
    history(tree, catalogue, people)
    whole = scope(tree.county, months_ago(4), months_ago(0))
    places = d.dashboard(scope=whole).places
    assert all(row.rank is None for row in places)
    monkeypatch.setattr(d, "MIN_SAMPLE", 1)
    places = d.dashboard(scope=whole, rank_by=d.Rank.ON_TIME).places
    ranked = [row.unit for row in places if row.rank is not None]
    assert ranked == [tree.town_b, tree.town_a]  # 100% on time before 0%


def test_the_page_shows_the_same_numbers_and_drills_down(
    tree: Tree, catalogue: Catalogue, people: People
):
    made = history(tree, catalogue, people)
    client = login(people.supervisor)
    query: dict[str, Any] = {
        "start": months_ago(4).strftime("%Y-%m"),
        "end": months_ago(0).strftime("%Y-%m"),
    }
    response = client.get("/workbench/dashboard/", query)
    assert response.status_code == 200
    whole = scope(tree.county, months_ago(4), months_ago(0))
    assert response.context["board"].figures == figures(whole)
    drill = client.get(
        "/workbench/dashboard/cases/", {**query, "unit": tree.county.pk, "figure": "handled"}
    )
    listed = {case.pk for case in drill.context["page"].cases}
    # The case rated 不满意 was reopened: its answer stays an answer given, and counted.
    assert listed == {made[0].pk, made[1].pk, made[2].pk, made[3].pk}
    late = client.get(
        "/workbench/dashboard/cases/", {**query, "unit": tree.county.pk, "figure": "late"}
    )
    assert [case.pk for case in late.context["page"].cases] == [made[0].pk]
    # The backlog is what stands open now, whatever the period.
    now_open = client.get(
        "/workbench/dashboard/cases/", {**query, "unit": tree.county.pk, "figure": "open"}
    )
    assert {case.pk for case in now_open.context["page"].cases} == {
        made[1].pk,
        made[4].pk,
        made[5].pk,
    }


def test_a_town_leader_cannot_look_at_another_town(
    tree: Tree, catalogue: Catalogue, people: People
):
    history(tree, catalogue, people)
    client = login(people.town_leader)
    mine = client.get("/workbench/dashboard/")
    assert mine.context["scope"].unit == tree.town_a
    other = client.get("/workbench/dashboard/", {"unit": tree.town_b.pk})
    assert other.status_code == 400
    drill = client.get(
        "/workbench/dashboard/cases/", {"unit": str(tree.town_b.pk), "figure": "received"}
    )
    assert drill.status_code == 404


def test_the_drill_down_exports_to_excel(tree: Tree, catalogue: Catalogue, people: People):
    history(tree, catalogue, people)
    response = login(people.supervisor).get(
        "/workbench/dashboard/cases/",
        {"unit": str(tree.county.pk), "figure": "received", "export": "xlsx"},
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "X-Export-Cut" not in response
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert len(book.sheetnames) == 1  # nothing was cut: no note


def test_a_cut_drill_down_export_says_so(
    tree: Tree, catalogue: Catalogue, people: People, monkeypatch: pytest.MonkeyPatch
):
    history(tree, catalogue, people)
    monkeypatch.setattr(dashboard_view, "EXPORT_LIMIT", 2)
    monkeypatch.setattr(queues, "EXPORT_LIMIT", 2)
    response = login(people.supervisor).get(
        "/workbench/dashboard/cases/",
        {"unit": str(tree.county.pk), "figure": "received", "export": "xlsx"},
    )
    assert response["X-Export-Cut"] == "2/6"
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    first, cases = (book[name] for name in book.sheetnames)
    note = str(next(first.iter_rows(values_only=True))[0])
    assert "2" in note
    assert "6" in note
    assert len(list(cases.iter_rows(values_only=True))) == 1 + 2  # the header and two rows

"""The daily aggregates follow the case loop: after each sweep pass the dashboard's numbers,
read from them, equal `case_figures` computed from the cases — for the county, each town and
department, each month — however the cases moved in between."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import date, timedelta
from functools import partial

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from sanfu.cases import services
from sanfu.cases.figures import Rate, case_figures
from sanfu.cases.models import Category, Rating, ReplyKind
from sanfu.directory.models import Unit
from sanfu.insight.models import PARTS, DailyParts, Watermark
from sanfu.workbench.selectors import dashboard as d
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree, login

pytestmark = pytest.mark.django_db


def sweep() -> dict[str, object]:
    out = io.StringIO()
    call_command("sweep", "--once", stdout=out)
    result: dict[str, object] = json.loads(out.getvalue())
    return result


def this_month() -> d.Scope:
    today = timezone.localdate()
    return d.Scope(
        unit=Unit.objects.get(kind="county"),
        start=d.month_start(today),
        end=d.month_start(d.next_month(today)),
    )


def assert_equal_everywhere(tree: Tree, category: Category | None = None) -> None:
    whole = replace(this_month(), category=category)
    board = d.dashboard(scope=whole)
    assert board.as_of is not None
    figures = partial(case_figures, start=whole.start, end=whole.end, category=category)
    assert board.figures == figures(unit=tree.county)
    for row in board.places + board.departments:
        assert row.unit is not None
        assert row.figures == figures(unit=row.unit), row.label
    town = replace(whole, unit=tree.town_a)
    assert d.dashboard(scope=town).figures == figures(unit=tree.town_a)


def assert_equal_by_category(tree: Tree, catalogue: Catalogue) -> None:
    assert_equal_everywhere(tree)
    # A broad category is read from the aggregates too, and must say what its cases say.
    assert_equal_everywhere(tree, catalogue.construction)
    assert_equal_everywhere(tree, catalogue.labour)
    # So is a narrower one (level 2 with its subtree, level 3), by the same definitions.
    for narrow in (catalogue.roads, catalogue.wages):
        assert narrow.parent is not None
        assert_equal_everywhere(tree, narrow)
        assert_equal_everywhere(tree, narrow.parent)


def test_each_sweep_brings_the_dashboard_level_with_the_cases(
    tree: Tree, catalogue: Catalogue, people: People
):
    first = web_case(tree, catalogue)
    second = web_case(tree, catalogue, location_unit=tree.village_b, category=catalogue.wages)
    result = sweep()
    assert result["insight"]["days"] >= 1  # type: ignore[index]
    assert_equal_by_category(tree, catalogue)
    assert d.dashboard(scope=this_month()).figures.received == 2

    services.case_dispatch(actor=people.dispatcher, case_id=first.pk, lead_unit=tree.village_a)
    services.case_sign(actor=people.cadre, case_id=first.pk)
    # Moved to the department: the town's figures lose the lead, the department's gain it.
    services.case_transfer(
        actor=people.dispatcher, case_id=first.pk, lead_unit=tree.department, note="职能部门办理"
    )
    services.case_dispatch(actor=people.dispatcher, case_id=second.pk, lead_unit=tree.town_b)
    sweep()
    assert_equal_by_category(tree, catalogue)

    services.case_sign(actor=people.handler, case_id=first.pk)
    services.case_reply(actor=people.handler, case_id=first.pk, kind=ReplyKind.SOLVED, text="已修")
    services.case_rate(
        solved=True, number=first.number, token=first.tracking_token, rating=Rating.UNSATISFIED
    )
    sweep()
    assert_equal_by_category(tree, catalogue)
    board = d.dashboard(scope=this_month())
    assert (board.figures.received, board.backlog.open) == (2, 2)  # reopened: open again
    # The 不满意 stays counted after the reopen.
    assert (board.figures.rated, board.figures.handled) == (1, 1)
    assert board.figures.satisfaction_rate == Rate(0, 1)
    # A rebuild from nothing (the path that reads the cases through its narrow copy) says
    # the same for every family.
    DailyParts.objects.all().delete()
    call_command("insight", "rebuild", stdout=io.StringIO())
    assert_equal_by_category(tree, catalogue)


def test_a_case_filed_under_a_level_2_category_counts_for_it_not_for_its_children(
    tree: Tree, catalogue: Catalogue
):
    level_2 = catalogue.roads.parent
    assert level_2 is not None
    web_case(tree, catalogue, category=level_2)
    web_case(tree, catalogue, location_unit=tree.village_b)
    sweep()
    assert_equal_by_category(tree, catalogue)
    received = {
        category.name: d.dashboard(scope=replace(this_month(), category=category)).figures.received
        for category in (catalogue.construction, level_2, catalogue.roads)
    }
    assert received == {"城乡建设": 2, "市政设施": 2, "道路维修": 1}


def test_a_town_narrowed_to_a_category_is_counted_live_and_the_same(
    tree: Tree, catalogue: Catalogue
):
    web_case(tree, catalogue)
    sweep()
    town = replace(this_month(), unit=tree.town_a, category=catalogue.roads)
    board = d.dashboard(scope=town)
    assert board.as_of is None  # villages keep no narrow rows: a town's scope is counted live
    assert board.figures.received == 1
    assert board.figures == case_figures(
        unit=tree.town_a, start=town.start, end=town.end, category=catalogue.roads
    )
    assert d.dashboard(scope=replace(town, unit=tree.county)).as_of is not None


def test_narrow_rows_are_read_only_once_a_rebuild_has_made_them(tree: Tree, catalogue: Catalogue):
    web_case(tree, catalogue)
    sweep()
    # Aggregates from before the narrow rows existed: the county's narrow figures are live.
    Watermark.objects.update(narrow_from=None)
    DailyParts.objects.filter(grain__in=["narrow", "narrow_own"]).delete()
    narrow = replace(this_month(), category=catalogue.roads)
    board = d.dashboard(scope=narrow)
    assert (board.as_of, board.figures.received) == (None, 1)
    call_command(
        "insight", "rebuild", "--since", this_month().first_day.isoformat(), stdout=io.StringIO()
    )
    assert d.dashboard(scope=narrow).as_of is not None
    assert d.dashboard(scope=narrow).figures.received == 1
    # A month before the rebuild's first day still lacks them.
    earlier = replace(narrow, start=d.month_start(this_month().first_day - timedelta(days=1)))
    assert d.dashboard(scope=earlier).as_of is None
    call_command("insight", "rebuild", stdout=io.StringIO())
    assert d.dashboard(scope=earlier).as_of is not None


def test_a_pass_with_nothing_new_recomputes_nothing(tree: Tree, catalogue: Catalogue):
    web_case(tree, catalogue)
    sweep()
    rows = DailyParts.objects.count()
    again = sweep()
    assert again["insight"] == {"events": 0, "days": 0, "rows": 0}
    assert DailyParts.objects.count() == rows


def test_rebuild_recomputes_every_day_from_the_first_case(tree: Tree, catalogue: Catalogue):
    case = web_case(tree, catalogue)
    DailyParts.objects.all().delete()
    out = io.StringIO()
    call_command("insight", "rebuild", stdout=out)
    result = json.loads(out.getvalue())
    assert result["days"] >= 1
    assert result["rows"] > 0
    assert_equal_everywhere(tree)
    received = timezone.localtime(case.received_at).date()
    assert DailyParts.objects.filter(day=received, unit=tree.county, grain="unit").get().received
    status = io.StringIO()
    call_command("insight", "status", stdout=status)
    assert status.getvalue().strip() != "never"


def test_rebuild_since_a_day_keeps_the_days_before(tree: Tree, catalogue: Catalogue):
    web_case(tree, catalogue)
    call_command("insight", "rebuild", stdout=io.StringIO())
    before = DailyParts.objects.count()
    tomorrow = timezone.localdate() + timedelta(days=1)
    call_command("insight", "rebuild", "--since", tomorrow.isoformat(), stdout=io.StringIO())
    assert DailyParts.objects.count() == before


def test_rebuild_refuses_a_day_that_is_not_a_day(tree: Tree):
    with pytest.raises(CommandError, match="--since: '2026-02-30' is not a day"):
        call_command("insight", "rebuild", "--since", "2026-02-30", stdout=io.StringIO())


def test_the_page_says_how_fresh_the_figures_are(tree: Tree, catalogue: Catalogue, people: People):
    web_case(tree, catalogue)
    sweep()
    page = login(people.supervisor).get("/workbench/dashboard/")
    assert page.status_code == 200
    as_of = page.context["board"].as_of
    assert as_of is not None
    assert timezone.localtime(as_of).strftime("%Y-%m-%d %H:%M") in page.content.decode()


def test_a_recomputed_day_rewrites_only_the_rows_that_changed(
    tree: Tree, catalogue: Catalogue, people: People
):
    first = web_case(tree, catalogue)
    web_case(tree, catalogue, location_unit=tree.village_b, category=catalogue.wages)
    sweep()
    today = timezone.localdate()
    # A row gone wrong and a stray one: the next recomputation of the day mends both.
    wrong = DailyParts.objects.filter(day=today, grain="unit", unit=tree.county).get()
    DailyParts.objects.filter(pk=wrong.pk).update(received=99)
    stray = DailyParts.objects.create(day=today, grain="unit", unit=tree.town_b, received=5)
    before = day_rows(today)
    services.case_dispatch(actor=people.dispatcher, case_id=first.pk, lead_unit=tree.department)
    sweep()
    assert_equal_by_category(tree, catalogue)
    after = day_rows(today)
    assert stray.pk not in {pk for pk, _ in after.values()}
    assert after[row_key(wrong)][0] != wrong.pk
    # The rows the dispatch left as they were are the same rows, not deleted and written again.
    unchanged = [key for key in before.keys() & after.keys() if before[key][1] == after[key][1]]
    assert unchanged
    assert all(before[key][0] == after[key][0] for key in unchanged)
    assert len(unchanged) < len(after)  # and the dispatch did change some


def row_key(row: DailyParts) -> tuple[object, ...]:
    return (row.grain, row.unit_id, row.category_id, row.channel)


def day_rows(day: date) -> dict[tuple[object, ...], tuple[int, tuple[object, ...]]]:
    """The day's rows by key: each one's id and counts."""
    return {
        row_key(row): (row.pk, tuple(getattr(row, name) for name in PARTS))
        for row in DailyParts.objects.filter(day=day)
    }

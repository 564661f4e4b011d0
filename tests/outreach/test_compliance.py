"""应访尽访: due, done and overdue per period; figures; the command; the reminder sweep."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from sanfu.directory.models import User
from sanfu.notify.models import Notification
from sanfu.outreach.compliance import State, compliance_for
from sanfu.outreach.figures import figures_total
from sanfu.outreach.models import Reminder
from sanfu.outreach.periods import Span, parse_window, periods_starting_in
from sanfu.outreach.services import NewProblem, NewVisit, visit_record
from sanfu.outreach.sweep import outreach_sweep
from tests.cases.conftest import People
from tests.conftest import Tree, login
from tests.outreach.conftest import SHANGHAI, Outreach

pytestmark = pytest.mark.django_db

NOVEMBER = Span(date(2026, 11, 1), date(2026, 11, 30))


def _visit(user: User, link_id: int, at: datetime, *problems: NewProblem) -> None:
    visit_record(
        actor=user,
        new=NewVisit(
            link_id=link_id, client_key=uuid.uuid4().hex, visited_at=at, problems=problems
        ),
    )


def test_weeks_belong_to_the_month_they_start_in():
    weeks = list(periods_starting_in("weekly", NOVEMBER))
    assert [week.first for week in weeks] == [
        date(2026, 11, 2),
        date(2026, 11, 9),
        date(2026, 11, 16),
        date(2026, 11, 23),
        date(2026, 11, 30),
    ]
    assert parse_window("2026-Q4") == Span(date(2026, 10, 1), date(2026, 12, 31))
    assert parse_window("2026-W49").first == date(2026, 11, 30)


def test_due_done_and_overdue_per_period(outreach: Outreach, people: People):
    link = outreach.enterprise_link
    # Two visits in the week of 9 November count once; the other weeks but one are missed.
    for day in (10, 11, 30):
        _visit(people.cadre, link.pk, datetime(2026, 11, day, 15, tzinfo=SHANGHAI))
    [row] = compliance_for([link], NOVEMBER, detail=True)
    states = [period.state for period in row.periods]
    assert states == [State.OVERDUE, State.DONE, State.OVERDUE, State.OVERDUE, State.DONE]
    assert (row.due, row.done, row.overdue) == (5, 2, 3)


def test_a_period_running_now_is_open_not_overdue(outreach: Outreach):
    [row] = compliance_for(
        [outreach.grid_link], Span(date(2026, 12, 1), date(2026, 12, 31)), detail=True
    )
    # 1–4 December have begun; the 4th is today.
    assert [period.state for period in row.periods] == [State.OVERDUE] * 3 + [State.OPEN]


def test_a_late_night_visit_counts_on_its_local_day(outreach: Outreach, people: People):
    # 23:30 in the county is 15:30 UTC the same day; 00:30 is the previous day in UTC.
    _visit(people.grid_worker, outreach.grid_link.pk, datetime(2026, 12, 3, 0, 30, tzinfo=SHANGHAI))
    [row] = compliance_for([outreach.grid_link], Span(date(2026, 12, 3), date(2026, 12, 3)))
    assert row.done == 1


def test_figures_count_problems_cases_and_solutions(outreach: Outreach, people: People):
    at = datetime(2026, 12, 3, 10, tzinfo=SHANGHAI)
    _visit(
        people.grid_worker,
        outreach.grid_link.pk,
        at,
        NewProblem("路灯不亮"),
        NewProblem("垃圾未清运", solved_on_the_spot=True, solution="联系保洁当场清运"),
    )
    window = Span(date(2026, 12, 1), date(2026, 12, 31))
    figures = figures_total(compliance_for([outreach.grid_link], window), window)
    assert figures.as_dict() == {
        "links": 1,
        "visits_due": 4,
        "visits_done": 1,
        "done_rate": 25.0,
        "overdue_links": 1,
        "visits": 1,
        "problems_found": 2,
        "problems_to_cases": 1,
        "cases_solved": 0,
        "solved_on_the_spot": 1,
    }


def test_the_command_prints_compliance_as_json(
    outreach: Outreach, capsys: pytest.CaptureFixture[str]
):
    call_command("outreach", "compliance", "--period", "2026-11")
    printed = json.loads(capsys.readouterr().out)
    assert printed["figures"]["links"] == 2
    # 29 days (from 2 November: the 1st is a Sunday, the link began then) and 4 full weeks.
    assert printed["figures"]["visits_due"] == 30 + 5
    assert printed["figures"]["done_rate"] == 0.0
    assert {row["target"] for row in printed["overdue"]} == {
        outreach.enterprise.name,
        "上坪村第一网格",
    }


def test_a_bad_period_is_named(outreach: Outreach, people: People, tree: Tree):
    page = login(people.town_leader).get(
        f"/outreach/compliance/?unit={tree.town_a.pk}&period=2026-13"
    )
    assert "2026-13" in page.content.decode()


def test_the_town_page_lists_the_overdue_link(outreach: Outreach, people: People):
    _visit(people.cadre, outreach.enterprise_link.pk, timezone.now() - timedelta(hours=1))
    page = login(people.town_leader).get("/outreach/compliance/").content.decode()
    overdue = page.split('data-testid="overdue"')[1].split("</table>")[0]
    assert "上坪村第一网格" in overdue
    assert outreach.enterprise.name not in overdue


def test_the_sweep_reminds_once_before_the_week_ends(
    outreach: Outreach, people: People, django_capture_on_commit_callbacks: Any
):
    # Friday: the week ends on Sunday, within two days.
    with django_capture_on_commit_callbacks(execute=True):
        assert outreach_sweep() == {"candidates": 1, "reminded": 1}
    assert outreach_sweep() == {"candidates": 0, "reminded": 0}
    assert Reminder.objects.count() == 1
    [note] = Notification.objects.filter(recipient=people.cadre)
    assert outreach.enterprise.name in note.subject


def test_the_sweep_leaves_alone_a_link_visited_this_week(outreach: Outreach, people: People):
    _visit(people.cadre, outreach.enterprise_link.pk, timezone.now() - timedelta(hours=1))
    assert outreach_sweep()["reminded"] == 0


def test_the_sweep_is_quiet_early_in_the_week(outreach: Outreach, people: People):
    assert outreach_sweep(today=date(2026, 11, 30))["reminded"] == 0

"""The monthly tallies: kept beside every visit, problem and case change, rebuilt by `sanfu
outreach tally`, and giving compliance and the figures the very sums the visits and problems
give; and the week that crosses a quarter's end."""

from __future__ import annotations

import json
import random
import uuid
from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sanfu.cases import services as case_services
from sanfu.cases.models import Case, CaseState, Rating, ReplyKind
from sanfu.directory.models import User
from sanfu.outreach.checklists import checklists_ship
from sanfu.outreach.compliance import compliance_for, compliance_from_tallies, compliance_scan
from sanfu.outreach.figures import figures_total
from sanfu.outreach.models import Link, LinkMonth, LinkRole, LinkYear, Period, VisitProblem
from sanfu.outreach.periods import Span, parse_window
from sanfu.outreach.services import (
    NewLink,
    NewProblem,
    NewVisit,
    link_create,
    link_end,
    visit_record,
)
from sanfu.outreach.tallies import TALLY_COUNTS, tallies_from_visits
from tests.cases.conftest import Catalogue, People
from tests.conftest import Tree, make_staff
from tests.factories import make_enterprise
from tests.outreach.conftest import NOW, SHANGHAI, Outreach

pytestmark = pytest.mark.django_db

# Windows of whole months across years, as the dashboard asks: a whole year read from the
# links' years and months before and after it from their months.
SPANS = [Span(date(2025, 11, 1), date(2027, 1, 31)), Span(date(2026, 1, 1), date(2027, 2, 28))]
WINDOWS = ["2025", "2026", "2027", "2026-Q3", "2026-Q4", "2026-09", "2026-10", "2026-11", "2026-12"]


def _visit(user: User, link_id: int, at: datetime) -> None:
    visit_record(
        actor=user, new=NewVisit(link_id=link_id, client_key=uuid.uuid4().hex, visited_at=at)
    )


def _sums(rows: list) -> list[tuple[int, int, int, int, int]]:  # type: ignore[type-arg]
    return sorted((row.link.pk, row.due, row.done, row.overdue, row.visits) for row in rows)


def _kept() -> dict[tuple[int, date], tuple[int, int, int]]:
    return {
        (row.link_id, row.month): (row.visits_recorded, row.visits_counted, row.done)
        for row in LinkMonth.objects.all()
    }


def _years_sum_the_months() -> bool:
    years: dict[tuple[int, int], list[int]] = {}
    for row in LinkMonth.objects.all():
        kept = years.setdefault((row.link_id, row.month.year), [0] * len(TALLY_COUNTS))
        for index, name in enumerate(TALLY_COUNTS):
            kept[index] += getattr(row, name)
    return years == {
        (row.link_id, row.year): [getattr(row, name) for name in TALLY_COUNTS]
        for row in LinkYear.objects.all()
    }


def _rebuilt() -> dict[tuple[int, date], tuple[int, int, int]]:
    return {
        key: (row.recorded, row.counted, row.done)
        for key, row in tallies_from_visits(Link.objects.all()).items()
    }


def _random_roster(tree: Tree, people: People, rng: random.Random) -> list[Link]:
    targets: list[object] = [make_enterprise(town=tree.town_a, village=tree.village_a)]
    targets += [make_enterprise(town=tree.town_a, village=tree.village_a), tree.village_a]
    links = []
    for target in targets:
        for role in LinkRole.values:
            starts_on = date(2026, 6, 1) + timedelta(days=rng.randrange(200))
            ends_on = None
            if rng.random() < 0.3:
                ends_on = starts_on + timedelta(days=rng.randrange(5, 120))
            links.append(
                link_create(
                    actor=None,
                    new=NewLink(
                        person=people.cadre,
                        target=target,  # type: ignore[arg-type]
                        role=role,
                        starts_on=starts_on,
                        ends_on=ends_on,
                        cadence_count=rng.choice([1, 1, 2, 3]),
                        cadence_period=rng.choice(Period.values),
                    ),
                )
            )
    return links


def test_tallies_give_the_sums_the_visits_give_on_random_data(
    tree: Tree, people: People, outreach: Outreach
):
    rng = random.Random(20261204)
    links = [*_random_roster(tree, people, rng), outreach.enterprise_link, outreach.grid_link]
    for link in links:
        person = people.grid_worker if link == outreach.grid_link else people.cadre
        # Some before the term and after its end (kept, flagged), several in one period.
        first = link.starts_on - timedelta(days=20)
        for _ in range(rng.randrange(5, 25)):
            day = first + timedelta(days=rng.randrange((NOW.date() - first).days + 1))
            at = datetime.combine(day, time(rng.randrange(24), rng.randrange(60)), SHANGHAI)
            _visit(person, link.pk, min(at, NOW))
    # A link that ends later, through the service: its tallies follow the shorter term.
    ending = next(link for link in links if link.ends_on is None and link != outreach.grid_link)
    link_end(
        actor=make_staff("roster-keeper", tree.county, "administrator"),
        link_id=ending.pk,
        ends_on=max(ending.starts_on, date(2026, 11, 20)),
    )
    assert _kept() == _rebuilt()
    assert _years_sum_the_months()
    every = list(Link.objects.all())
    for today in (date(2026, 10, 31), date(2026, 11, 15), NOW.date(), date(2027, 1, 10)):
        for window in [parse_window(text) for text in WINDOWS] + SPANS:
            expected = _sums(compliance_scan(every, window, today=today))
            assert _sums(compliance_from_tallies(every, window, today=today)) == expected, (
                window,
                today,
            )
            assert _sums(compliance_for(every, window, today=today)) == expected


def test_the_tally_command_rebuilds_what_was_lost(outreach: Outreach, people: People):
    for day in (2, 3, 9):
        _visit(
            people.cadre, outreach.enterprise_link.pk, datetime(2026, 11, day, 9, tzinfo=SHANGHAI)
        )
    kept = _kept()
    assert kept[outreach.enterprise_link.pk, date(2026, 11, 1)] == (3, 3, 2)
    LinkMonth.objects.all().delete()
    LinkYear.objects.all().delete()
    out = StringIO()
    call_command("outreach", "tally", stdout=out)
    assert json.loads(out.getvalue())["tallies"] == 1
    assert _kept() == kept
    assert _years_sum_the_months()
    assert LinkYear.objects.count() == 1
    call_command("outreach", "tally", stdout=StringIO())
    assert _kept() == kept


def test_a_week_crossing_a_quarter_end_counts_in_the_quarter_it_begins(
    tree: Tree, people: People, outreach: Outreach
):
    enterprise = make_enterprise(town=tree.town_a, village=tree.village_a)
    link = link_create(
        actor=None,
        new=NewLink(
            person=people.cadre,
            target=enterprise,
            role=LinkRole.LINKAGE,
            starts_on=date(2026, 9, 1),
            cadence_count=1,
            cadence_period=Period.WEEKLY,
        ),
    )
    # Friday 2 October lies in the week of Monday 28 September, which begins in Q3.
    _visit(people.cadre, link.pk, datetime(2026, 10, 2, 15, tzinfo=SHANGHAI))

    def figures(period: str) -> dict[str, int]:
        out = StringIO()
        call_command("outreach", "compliance", "--period", period, stdout=out)
        rows = json.loads(out.getvalue())
        return {key: rows["figures"][key] for key in ("visits_due", "visits_done", "visits")}

    # Q3: the weeks of 7, 14, 21 and 28 September (that of 31 August began before the link).
    assert figures("2026-Q3") == {"visits_due": 4, "visits_done": 1, "visits": 0}
    assert figures("2026-09") == {"visits_due": 4, "visits_done": 1, "visits": 0}
    # The visit happened in October, and it is counted there as a visit, not as done.
    october = [row for row in compliance_for([link], parse_window("2026-10")) if row.link == link]
    assert (october[0].done, october[0].visits) == (0, 1)
    assert [(r.due, r.done) for r in compliance_for([link], parse_window("2026-W40"))] == [(1, 1)]


def _figures(period: str) -> dict[str, int]:
    out = StringIO()
    call_command("outreach", "compliance", "--period", period, stdout=out)
    figures = json.loads(out.getvalue())["figures"]
    names = ("problems_found", "problems_to_cases", "cases_solved", "solved_on_the_spot")
    return {name: figures[name] for name in names}


def _problem_sums_agree(window: str) -> None:
    """The month's tallies of problems give what counting the problems themselves gives (the
    scan's rows carry no problems, so the figures count them)."""
    span = parse_window(window)
    every = list(Link.objects.all())
    from_tallies = figures_total(compliance_for(every, span), span)
    from_problems = figures_total(compliance_scan(every, span), span)
    assert from_tallies == from_problems
    assert {
        key: (row.found, row.to_cases, row.solved, row.on_the_spot)
        for key, row in tallies_from_visits(every).items()
    } == {
        (row.link_id, row.month): (
            row.problems_found,
            row.problems_to_cases,
            row.cases_solved,
            row.solved_on_the_spot,
        )
        for row in LinkMonth.objects.all()
    }
    assert _years_sum_the_months()


def test_problem_tallies_follow_a_case_solved_later_and_reopened(
    tree: Tree, catalogue: Catalogue, outreach: Outreach, people: People
):
    at = datetime(2026, 12, 3, 10, tzinfo=SHANGHAI)
    visit_record(
        actor=people.grid_worker,
        new=NewVisit(
            link_id=outreach.grid_link.pk,
            client_key=uuid.uuid4().hex,
            visited_at=at,
            problems=[
                NewProblem("路灯不亮"),
                NewProblem("井盖松动"),
                NewProblem("垃圾未清运", solved_on_the_spot=True, solution="当场清运"),
            ],
        ),
    )
    assert _figures("2026-12") == {
        "problems_found": 3,
        "problems_to_cases": 2,
        "cases_solved": 0,
        "solved_on_the_spot": 1,
    }
    _problem_sums_agree("2026-12")
    first, second = (
        Case.objects.get(pk=pk)
        for pk in VisitProblem.objects.filter(case__isnull=False)
        .order_by("pk")
        .values_list("case_id", flat=True)
    )
    for case in (first, second):
        case_services.case_dispatch(
            actor=people.dispatcher,
            case_id=case.pk,
            lead_unit=tree.village_a,
            category=catalogue.roads,
        )
        case_services.case_sign(actor=people.cadre, case_id=case.pk)
    case_services.case_reply(
        actor=people.cadre, case_id=first.pk, kind=ReplyKind.SOLVED, text="已修复"
    )
    case_services.case_reply(
        actor=people.cadre, case_id=second.pk, kind=ReplyKind.EXPLAINED, text="已说明"
    )
    # Solved as it stands now: answered solved counts; answered with an explanation does not.
    assert _figures("2026-12")["cases_solved"] == 1
    _problem_sums_agree("2026-12")
    # The requester is not satisfied: the case goes back to the unit, no longer solved.
    case_services.case_rate(
        number=first.number,
        token=first.tracking_token,
        rating=Rating.UNSATISFIED,
        solved=False,
    )
    assert Case.objects.get(pk=first.pk).state == CaseState.ASSIGNED
    assert _figures("2026-12")["cases_solved"] == 0
    _problem_sums_agree("2026-12")
    case_services.case_sign(actor=people.cadre, case_id=first.pk)
    case_services.case_reply(
        actor=people.cadre, case_id=first.pk, kind=ReplyKind.SOLVED, text="再次修复"
    )
    case_services.case_rate(
        number=first.number, token=first.tracking_token, rating=Rating.SATISFIED, solved=True
    )
    assert Case.objects.get(pk=first.pk).state == CaseState.CLOSED
    assert _figures("2026-12") == {
        "problems_found": 3,
        "problems_to_cases": 2,
        "cases_solved": 1,
        "solved_on_the_spot": 1,
    }
    _problem_sums_agree("2026-12")
    # A week is counted from the problems themselves, and agrees.
    assert _figures("2026-W49") == _figures("2026-12")
    # The tally command rebuilds the same counts.
    LinkMonth.objects.all().delete()
    call_command("outreach", "tally", stdout=StringIO())
    assert _figures("2026-12")["cases_solved"] == 1
    _problem_sums_agree("2026-12")


@pytest.mark.django_db(transaction=True)
def test_the_migration_sums_the_months_already_kept_into_years(outreach: Outreach, people: People):
    # A transactional test starts from a database that an earlier one may have emptied.
    checklists_ship()
    for day in (datetime(2025, 12, 30, 9, tzinfo=SHANGHAI), NOW - timedelta(days=3), NOW):
        _visit(people.cadre, outreach.enterprise_link.pk, day)
    _visit(people.grid_worker, outreach.grid_link.pk, NOW)
    kept = {(row.link_id, row.year): row.visits_recorded for row in LinkYear.objects.all()}
    assert sum(kept.values()) == 4
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("outreach", "0007_link_month_problems")])  # the years' table dropped
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert {(row.link_id, row.year): row.visits_recorded for row in LinkYear.objects.all()} == kept
    assert _years_sum_the_months()

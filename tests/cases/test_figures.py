"""The figures leaders read: counts of dated facts, checked against plain SQL over the fact
rows (written here without the figure code), and a closed month that never changes."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from sanfu.cases import services
from sanfu.cases.figures import Rate, case_figures, case_parts, rate, to_figures
from sanfu.cases.models import Case, CaseReply, Rating, ReplyKind, ReturnReason
from sanfu.directory.models import Unit
from sanfu.insight.build import insight_rebuild, insight_refresh
from sanfu.workbench.selectors import dashboard as d
from tests.api.conftest import staff
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZONE)


def answered(tree: Tree, catalogue: Catalogue, people: People, kind: str, rating: str) -> Case:
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    services.case_sign(actor=people.cadre, case_id=case.pk)
    services.case_reply(actor=people.cadre, case_id=case.pk, kind=kind, text="答复")
    services.case_rate(
        solved=kind != ReplyKind.EXPLAINED,
        number=case.number,
        token=case.tracking_token,
        rating=rating,
    )
    return case


def test_the_rates_follow_their_definitions(tree: Tree, catalogue: Catalogue, people: People):
    answered(tree, catalogue, people, ReplyKind.SOLVED, Rating.SATISFIED)
    answered(tree, catalogue, people, ReplyKind.SOLVED, Rating.BASICALLY)
    late = answered(tree, catalogue, people, ReplyKind.EXPLAINED, Rating.UNSATISFIED)
    CaseReply.objects.filter(case=late).update(on_time=False)
    web_case(tree, catalogue)  # received, still open
    start = timezone.now() - timedelta(days=1)
    end = timezone.now() + timedelta(days=1)

    county = case_figures(unit=tree.county, start=start, end=end)
    assert (county.received, county.handled, county.rated, county.reopened) == (4, 3, 3, 1)
    # The 不满意 that reopened the case is counted, and so is its answer.
    assert county.satisfaction_rate == Rate(2, 3)
    assert county.first_satisfaction_rate == Rate(2, 3)
    assert county.resolution_rate == Rate(2, 3)  # the requesters' word
    assert county.declared_resolution_rate == Rate(2, 3)  # the unit's word
    assert county.on_time_rate == Rate(2, 3)
    assert county.response_rate == Rate(3, 3)
    assert county.on_the_spot_rate == Rate(0, 3)
    assert county.reopen_rate == Rate(1, 3)

    town_b = case_figures(unit=tree.town_b, start=start, end=end)
    assert (town_b.received, town_b.handled) == (0, 0)
    assert town_b.satisfaction_rate is None


def test_a_period_without_cases_has_no_rates(tree: Tree, catalogue: Catalogue, people: People):
    answered(tree, catalogue, people, ReplyKind.SOLVED, Rating.SATISFIED)
    long_ago = timezone.now() - timedelta(days=400)
    figures = case_figures(unit=tree.county, start=long_ago, end=long_ago + timedelta(days=30))
    assert figures.received == 0
    assert figures.on_time_rate is None


def test_rates_are_rounded_once_half_up_for_display():
    assert str(Rate(1459, 1519)) == "96.1%"  # 96.05003…%: rounding 0.9605 again gave 96.0%
    assert Rate(1, 16).percent == Decimal("6.3")  # 6.25: half-up, not half-even
    assert Rate(2, 3).percent == Decimal("66.7")
    assert rate(1, 0) is None


def test_rankings_compare_exact_fractions():
    def row(label: str, satisfied: int, rated: int) -> d.Row:
        figures = to_figures({**empty_parts(), "satisfied": satisfied, "rated": rated})
        return d.Row(key=label, label=label, figures=figures, sample=rated)

    # Both are 97.79% to four digits; the larger sample came first on the rounded value.
    big = row("big", 97786, 100000)
    exact = row("exact", 9779, 10000)
    ranked = d._ranked([big, exact], d.Rank.SATISFACTION)
    assert [r.label for r in ranked] == ["exact", "big"]


def empty_parts() -> dict[str, Any]:
    from sanfu.cases.figures import empty

    return empty()


# --- an independent recomputation --------------------------------------------------------


def _scope_sql(unit: Unit, *, acting: bool) -> tuple[str, list[Any]]:
    if unit.kind == "county":
        return "c.county_id = %s", [unit.pk]
    if acting:
        return "(pl.path LIKE %s OR u.path LIKE %s)", [unit.path + "%", unit.path + "%"]
    return "pl.path LIKE %s", [unit.path + "%"]


def _count(sql: str, params: list[Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


def recount(unit: Unit, start: datetime, end: datetime) -> dict[str, int]:
    """Every count of the figures in plain SQL over the fact tables, by their definitions."""
    span = [
        connection.ops.adapt_datetimefield_value(start),
        connection.ops.adapt_datetimefield_value(end),
    ]
    place = "JOIN directory_unit pl ON pl.id = c.location_unit_id"
    plain, plain_params = _scope_sql(unit, acting=False)
    acting, acting_params = _scope_sql(unit, acting=True)
    cases = f"FROM cases_case c {place} WHERE {plain}"
    assignments = (
        "FROM cases_assignment a JOIN cases_case c ON c.id = a.case_id "
        f"{place} JOIN directory_unit u ON u.id = a.unit_id WHERE a.role = 'lead' AND {acting}"
    )
    replies = (
        "FROM cases_casereply r JOIN cases_case c ON c.id = r.case_id "
        f"{place} JOIN directory_unit u ON u.id = r.unit_id WHERE {acting}"
    )
    ratings = (
        "FROM cases_caserating g JOIN cases_casereply r ON r.id = g.reply_id "
        f"JOIN cases_case c ON c.id = g.case_id {place} "
        f"JOIN directory_unit u ON u.id = r.unit_id WHERE {acting}"
    )
    reopens = (
        f"FROM cases_caseevent e JOIN cases_case c ON c.id = e.case_id {place} "
        f"WHERE e.kind = 'reopened' AND {plain}"
    )
    queries: dict[str, tuple[str, list[Any]]] = {
        "received": (f"{cases} AND c.received_at >= %s AND c.received_at < %s", plain_params),
        "accepted": (f"{cases} AND c.accepted_at >= %s AND c.accepted_at < %s", plain_params),
        "assigned": (
            f"{assignments} AND a.assigned_at >= %s AND a.assigned_at < %s",
            acting_params,
        ),
        "signed": (
            f"{assignments} AND a.sign_deadline IS NOT NULL"
            " AND a.signed_at >= %s AND a.signed_at < %s",
            acting_params,
        ),
        "signed_on_time": (
            f"{assignments} AND a.sign_deadline IS NOT NULL AND a.signed_at <= a.sign_deadline"
            " AND a.signed_at >= %s AND a.signed_at < %s",
            acting_params,
        ),
        "handled": (f"{replies} AND r.at >= %s AND r.at < %s", acting_params),
        "timed": (
            f"{replies} AND r.on_time IS NOT NULL AND r.at >= %s AND r.at < %s",
            acting_params,
        ),
        "late": (f"{replies} AND NOT r.on_time AND r.at >= %s AND r.at < %s", acting_params),
        "declared_solved": (
            f"{replies} AND r.kind IN ('solved', 'on_the_spot') AND r.at >= %s AND r.at < %s",
            acting_params,
        ),
        "rated": (f"{ratings} AND g.at >= %s AND g.at < %s", acting_params),
        "satisfied": (
            f"{ratings} AND g.satisfaction IN ('satisfied', 'basically')"
            " AND g.at >= %s AND g.at < %s",
            acting_params,
        ),
        "said_whether": (
            f"{ratings} AND g.solved IS NOT NULL AND g.at >= %s AND g.at < %s",
            acting_params,
        ),
        "said_solved": (f"{ratings} AND g.solved AND g.at >= %s AND g.at < %s", acting_params),
        "reopened": (f"{reopens} AND e.at >= %s AND e.at < %s", plain_params),
    }
    return {
        name: _count(f"SELECT COUNT(*) {sql}", params + span)
        for name, (sql, params) in queries.items()
    }


def assert_matches_sql(unit: Unit, start: datetime, end: datetime) -> dict[str, int]:
    counted = recount(unit, start, end)
    parts = case_parts(unit=unit, start=start, end=end)
    assert {name: parts[name] for name in counted} == counted, unit.name
    return counted


def november_and_december(tree: Tree, catalogue: Catalogue, people: People) -> dict[str, Case]:
    """A November of ordinary work; returns the cases the December burst acts on."""
    made: dict[str, Case] = {}
    with time_machine.travel(at(date(2026, 11, 9)), tick=True):
        twice = web_case(tree, catalogue)
        services.case_dispatch(actor=people.dispatcher, case_id=twice.pk, lead_unit=tree.village_a)
        services.case_sign(actor=people.cadre, case_id=twice.pk)
        services.case_reply(actor=people.cadre, case_id=twice.pk, kind=ReplyKind.SOLVED, text="一")
        services.case_rate(
            number=twice.number, token=twice.tracking_token, rating="unsatisfied", solved=False
        )
        services.case_sign(actor=people.cadre, case_id=twice.pk)
        services.case_reply(actor=people.cadre, case_id=twice.pk, kind=ReplyKind.SOLVED, text="二")
        services.case_rate(
            number=twice.number, token=twice.tracking_token, rating="satisfied", solved=True
        )
        dept = web_case(tree, catalogue, location_unit=tree.village_b, category=catalogue.wages)
        services.case_dispatch(actor=people.dispatcher, case_id=dept.pk, lead_unit=tree.department)
        services.case_sign(actor=people.handler, case_id=dept.pk)
        services.case_reply(
            actor=people.handler, case_id=dept.pk, kind=ReplyKind.EXPLAINED, text="解释"
        )
        services.case_rate(
            number=dept.number, token=dept.tracking_token, rating="basically", solved=False
        )
        made["waiting"] = waiting = web_case(tree, catalogue)
        services.case_dispatch(
            actor=people.dispatcher, case_id=waiting.pk, lead_unit=tree.village_a
        )
        services.case_sign(actor=people.cadre, case_id=waiting.pk)
        services.case_reply(
            actor=people.cadre, case_id=waiting.pk, kind=ReplyKind.SOLVED, text="好了"
        )
        made["in_town_b"] = in_town_b = web_case(tree, catalogue, location_unit=tree.village_b)
        services.case_dispatch(actor=people.dispatcher, case_id=in_town_b.pk, lead_unit=tree.town_b)
        services.case_sign(actor=people.outsider, case_id=in_town_b.pk)
        made["unsigned"] = unsigned = web_case(tree, catalogue)
        services.case_dispatch(
            actor=people.dispatcher, case_id=unsigned.pk, lead_unit=tree.village_a
        )
        made["new"] = web_case(tree, catalogue)
    return made


def burst(made: dict[str, Case], tree: Tree, people: People) -> None:
    """December: reopen, return and re-dispatch, transfer, a late first answer."""
    with time_machine.travel(at(date(2026, 12, 3)), tick=True):
        waiting = made["waiting"]
        services.case_rate(
            number=waiting.number, token=waiting.tracking_token, rating="unsatisfied", solved=False
        )
        services.case_return(
            actor=people.outsider,
            case_id=made["in_town_b"].pk,
            reason=ReturnReason.WRONG_LOCALITY,
            note="不属本镇",
        )
        services.case_dispatch(
            actor=people.dispatcher, case_id=made["in_town_b"].pk, lead_unit=tree.village_a
        )
        services.case_transfer(
            actor=people.dispatcher,
            case_id=made["unsigned"].pk,
            lead_unit=tree.department,
            note="部门办理",
        )
        new = made["new"]
        services.case_dispatch(actor=people.dispatcher, case_id=new.pk, lead_unit=tree.village_a)
        services.case_sign(actor=people.cadre, case_id=new.pk)
        services.case_reply(actor=people.cadre, case_id=new.pk, kind=ReplyKind.SOLVED, text="好")


NOVEMBER = (at(date(2026, 11, 1), 0), at(date(2026, 12, 1), 0))


def november_everywhere(tree: Tree, catalogue: Catalogue) -> dict[str, Any]:
    start, end = NOVEMBER
    seen: dict[str, Any] = {}
    for unit in (tree.county, tree.town_a, tree.town_b, tree.department, tree.village_a):
        seen[unit.name] = case_figures(unit=unit, start=start, end=end)
    seen["roads"] = case_figures(
        unit=tree.county, start=start, end=end, category=catalogue.construction
    )
    board = d.dashboard(scope=d.Scope(unit=tree.county, start=start, end=end))
    seen["board"] = (board.figures, board.places, board.departments, board.categories)
    return seen


def test_a_closed_month_reads_the_same_after_a_burst_of_actions(
    tree: Tree, catalogue: Catalogue, people: People
):
    made = november_and_december(tree, catalogue, people)
    with time_machine.travel(at(date(2026, 12, 2)), tick=True):
        insight_rebuild()
        before = november_everywhere(tree, catalogue)
        assert before["board"][0] == before[tree.county.name]
    burst(made, tree, people)
    with time_machine.travel(at(date(2026, 12, 4)), tick=True):
        insight_refresh()
        after = november_everywhere(tree, catalogue)
    assert after == before
    november = before[tree.county.name]
    assert (november.received, november.handled, november.rated) == (6, 4, 3)
    assert november.satisfaction_rate == Rate(2, 3)  # the 不满意 that reopened counts
    assert november.first_satisfaction_rate == Rate(1, 2)
    assert november.resolution_rate == Rate(1, 3)


def test_plain_sql_over_the_facts_gives_the_dashboard_and_api_figures(
    tree: Tree, catalogue: Catalogue, people: People
):
    made = november_and_december(tree, catalogue, people)
    burst(made, tree, people)
    start, end = NOVEMBER
    with time_machine.travel(at(date(2026, 12, 4)), tick=True):
        insight_refresh()
        for unit in (tree.county, tree.town_a, tree.town_b, tree.department):
            for span in (NOVEMBER, (at(date(2026, 12, 1), 0), at(date(2027, 1, 1), 0))):
                assert_matches_sql(unit, *span)
        for unit in (tree.county, tree.town_a):
            counted = recount(unit, start, end)
            board = d.dashboard(scope=d.Scope(unit=unit, start=start, end=end))
            assert board.as_of is not None  # read from the daily aggregates
            shown = board.figures
            assert (shown.received, shown.accepted, shown.handled, shown.rated) == (
                counted["received"],
                counted["accepted"],
                counted["handled"],
                counted["rated"],
            )
            assert shown.satisfaction_rate == rate(counted["satisfied"], counted["rated"])
            assert shown.resolution_rate == rate(counted["said_solved"], counted["said_whether"])
            assert shown.response_rate == rate(counted["signed_on_time"], counted["signed"])
            assert shown.on_time_rate == rate(counted["timed"] - counted["late"], counted["timed"])
            query: dict[str, Any] = {"unit": unit.pk, "start": "2026-11-01", "end": "2026-12-01"}
            api = json.loads(staff(people.dispatcher).get("/api/figures", query).content)
            assert api["received"] == counted["received"]
            assert api["handled"] == counted["handled"]
            satisfaction = api["satisfaction_rate"]
            assert (satisfaction["part"], satisfaction["whole"]) == (
                counted["satisfied"],
                counted["rated"],
            )
            assert shown.satisfaction_rate is not None
            assert Decimal(str(satisfaction["percent"])) == shown.satisfaction_rate.percent


def test_a_return_and_re_dispatch_does_not_reset_the_reply_clock(
    tree: Tree, catalogue: Catalogue, people: People
):
    with time_machine.travel(at(date(2026, 11, 9)), tick=True):
        case = web_case(tree, catalogue, location_unit=tree.village_b)
        services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.town_b)
        deadline = Case.objects.get(pk=case.pk).reply_deadline
    assert deadline is not None
    with time_machine.travel(deadline + timedelta(days=2), tick=True):
        services.case_return(
            actor=people.outsider, case_id=case.pk, reason=ReturnReason.NOT_OUR_REMIT, note="x"
        )
        services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.town_b)
        assert Case.objects.get(pk=case.pk).reply_deadline == deadline
        services.case_sign(actor=people.outsider, case_id=case.pk)
        services.case_reply(
            actor=people.outsider, case_id=case.pk, kind=ReplyKind.SOLVED, text="已处理"
        )
    reply = CaseReply.objects.get(case=case)
    assert reply.on_time is False
    assert reply.unit_on_time is False


def test_the_api_refuses_a_future_or_overlong_period_naming_the_field(tree: Tree, people: People):
    client = staff(people.dispatcher)
    today = timezone.localdate()
    future: dict[str, Any] = {
        "unit": tree.county.pk,
        "start": str(today + timedelta(days=3)),
        "end": str(today + timedelta(days=40)),
    }
    response = client.get("/api/figures", future)
    assert response.status_code == 422
    assert json.loads(response.content)["field"] == "start"
    overlong: dict[str, Any] = {"unit": tree.county.pk, "start": "2010-01-01", "end": str(today)}
    response = client.get("/api/figures", overlong)
    assert response.status_code == 422
    assert json.loads(response.content)["field"] == "end"

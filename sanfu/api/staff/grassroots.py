"""Serving the grassroots in the staff API (reads): a village's meetings with their problems
and report-back, a unit's three lists, the burden figures. Scoped like the workbench: a meeting
or unit outside the caller's area is a 404."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Schema

from sanfu.api.staff import schemas
from sanfu.api.staff.reads import user_of
from sanfu.api.staff.routes import router
from sanfu.directory.models import Unit
from sanfu.grassroots import selectors
from sanfu.grassroots.figures import burden_figures
from sanfu.grassroots.lists import LIST_UNIT_KINDS, three_lists
from sanfu.grassroots.models import Meeting, Problem
from sanfu.lib.errors import NotFound
from sanfu.lib.treepath import path_ids


class ProblemOut(Schema):
    id: int
    text: str
    outcome: str
    solved_by: str
    solution: str
    case_number: str | None
    case_state: str | None


class MeetingOut(Schema):
    id: int
    village: schemas.UnitRef
    kind: str
    held_on: date
    place: str
    residents_present: int
    problems: int


class ReportBackOut(Schema):
    problem_id: int
    meeting_id: int
    case_number: str
    case_state: str
    answered: bool
    carried_over: bool


class MeetingDetailOut(MeetingOut):
    problem_list: list[ProblemOut]
    report_back: list[ReportBackOut]


class MeetingsIn(Schema):
    village: schemas.Id | None = None


class SectionOut(Schema):
    key: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    more: int


class ListOut(Schema):
    kind: str
    title: str
    sections: list[SectionOut]


class ListsOut(Schema):
    unit: schemas.UnitRef
    as_of: str
    lists: list[ListOut]


class BurdenKindOut(Schema):
    kind: str
    baseline_demands: int
    demands: int
    demands_change: float | None
    baseline_village_hours: float
    village_hours: float
    village_hours_change: float | None


class BurdenOut(Schema):
    county: schemas.UnitRef
    baseline_year: int | None
    on: date
    kinds: list[BurdenKindOut]


def _unit(unit: Unit) -> dict[str, Any]:
    return {"id": unit.pk, "code": unit.code, "name": unit.name, "kind": unit.kind}


def _meeting(meeting: Meeting, problems: int) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "village": _unit(meeting.village),
        "kind": meeting.kind,
        "held_on": meeting.held_on,
        "place": meeting.place,
        "residents_present": meeting.residents_present,
        "problems": problems,
    }


def _problem(problem: Problem) -> dict[str, Any]:
    return {
        "id": problem.pk,
        "text": problem.text,
        "outcome": problem.outcome,
        "solved_by": problem.solved_by,
        "solution": problem.solution,
        "case_number": problem.case.number if problem.case else None,
        "case_state": problem.case.state if problem.case else None,
    }


@router.get(
    tags=["grassroots"],
    path="/grassroots/meetings",
    response=list[MeetingOut],
    summary="Village meetings in the caller's area, newest first (at most 200)",
)
def meetings(request: HttpRequest, filters: Query[MeetingsIn]) -> list[dict[str, Any]]:
    found = Meeting.objects.visible_to(user_of(request)).select_related("village")
    if filters.village is not None:
        found = found.filter(village_id=filters.village)
    rows = list(found[:200])
    counts: dict[int, int] = {}
    for meeting_id in Problem.objects.filter(meeting__in=rows).values_list("meeting_id", flat=True):
        counts[meeting_id] = counts.get(meeting_id, 0) + 1
    return [_meeting(m, counts.get(m.pk, 0)) for m in rows]


@router.get(
    tags=["grassroots"],
    path="/grassroots/meetings/{meeting_id}",
    response=MeetingDetailOut,
    summary="One meeting: its problems and the report-back on earlier ones",
)
def meeting(request: HttpRequest, meeting_id: schemas.Id) -> dict[str, Any]:
    found = selectors.meeting_get_for_user(user=user_of(request), meeting_id=meeting_id)
    problems = selectors.meeting_problems(found)
    return {
        **_meeting(found, len(problems)),
        "problem_list": [_problem(p) for p in problems],
        "report_back": [
            {
                "problem_id": item.problem.pk,
                "meeting_id": item.meeting.pk,
                "case_number": item.case.number,
                "case_state": item.case.state,
                "answered": item.answered,
                "carried_over": item.carried_over,
            }
            for item in selectors.report_back(found)
        ],
    }


@router.get(
    tags=["grassroots"],
    path="/grassroots/lists/{code}",
    response=ListsOut,
    summary="The three lists of a village, community or department, as of now",
)
def lists(request: HttpRequest, code: str) -> dict[str, Any]:
    unit = selectors.unit_by_code_for_user(user=user_of(request), code=code)
    if unit.kind not in LIST_UNIT_KINDS:
        raise NotFound(_("No such unit."), field="code")
    three = three_lists(unit=unit)
    return {
        "unit": _unit(unit),
        "as_of": timezone.localtime(three.as_of).isoformat(),
        "lists": [
            {
                "kind": unit_list.kind,
                "title": unit_list.title,
                "sections": [
                    {
                        "key": s.key,
                        "title": s.title,
                        "columns": s.columns,
                        "rows": s.rows,
                        "more": s.more,
                    }
                    for s in unit_list.sections
                ],
            }
            for unit_list in three.lists
        ],
    }


@router.get(
    tags=["grassroots"],
    path="/grassroots/burden",
    response=BurdenOut,
    summary="Burdens on villages by kind: the baseline year against today",
)
def burden(request: HttpRequest) -> dict[str, Any]:
    top = Unit.objects.visible_to(user_of(request)).order_by("path").first()
    if top is None:
        raise NotFound(_("No such unit."))
    county = Unit.objects.get(pk=path_ids(top.path)[0])
    figures = burden_figures(county=county, on=timezone.localdate())
    return {
        "county": _unit(county),
        "baseline_year": figures.baseline_year,
        "on": figures.on,
        "kinds": [
            {
                "kind": row.kind,
                "baseline_demands": row.baseline.demands,
                "demands": row.current.demands,
                "demands_change": row.count_change,
                "baseline_village_hours": float(row.baseline.village_hours),
                "village_hours": float(row.current.village_hours),
                "village_hours_change": row.hours_change,
            }
            for row in figures.kinds
        ],
    }

"""Reads of the grassroots app. Lists come from `visible_to(user)`, single rows from here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from sanfu.cases.models import OPEN_STATES, Case, CaseState
from sanfu.directory.models import VILLAGE_KINDS, Unit, UnitKind
from sanfu.directory.querysets import AnyUser
from sanfu.grassroots.models import BurdenDemand, Meeting, Outcome, Problem
from sanfu.lib.errors import NotFound


def meeting_get_for_user(*, user: AnyUser, meeting_id: int) -> Meeting:
    # An outsider learns nothing, not even that the meeting exists.
    meeting = (
        Meeting.objects.visible_to(user)
        .select_related("village", "convener")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise NotFound("meeting not found")
    return meeting


def demand_get_for_user(*, user: AnyUser, demand_id: int) -> BurdenDemand:
    demand = (
        BurdenDemand.objects.visible_to(user)
        .select_related("department", "county", "decided_by")
        .filter(pk=demand_id)
        .first()
    )
    if demand is None:
        raise NotFound("demand not found")
    return demand


def unit_by_code_for_user(*, user: AnyUser, code: str) -> Unit:
    unit = Unit.objects.visible_to(user).filter(code=code, is_active=True).first()
    if unit is None:
        raise NotFound("unit not found")
    return unit


def villages_for_user(user: AnyUser) -> QuerySet[Unit]:
    return Unit.objects.visible_to(user).filter(kind__in=VILLAGE_KINDS, is_active=True)


def list_units_for_user(user: AnyUser) -> QuerySet[Unit]:
    """The units whose three lists this user may read: villages, communities, departments."""
    return Unit.objects.visible_to(user).filter(
        kind__in=[*VILLAGE_KINDS, UnitKind.DEPARTMENT], is_active=True
    )


def meeting_problems(meeting: Meeting) -> list[Problem]:
    return list(meeting.problems.select_related("case", "case__lead_unit").order_by("id"))


@dataclass(frozen=True)
class ReportBackItem:
    """One earlier problem and what became of its case, as the convener reports it back."""

    problem: Problem
    case: Case
    meeting: Meeting
    answered: bool
    carried_over: bool


def meeting_previous(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(village_id=meeting.village_id)
        .filter(Q(held_on__lt=meeting.held_on) | Q(held_on=meeting.held_on, pk__lt=meeting.pk))
        .order_by("-held_on", "-pk")
        .first()
    )


def report_back(meeting: Meeting) -> list[ReportBackItem]:
    """The problems this meeting reports back on (反馈): every problem of the previous meeting
    that became a case, and older ones whose case is still not answered (carried over)."""
    previous = meeting_previous(meeting)
    if previous is None:
        return []
    earlier = (
        Problem.objects.filter(meeting__village_id=meeting.village_id, outcome=Outcome.CASE)
        .filter(
            Q(meeting__held_on__lt=previous.held_on)
            | Q(meeting__held_on=previous.held_on, meeting_id__lte=previous.pk)
        )
        .filter(Q(meeting=previous) | Q(case__state__in=OPEN_STATES))
        .select_related("case", "case__lead_unit", "meeting")
        .order_by("meeting__held_on", "id")
    )
    items = []
    for problem in earlier:
        case = problem.case
        assert case is not None  # noqa: S101 - outcome "case" has one (constraint)
        items.append(
            ReportBackItem(
                problem=problem,
                case=case,
                meeting=problem.meeting,
                answered=case.replied_at is not None or case.state == CaseState.REJECTED,
                carried_over=problem.meeting_id != previous.pk,
            )
        )
    return items

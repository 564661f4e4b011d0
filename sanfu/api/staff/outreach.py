"""Outreach in the staff API: links, visits (offline clients send them with a key), compliance.

Thin over `sanfu.outreach`: reads through its selectors (`visible_to`), the visit through
`visit_record`. A visit's client key is its `Idempotency-Key` when the body names none, so a
phone retrying a visit stores it once, even after the idempotency records have expired.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Schema, Status
from ninja.decorators import decorate_view
from pydantic import Field

from sanfu.api.idempotency import HEADER
from sanfu.api.staff import schemas
from sanfu.api.staff.guard import idempotency_guard
from sanfu.api.staff.reads import user_of
from sanfu.api.staff.routes import router
from sanfu.directory.models import Unit
from sanfu.directory.selectors import unit_get_for_user
from sanfu.lib.errors import ValidationFailed
from sanfu.outreach import selectors
from sanfu.outreach.figures import figures_total
from sanfu.outreach.models import Link, Visit
from sanfu.outreach.periods import parse_window, period_of
from sanfu.outreach.services import NewProblem, NewVisit, visit_record

idempotent = decorate_view(idempotency_guard)
Text = Annotated[str, Field(max_length=2000)]
Short = Annotated[str, Field(max_length=200)]


class LinkOut(Schema):
    id: int
    person: str
    target_kind: str
    target: str
    place: str
    role: str
    starts_on: date
    ends_on: date | None
    cadence_count: int
    cadence_period: str


def _link_out(link: Link) -> dict[str, Any]:
    return {
        "id": link.pk,
        "person": link.person_label,
        "target_kind": link.target_kind,
        "target": link.target_label,
        "place": link.place.name,
        "role": link.role,
        "starts_on": link.starts_on,
        "ends_on": link.ends_on,
        "cadence_count": link.cadence_count,
        "cadence_period": link.cadence_period,
    }


@router.get(
    tags=["outreach"],
    path="/outreach/links",
    response=list[LinkOut],
    summary="The caller's own links, active today",
)
def links(request: HttpRequest) -> list[dict[str, Any]]:
    return [_link_out(link) for link in selectors.links_held_by(user=user_of(request))]


class ProblemIn(Schema):
    text: Text
    solved_on_the_spot: bool = False
    solution: Text = ""


class VisitIn(Schema):
    link: schemas.Id
    visited_at: datetime
    client_key: Annotated[str, Field(max_length=64)] = ""
    where: Short = ""
    latitude: schemas.Latitude | None = None
    longitude: schemas.Longitude | None = None
    companions: Short = ""
    answers: dict[Annotated[str, Field(max_length=40)], Annotated[str, Field(max_length=500)]] = {}
    notes: Text = ""
    problems: Annotated[list[ProblemIn], Field(max_length=10)] = []


class VisitOut(Schema):
    id: int
    link: int
    client_key: str
    visited_at: datetime
    outside_term: bool
    problems: int
    cases: list[str]


def _visit_out(visit: Visit) -> dict[str, Any]:
    problems = list(visit.problems.select_related("case"))
    return {
        "id": visit.pk,
        "link": visit.link_id,
        "client_key": visit.client_key,
        "visited_at": visit.visited_at,
        "outside_term": visit.outside_term,
        "problems": len(problems),
        "cases": [problem.case.number for problem in problems if problem.case],
    }


@router.post(
    tags=["outreach"],
    path="/outreach/visits",
    response={200: VisitOut, 201: VisitOut},
    summary="Record a visit on one of the caller's links",
)
@idempotent
def visit_create(request: HttpRequest, body: VisitIn) -> Status[dict[str, Any]]:
    """201 with the new visit; 200 with the stored one when its client key was seen before."""
    key = body.client_key or request.headers.get(HEADER, "")
    if not key:
        raise ValidationFailed(
            _("Send the visit's client key, in the body or as the Idempotency-Key."),
            field="client_key",
        )
    if timezone.is_naive(body.visited_at):
        raise ValidationFailed(_("The visit's time has no time zone."), field="visited_at")
    visit, created = visit_record(
        actor=user_of(request),
        new=NewVisit(
            link_id=body.link,
            client_key=key,
            visited_at=body.visited_at,
            where=body.where,
            latitude=body.latitude,
            longitude=body.longitude,
            companions=body.companions,
            answers=body.answers,
            notes=body.notes,
            problems=[NewProblem(p.text, p.solved_on_the_spot, p.solution) for p in body.problems],
        ),
    )
    return Status(201 if created else 200, _visit_out(visit))


class ComplianceFilters(Schema):
    period: Annotated[str, Field(max_length=12)] = ""
    unit: schemas.Id | None = None


class OverdueOut(Schema):
    link: int
    person: str
    target: str
    due: int
    done: int
    missing: int


class ComplianceOut(Schema):
    first: date
    last: date
    links: int
    visits_due: int
    visits_done: int
    done_rate: float | None
    overdue_links: int
    visits: int
    problems_found: int
    problems_to_cases: int
    cases_solved: int
    solved_on_the_spot: int
    overdue: list[OverdueOut]


def _home(request: HttpRequest, unit_id: int | None) -> Unit | None:
    user = user_of(request)
    if unit_id is not None:
        return unit_get_for_user(user=user, unit_id=unit_id)
    return Unit.objects.visible_to(user).order_by("path").first()


@router.get(
    tags=["outreach"],
    path="/outreach/compliance",
    response=ComplianceOut,
    summary="Visits done against visits due under a unit (default: the caller's topmost)",
)
def compliance(request: HttpRequest, filters: Query[ComplianceFilters]) -> dict[str, Any]:
    window = (
        parse_window(filters.period)
        if filters.period
        else period_of("monthly", timezone.localdate())
    )
    unit = _home(request, filters.unit)
    rows = (
        selectors.compliance_for_unit(user=user_of(request), unit=unit, window=window)
        if unit
        else []
    )
    figures = figures_total(rows, window).as_dict()
    overdue = [row for row in rows if row.is_overdue][:500]
    selectors.links_labelled(row.link for row in overdue)
    return {
        "first": window.first,
        "last": window.last,
        **figures,
        "overdue": [
            {
                "link": row.link.pk,
                "person": row.link.person_label,
                "target": row.link.target_label,
                "due": row.due,
                "done": row.done,
                "missing": row.overdue,
            }
            for row in overdue
        ],
    }

"""Writes of the grassroots app: meetings and their problems, the burden ledger.

Each function is keyword-only and atomic, checks who acts, and refuses bad input naming the
field, leaving existing data unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.cases.models import Case, Category, Channel, RequesterKind
from sanfu.cases.services.intake import NewCase, Requester, case_create, county_of
from sanfu.directory.models import VILLAGE_KINDS, Resident, Unit, UnitKind, User
from sanfu.grassroots.models import (
    NAME_MAX,
    TEXT_MAX,
    BurdenBaseline,
    BurdenDemand,
    BurdenKind,
    BurdenReport,
    DemandState,
    Frequency,
    Meeting,
    MeetingKind,
    Outcome,
    Problem,
)
from sanfu.grassroots.policies import department_actor, require_county_office, village_actor
from sanfu.lib.errors import Conflict, NotFound, ValidationFailed

TITLE_CHARS = 40


def _text(value: str, *, field: str, label: str, limit: int, required: bool = True) -> str:
    cleaned = value.strip()
    if required and not cleaned:
        raise ValidationFailed(_("%(label)s is required.") % {"label": label}, field=field)
    if len(cleaned) > limit:
        raise ValidationFailed(
            _("%(label)s is too long: at most %(limit)d characters.")
            % {"label": label, "limit": limit},
            field=field,
        )
    return cleaned


def today() -> date:
    return timezone.localdate()


# --- meetings --------------------------------------------------------------------------------


@transaction.atomic
def meeting_schedule(
    *,
    actor: User,
    village: Unit,
    kind: str,
    held_on: date,
    place: str,
    convener: User | None = None,
) -> Meeting:
    """Schedule (or record) a meeting in `village`; the convener defaults to the actor."""
    if village.kind not in VILLAGE_KINDS:
        raise ValidationFailed(_("Choose a village or community."), field="village")
    village_actor(actor, village)
    if kind not in MeetingKind.values:
        raise ValidationFailed(_("Choose the kind of meeting."), field="kind")
    place = _text(place, field="place", label=_("Place"), limit=200)
    return Meeting.objects.create(
        village=village,
        kind=kind,
        held_on=held_on,
        place=place,
        convener=convener or actor,
        created_by=actor,
    )


@transaction.atomic
def meeting_attendance_record(
    *,
    actor: User,
    meeting: Meeting,
    residents_present: int,
    cadres_present: str,
    departments: Sequence[Unit] = (),
) -> Meeting:
    village_actor(actor, meeting.village)
    if meeting.held_on > today():
        raise ValidationFailed(
            _("The meeting has not been held yet; record who came on the day."),
            field="residents_present",
        )
    if residents_present < 0:
        raise ValidationFailed(_("Count the residents present."), field="residents_present")
    if any(unit.kind != UnitKind.DEPARTMENT for unit in departments):
        raise ValidationFailed(_("Choose departments only."), field="departments")
    meeting.residents_present = residents_present
    meeting.cadres_present = _text(
        cadres_present, field="cadres_present", label=_("Cadres present"), limit=500, required=False
    )
    meeting.save(update_fields=["residents_present", "cadres_present"])
    meeting.departments.set(departments)
    return meeting


@dataclass(frozen=True)
class NewProblem:
    text: str
    outcome: str
    raised_by: str = ""
    resident: Resident | None = None
    solved_by: str = ""
    solution: str = ""
    # Only when the resident agrees are they the case's requester (named, with a phone).
    requester_agreed: bool = False
    requester_phone: str = ""
    category: Category | None = None


@transaction.atomic
def problem_record(*, actor: User, meeting: Meeting, new: NewProblem) -> Problem:
    """Record a problem raised at a held meeting: solved on the spot, or turned into a case."""
    # Lock the meeting so two cadres recording at once keep a consistent order.
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    village_actor(actor, meeting.village)
    text = _text(new.text, field="text", label=_("Problem"), limit=TEXT_MAX)
    raised_by = _text(
        new.raised_by, field="raised_by", label=_("Raised by"), limit=NAME_MAX, required=False
    )
    if new.outcome not in Outcome.values:
        raise ValidationFailed(_("Say what became of the problem."), field="outcome")
    if meeting.held_on > today():
        raise ValidationFailed(
            _("This meeting is on %(day)s and has not been held: no problem can be solved yet.")
            % {"day": meeting.held_on.isoformat()},
            field="outcome",
        )
    problem = Problem(
        meeting=meeting,
        text=text,
        raised_by=raised_by,
        resident=new.resident,
        outcome=new.outcome,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    if new.outcome == Outcome.ON_THE_SPOT:
        problem.solved_by = _text(
            new.solved_by, field="solved_by", label=_("Solved by"), limit=NAME_MAX
        )
        problem.solution = _text(
            new.solution, field="solution", label=_("How it was solved"), limit=TEXT_MAX
        )
    else:
        problem.requester_agreed = new.requester_agreed
        problem.case = case_create(new=_case_for(meeting, new, text, raised_by), actor=actor)
    problem.save()
    return problem


@transaction.atomic
def problem_link_case(*, actor: User, meeting: Meeting, case: Case) -> Problem:
    """Record a problem of a held meeting that was already taken in as a case (entered at the
    meeting through the ordinary intake, or imported): the case's own text is the problem."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    village_actor(actor, meeting.village)
    if meeting.held_on > today():
        raise ValidationFailed(_("This meeting has not been held yet."), field="case")
    if case.channel != Channel.VILLAGE_MEETING or not case.location_unit.path.startswith(
        meeting.village.path
    ):
        raise ValidationFailed(
            _("Only a case raised at a meeting in this village can be linked."), field="case"
        )
    if Problem.objects.filter(case=case).exists():
        raise Conflict(_("This case is already a problem of a meeting."))
    return Problem.objects.create(
        meeting=meeting,
        text=f"{case.title}\n{case.text}"[:TEXT_MAX],
        outcome=Outcome.CASE,
        case=case,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )


def _case_for(meeting: Meeting, new: NewProblem, text: str, raised_by: str) -> NewCase:
    if new.requester_agreed and (raised_by or new.resident):
        resident = new.resident
        requester = Requester(
            kind=RequesterKind.RESIDENT,
            name=raised_by or (resident.name if resident else ""),
            phone=new.requester_phone or (resident.phone if resident else ""),
            resident=resident,
        )
    else:
        requester = Requester(kind=RequesterKind.ANONYMOUS)
    title = text.splitlines()[0][:TITLE_CHARS]
    note = _("Raised at the %(kind)s of %(day)s in %(village)s.") % {
        "kind": MeetingKind(meeting.kind).label,
        "day": meeting.held_on.isoformat(),
        "village": meeting.village.name,
    }
    return NewCase(
        channel=Channel.VILLAGE_MEETING,
        title=title,
        text=f"{text}\n\n{note}",
        location_unit=meeting.village,
        requester=requester,
        category=new.category,
    )


# --- the burden ledger -----------------------------------------------------------------------


@dataclass(frozen=True)
class NewDemand:
    department: Unit | None
    kind: str
    title: str
    frequency: str
    hours_each: Decimal | str | None
    all_villages: bool = True
    villages: Sequence[Unit] = ()
    reason: str = ""


def _demand_checked(new: NewDemand) -> tuple[Unit, Unit, Decimal]:
    if new.department is None or new.department.kind != UnitKind.DEPARTMENT:
        raise ValidationFailed(_("Name the department that asks."), field="department")
    if new.kind not in BurdenKind.values:
        raise ValidationFailed(_("Choose the kind of burden."), field="kind")
    if new.frequency not in Frequency.values:
        raise ValidationFailed(_("Say how often it is asked."), field="frequency")
    try:
        hours = Decimal(str(new.hours_each)) if new.hours_each not in (None, "") else None
    except InvalidOperation:
        hours = None
    if hours is None or not hours.is_finite() or hours <= 0 or hours >= 10000:
        raise ValidationFailed(_("Estimate the hours each time, more than 0."), field="hours_each")
    if not new.all_villages and not new.villages:
        raise ValidationFailed(_("Choose the villages, or every village."), field="villages")
    county = county_of(new.department)
    for village in new.villages:
        if village.kind not in VILLAGE_KINDS or not village.path.startswith(county.path):
            raise ValidationFailed(
                _("%(unit)s is not a village of this county.") % {"unit": village.name},
                field="villages",
            )
    return new.department, county, hours.quantize(Decimal("0.01"))


def _demand_create(
    *,
    actor: User,
    new: NewDemand,
    state: str,
    department: Unit,
    county: Unit,
    hours: Decimal,
    **decision: Any,
) -> BurdenDemand:
    demand = BurdenDemand.objects.create(
        county=county,
        department=department,
        kind=new.kind,
        title=_text(new.title, field="title", label=_("What is asked"), limit=200),
        all_villages=new.all_villages,
        frequency=new.frequency,
        hours_each=hours,
        reason=_text(new.reason, field="reason", label=_("Reason"), limit=TEXT_MAX, required=False),
        state=state,
        proposed_by=actor,
        **decision,
    )
    if not new.all_villages:
        demand.villages.set(new.villages)
    return demand


@transaction.atomic
def demand_propose(*, actor: User, new: NewDemand) -> BurdenDemand:
    """A department asks to place a new demand on villages; the county office decides."""
    department, county, hours = _demand_checked(new)
    department_actor(actor, department)
    if not new.reason.strip():
        raise ValidationFailed(_("Say why villages must do this."), field="reason")
    return _demand_create(
        actor=actor,
        new=new,
        state=DemandState.PROPOSED,
        department=department,
        county=county,
        hours=hours,
    )


@transaction.atomic
def demand_register(*, actor: User, new: NewDemand, in_force_from: date) -> BurdenDemand:
    """The county office lists a demand already in force (building the ledger, the baseline)."""
    department, county, hours = _demand_checked(new)
    require_county_office(actor, county)
    return _demand_create(
        actor=actor,
        new=new,
        state=DemandState.APPROVED,
        department=department,
        county=county,
        hours=hours,
        in_force_from=in_force_from,
        decided_by=actor,
        decided_at=timezone.now(),
        decision_reason=_("Listed in the ledger as already in force."),
    )


def _lock_demand(actor: User, demand_id: int) -> BurdenDemand:
    demand = (
        BurdenDemand.objects.select_for_update(of=("self",))
        .filter(pk__in=BurdenDemand.objects.visible_to(actor).values("pk"))
        .filter(pk=demand_id)
        .first()
    )
    if demand is None:
        raise NotFound(_("No such demand."))
    return demand


@transaction.atomic
def demand_decide(
    *, actor: User, demand_id: int, approve: bool, reason: str, in_force_from: date | None = None
) -> BurdenDemand:
    """The county office approves or refuses a proposed demand, with its reasons."""
    demand = _lock_demand(actor, demand_id)
    require_county_office(actor, demand.county)
    if demand.state != DemandState.PROPOSED:
        raise Conflict(
            _("This demand is already “%(state)s”.") % {"state": DemandState(demand.state).label}
        )
    demand.decision_reason = _text(
        reason, field="decision_reason", label=_("Reason"), limit=TEXT_MAX
    )
    demand.decided_by, demand.decided_at = actor, timezone.now()
    if approve:
        demand.state = DemandState.APPROVED
        demand.in_force_from = in_force_from or today()
    else:
        demand.state = DemandState.REFUSED
    demand.save(
        update_fields=["state", "decision_reason", "decided_by", "decided_at", "in_force_from"]
    )
    return demand


@transaction.atomic
def demand_abolish(*, actor: User, demand_id: int, on: date, reason: str) -> BurdenDemand:
    """The county office ends a demand: from `on` villages no longer do it."""
    demand = _lock_demand(actor, demand_id)
    require_county_office(actor, demand.county)
    if demand.state != DemandState.APPROVED or demand.in_force_until is not None:
        raise Conflict(_("Only a demand in force can be abolished."))
    assert demand.in_force_from is not None  # noqa: S101 - approved demands have one (constraint)
    if on <= demand.in_force_from:
        raise ValidationFailed(_("It must end after it came into force."), field="on")
    demand.in_force_until = on
    demand.abolish_reason = _text(reason, field="reason", label=_("Reason"), limit=TEXT_MAX)
    demand.save(update_fields=["in_force_until", "abolish_reason"])
    return demand


@transaction.atomic
def baseline_set(*, actor: User, county: Unit, year: int) -> BurdenBaseline:
    require_county_office(actor, county)
    if not 2000 <= year < today().year:
        raise ValidationFailed(_("The baseline is a past year."), field="year")
    baseline, _created = BurdenBaseline.objects.update_or_create(
        county=county, defaults={"year": year, "set_by": actor, "set_at": timezone.now()}
    )
    return baseline


@transaction.atomic
def burden_report(
    *, actor: User, village: Unit, kind: str, department_named: str, text: str
) -> BurdenReport:
    """A village reports a burden not in the ledger; it becomes a case at the county's desk."""
    if village.kind not in VILLAGE_KINDS:
        raise ValidationFailed(_("Choose a village or community."), field="village")
    village_actor(actor, village)
    if kind not in BurdenKind.values:
        raise ValidationFailed(_("Choose the kind of burden."), field="kind")
    who = _text(department_named, field="department_named", label=_("Who asks"), limit=NAME_MAX)
    what = _text(text, field="text", label=_("What is asked"), limit=TEXT_MAX)
    title = _("Unlisted burden: %(kind)s from %(who)s") % {
        "kind": BurdenKind(kind).label,
        "who": who,
    }
    # Not a field channel, so the case starts at the county's desk: the county office decides.
    case = case_create(
        new=NewCase(
            channel=Channel.WEB,
            title=title[:200],
            text=what,
            location_unit=village,
            requester=Requester(kind=RequesterKind.GRASSROOTS, unit=village, name=village.name),
        ),
        actor=actor,
    )
    return BurdenReport.objects.create(
        village=village,
        kind=kind,
        department_named=who,
        text=what,
        case=case,
        reported_by=actor,
        reported_at=timezone.now(),
    )

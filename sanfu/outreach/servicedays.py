"""亲清服务日: service days — scheduled, attended, and every problem raised is either solved on
the spot or a case in the loop (channel `reception_day`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from sanfu.cases.models import Channel, RequesterKind
from sanfu.cases.policies import Capability, may
from sanfu.cases.services import NewCase, Requester, case_create
from sanfu.cases.services.intake import PLACE_KINDS
from sanfu.directory.models import Enterprise, Unit, User
from sanfu.lib.errors import NotFound, PermissionDenied, ValidationFailed
from sanfu.outreach.models import ProblemOutcome, ServiceDay, ServiceDayProblem
from sanfu.outreach.services import may_keep_roster, place_of


@transaction.atomic
def service_day_create(
    *,
    actor: User,
    unit: Unit,
    title: str,
    held_on: date,
    enterprises: Sequence[Enterprise] = (),
    attendance_note: str = "",
) -> ServiceDay:
    if not may_keep_roster(actor, unit):
        raise PermissionDenied(
            _("You may not organise service days for %(unit)s.") % {"unit": unit.name}
        )
    title = title.strip()
    if not title or len(title) > 200:
        raise ValidationFailed(_("Give the day a title of at most 200 characters."), field="title")
    day = ServiceDay.objects.create(
        title=title,
        held_on=held_on,
        unit=unit,
        host=actor,
        attendance_note=attendance_note.strip()[:500],
    )
    day.enterprises.set(enterprises)
    return day


def service_day_get_for_user(*, user: User, day_id: int) -> ServiceDay:
    day = (
        ServiceDay.objects.visible_to(user).select_related("unit", "host").filter(pk=day_id).first()
    )
    if day is None:
        raise NotFound(_("No such service day."))
    return day


@transaction.atomic
def service_day_problem_add(
    *,
    actor: User,
    day_id: int,
    text: str,
    enterprise: Enterprise | None = None,
    solution: str = "",
) -> ServiceDayProblem:
    """A problem raised: solved on the spot when `solution` is given, else a case."""
    day = service_day_get_for_user(user=actor, day_id=day_id)
    if day.host_id != actor.pk and not may_keep_roster(actor, day.unit):
        raise PermissionDenied(_("Only the host records the day's problems."))
    text = text.strip()
    if not text or len(text) > 2000:
        raise ValidationFailed(_("Describe the problem in at most 2000 characters."), field="text")
    solution = solution.strip()
    if solution:
        return ServiceDayProblem.objects.create(
            service_day=day,
            enterprise=enterprise,
            text=text,
            outcome=ProblemOutcome.ON_THE_SPOT,
            solution=solution[:2000],
        )
    place = place_of(enterprise) if enterprise else day.unit
    if place.kind not in PLACE_KINDS:
        # A county department's day: the case is placed where the enterprise is, or refused.
        raise ValidationFailed(
            _("Name the enterprise, so the case has a place."), field="enterprise"
        )
    requester = (
        Requester(kind=RequesterKind.ENTERPRISE, name=enterprise.name, enterprise=enterprise)
        if enterprise
        else Requester(kind=RequesterKind.ANONYMOUS)
    )
    case = case_create(
        new=NewCase(
            channel=Channel.RECEPTION_DAY,
            title=text.splitlines()[0][:60],
            text=text,
            location_unit=place,
            requester=requester,
        ),
        actor=actor if may(actor, Capability.HANDLE, place, from_above=True) else None,
    )
    return ServiceDayProblem.objects.create(
        service_day=day, enterprise=enterprise, text=text, outcome=ProblemOutcome.CASE, case=case
    )

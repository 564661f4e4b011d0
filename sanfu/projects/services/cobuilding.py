"""Contract co-building (契约共建): units sign commitments in a community, deliver them, and the
community rates each delivery."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from sanfu.cases.policies import Capability, acting_unit
from sanfu.directory.models import Enterprise, Unit, UnitKind, User
from sanfu.lib.errors import NotFound, ValidationFailed
from sanfu.projects import events
from sanfu.projects.models import (
    WORKING_STATES,
    Commitment,
    EventKind,
    Kind,
    Project,
    Rating,
)
from sanfu.projects.policies import deciding_unit, working_unit
from sanfu.projects.services.core import clean_text, lock_project, now, require_state

SIGNING_KINDS = frozenset({UnitKind.DEPARTMENT, UnitKind.SOCIAL_ORG})
MAX_PEOPLE = 1_000_000


def _co_building(project: Project) -> None:
    if project.kind != Kind.CO_BUILDING:
        raise ValidationFailed(_("Only co-building projects have commitments."), field="kind")


@transaction.atomic
def commitment_sign(
    *,
    actor: User,
    project_id: int,
    deliverable: str,
    due_on: date,
    signing_unit: Unit | None = None,
    enterprise: Enterprise | None = None,
) -> Commitment:
    project = lock_project(actor=actor, project_id=project_id)
    _co_building(project)
    require_state(project, {"proposed", *WORKING_STATES}, action=_("signed"))
    unit = deciding_unit(actor, project.owning_unit)
    if (signing_unit is None) == (enterprise is None):
        raise ValidationFailed(_("Choose one signing unit or enterprise."), field="signing_unit")
    if signing_unit is not None and signing_unit.kind not in SIGNING_KINDS:
        raise ValidationFailed(
            _("Departments and social organisations sign as units."), field="signing_unit"
        )
    if project.ends_on is not None and due_on > project.ends_on:
        raise ValidationFailed(_("The date is after the project's planned end."), field="due_on")
    at = now()
    commitment = Commitment.objects.create(
        project=project,
        signing_unit=signing_unit,
        enterprise=enterprise,
        deliverable=clean_text(deliverable, field="deliverable", label=_("Deliverable"), limit=200),
        due_on=due_on,
        signed_at=at,
    )
    events.append(
        project=project,
        kind=EventKind.COMMITMENT_ADDED,
        at=at,
        from_state=project.state,
        actor=actor,
        unit=unit,
        note=commitment.deliverable,
        data={"commitment": commitment.pk, "signer": commitment.signer_name},
    )
    return commitment


def _commitment(actor: User, commitment_id: int) -> Commitment:
    visible = Project.objects.visible_to(actor).values("pk")
    commitment = (
        Commitment.objects.select_related("project", "signing_unit", "enterprise")
        .filter(pk=commitment_id, project__in=visible)
        .first()
    )
    if commitment is None:
        raise NotFound(_("No such commitment."), field="commitment")
    return commitment


@transaction.atomic
def commitment_deliver(
    *, actor: User, commitment_id: int, note: str, people_served: int
) -> Commitment:
    commitment = _commitment(actor, commitment_id)
    project = lock_project(actor=actor, project_id=commitment.project_id)
    require_state(project, WORKING_STATES, action=_("delivered on"))
    unit = working_unit(actor, project)
    if not 0 <= people_served <= MAX_PEOPLE:
        raise ValidationFailed(_("Count the people served."), field="people_served")
    note = clean_text(note, field="note", label=_("Delivery"), limit=1000)
    at = now()
    if not Commitment.objects.filter(pk=commitment.pk, delivered_at__isnull=True).update(
        delivered_at=at, delivery_note=note, people_served=people_served
    ):
        raise ValidationFailed(_("This commitment is already delivered."), field="commitment")
    commitment.refresh_from_db()
    events.append(
        project=project,
        kind=EventKind.DELIVERED,
        at=at,
        from_state=project.state,
        actor=actor,
        unit=unit,
        note=note,
        data={"commitment": commitment.pk, "people_served": people_served},
    )
    return commitment


@transaction.atomic
def commitment_rate(*, actor: User, commitment_id: int, rating: str) -> Commitment:
    """The community rates a delivery: its own cadres, at one of the project's places."""
    commitment = _commitment(actor, commitment_id)
    project = commitment.project
    if rating not in Rating.values:
        raise ValidationFailed(_("Choose a rating."), field="rating")
    community = project.place_links.select_related("unit").first()
    if community is None:
        raise ValidationFailed(_("The project has no community."), field="places")
    unit = acting_unit(actor, Capability.HANDLE, community.unit)
    at = now()
    if not Commitment.objects.filter(
        pk=commitment.pk, delivered_at__isnull=False, rating=""
    ).update(rating=rating, rated_at=at):
        raise ValidationFailed(_("Only a delivered commitment is rated, once."), field="commitment")
    commitment.refresh_from_db()
    events.append(
        project=project,
        kind=EventKind.RATED,
        at=at,
        from_state=project.state,
        actor=actor,
        unit=unit,
        data={"commitment": commitment.pk, "rating": rating},
    )
    return commitment

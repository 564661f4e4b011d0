"""Reports against cadres and clearing their names (澄清正名): intake, verification, outcome,
the cadre's consent, the public notice and the clearing meeting.

Reads go through `Report.objects.visible_to(user)` (the county's discipline-inspection role
only) and `report_get_for_user`, which logs every read.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.directory.models import Unit, UnitKind, User
from sanfu.frontdoor.models import (
    Clearing,
    Outcome,
    Report,
    ReportRead,
    ReportState,
    Verification,
)
from sanfu.frontdoor.models.reports import ReportChannel
from sanfu.lib.errors import Conflict, NotFound, ValidationFailed

CONTENT_LIMIT = 5000
CLEARABLE = frozenset({Outcome.UNFOUNDED, Outcome.MALICIOUS})


def _text(value: str, *, field: str, label: str, limit: int, required: bool = True) -> str:
    cleaned = value.strip()
    if required and not cleaned:
        raise ValidationFailed(_("%(label)s is required.") % {"label": label}, field=field)
    if len(cleaned) > limit:
        raise ValidationFailed(
            _("%(label)s is longer than %(limit)d characters.") % {"label": label, "limit": limit},
            field=field,
        )
    return cleaned


@transaction.atomic
def report_create(
    *,
    county: Unit,
    person_name: str,
    content: str,
    person_unit: Unit | None = None,
    person_post: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    taken_by: User | None = None,
) -> Report:
    """Take a report down (from the portal, or by staff when `taken_by` is given)."""
    if county.kind != UnitKind.COUNTY:
        raise ValidationFailed(_("Choose a county."), field="county")
    person_name = _text(person_name, field="person_name", label=_("The person's name"), limit=50)
    content = _text(content, field="content", label=_("What you report"), limit=CONTENT_LIMIT)
    if person_unit is not None and not person_unit.path.startswith(county.path):
        raise ValidationFailed(_("This unit is not in the county."), field="person_unit")
    now = timezone.now()
    return Report.objects.create(
        county=county,
        number=f"JB{timezone.localtime(now):%Y%m%d}{secrets.randbelow(10**6):06d}",
        person_name=person_name,
        person_unit=person_unit,
        person_post=person_post.strip()[:100],
        content=content,
        reporter_name=reporter_name.strip()[:50],
        reporter_phone=reporter_phone.strip()[:20],
        channel=ReportChannel.STAFF if taken_by else ReportChannel.PORTAL,
        taken_by=taken_by,
        received_at=now,
    )


def reports_for(user: User) -> QuerySet[Report]:
    return Report.objects.visible_to(user).select_related("person_unit")


def report_get_for_user(*, user: User, report_id: int) -> Report:
    """The report if `user` may read it (else NotFound, as if it did not exist); the read is
    logged."""
    report = reports_for(user).filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("No such report."))
    ReportRead.objects.create(report=report, user=user)
    return report


def _locked(user: User, report_id: int) -> Report:
    if not reports_for(user).filter(pk=report_id).exists():
        raise NotFound(_("No such report."))
    return Report.objects.select_for_update().get(pk=report_id)


@transaction.atomic
def report_verify(*, actor: User, report_id: int, note: str) -> Verification:
    """A verification step: what was checked, with whom."""
    report = _locked(actor, report_id)
    if report.state == ReportState.CONCLUDED:
        raise Conflict(_("The report is concluded."), field="note")
    note = _text(note, field="note", label=_("What was done"), limit=CONTENT_LIMIT)
    if report.state == ReportState.RECEIVED:
        report.state = ReportState.VERIFYING
        report.save(update_fields=["state"])
    return Verification.objects.create(report=report, note=note, by=actor, at=timezone.now())


@transaction.atomic
def report_conclude(*, actor: User, report_id: int, outcome: str, note: str) -> Report:
    report = _locked(actor, report_id)
    if report.state == ReportState.CONCLUDED:
        raise Conflict(_("The report is concluded."), field="outcome")
    if outcome not in Outcome.values:
        raise ValidationFailed(_("Choose an outcome."), field="outcome")
    if not report.steps.exists():
        raise ValidationFailed(
            _("Record at least one verification step before concluding."), field="outcome"
        )
    note = _text(note, field="note", label=_("Conclusion"), limit=CONTENT_LIMIT)
    now = timezone.now()
    Verification.objects.create(report=report, note=note, by=actor, at=now)
    report.state = ReportState.CONCLUDED
    report.outcome = outcome
    report.concluded_at = now
    report.save(update_fields=["state", "outcome", "concluded_at"])
    return report


def _clearing(report: Report) -> Clearing:
    if report.outcome not in CLEARABLE:
        raise ValidationFailed(
            _("Only a report found unfounded or malicious can be cleared."), field="report"
        )
    clearing, _created = Clearing.objects.select_for_update().get_or_create(report=report)
    return clearing


@transaction.atomic
def clearing_consent(*, actor: User, report_id: int, how: str) -> Clearing:
    """Record that the cadre agreed to a public clearing (and how they said so)."""
    clearing = _clearing(_locked(actor, report_id))
    clearing.consent_note = _text(how, field="how", label=_("How consent was given"), limit=200)
    clearing.consent_at = timezone.now()
    clearing.save(update_fields=["consent_note", "consent_at"])
    return clearing


@transaction.atomic
def clearing_publish(*, actor: User, report_id: int, notice: str) -> Clearing:
    clearing = _clearing(_locked(actor, report_id))
    if clearing.consent_at is None:
        raise ValidationFailed(
            _("Record the cadre's consent before publishing a clearing notice."), field="notice"
        )
    if clearing.published_at is not None:
        raise Conflict(_("The notice is already published."), field="notice")
    clearing.notice = _text(notice, field="notice", label=_("Notice"), limit=CONTENT_LIMIT)
    clearing.published_at = timezone.now()
    clearing.save(update_fields=["notice", "published_at"])
    return clearing


@transaction.atomic
def clearing_meeting(*, actor: User, report_id: int, record: str) -> Clearing:
    clearing = _clearing(_locked(actor, report_id))
    clearing.meeting_note = _text(
        record, field="record", label=_("Meeting record"), limit=CONTENT_LIMIT
    )
    clearing.meeting_at = timezone.now()
    clearing.save(update_fields=["meeting_note", "meeting_at"])
    return clearing


def notices_published() -> QuerySet[Clearing]:
    """The public clearing notices: only their own text, which the inspectors wrote for it."""
    return Clearing.objects.filter(published_at__isnull=False).order_by("-published_at")


@dataclass(frozen=True)
class ReportFigures:
    received: int
    verified: int
    unfounded: int
    cleared: int


def report_figures(*, user: User) -> ReportFigures:
    """Received, verified (concluded), unfounded (or malicious) and cleared (notice published)."""
    counts = reports_for(user).aggregate(
        received=Count("pk"),
        verified=Count("pk", filter=Q(state=ReportState.CONCLUDED)),
        unfounded=Count("pk", filter=Q(outcome__in=CLEARABLE)),
        cleared=Count("pk", filter=Q(clearing__published_at__isnull=False)),
    )
    return ReportFigures(**counts)

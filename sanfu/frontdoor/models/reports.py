"""Reports against cadres (信访举报 about staff) and clearing their names (澄清正名).

Confidential: read only through `Report.objects.visible_to(user)`, which admits the
discipline-inspection role of the report's county and nobody else; every read is a row of
`ReportRead`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanfu.directory.models import Unit, User
from sanfu.frontdoor.querysets import ReportQuerySet


class ReportState(models.TextChoices):
    RECEIVED = "received", _("Received")
    VERIFYING = "verifying", _("Being verified")
    CONCLUDED = "concluded", _("Concluded")


class Outcome(models.TextChoices):
    FOUNDED = "founded", _("Founded")
    PARTLY = "partly", _("Partly founded")
    UNFOUNDED = "unfounded", _("Unfounded")
    MALICIOUS = "malicious", _("Malicious (false accusation)")


class ReportChannel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    STAFF = "staff", _("Taken down by staff")


class Report(models.Model):
    county = models.ForeignKey(
        Unit, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("number"), max_length=24, unique=True)
    person_name = models.CharField(_("person reported"), max_length=50)
    person_unit = models.ForeignKey(
        Unit,
        verbose_name=_("their unit"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    person_post = models.CharField(_("their post"), max_length=100, blank=True)
    content = models.TextField(_("what is reported"))
    reporter_name = models.CharField(_("reporter's name"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=ReportChannel.choices)
    taken_by = models.ForeignKey(
        User,
        verbose_name=_("taken down by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    state = models.CharField(
        _("state"), max_length=12, choices=ReportState.choices, default=ReportState.RECEIVED
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report against a cadre")
        verbose_name_plural = _("reports against cadres")
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(state="concluded") & ~models.Q(outcome=""))
                | (~models.Q(state="concluded") & models.Q(outcome="")),
                name="report_outcome_iff_concluded",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Verification(models.Model):
    """One step of checking a report: what was done, by whom, when."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="steps"
    )
    note = models.TextField(_("what was done"))
    by = models.ForeignKey(User, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("verification step")
        verbose_name_plural = _("verification steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.report} · {self.at:%Y-%m-%d}"


class ReportRead(models.Model):
    """Every time a person opened a report: append-only."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="reads"
    )
    user = models.ForeignKey(
        User, verbose_name=_("read by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report read")
        verbose_name_plural = _("report reads")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.report} · {self.user}"


class Clearing(models.Model):
    """澄清正名 for an unfounded report: the cadre's consent, the notice, the meeting."""

    report = models.OneToOneField(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="clearing"
    )
    consent_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)
    consent_note = models.CharField(_("how consent was given"), max_length=200, blank=True)
    notice = models.TextField(_("clearing notice"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    meeting_at = models.DateTimeField(_("meeting held at"), null=True, blank=True)
    meeting_note = models.TextField(_("meeting record"), blank=True)

    class Meta:
        verbose_name = _("clearing")
        verbose_name_plural = _("clearings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(published_at__isnull=True) | models.Q(consent_at__isnull=False),
                name="clearing_published_only_with_consent",
            ),
        ]

    def __str__(self) -> str:
        return str(self.report)

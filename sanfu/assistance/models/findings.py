"""Findings of missed, duplicate and excessive aid, their review, and online applications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sanfu.assistance.models.programmes import Need, Programme
from sanfu.assistance.models.records import Person
from sanfu.assistance.querysets import FindingQuerySet


class FindingKind(models.TextChoices):
    DUPLICATE = "duplicate", _("Duplicate aid (重救)")
    EXCESSIVE = "excessive", _("Excessive aid (过度救)")
    MISSED = "missed", _("Missed aid (漏救)")


class FindingState(models.TextChoices):
    OPEN = "open", _("Awaiting review")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class Finding(models.Model):
    """Something the rules found in the aid records, for a caseworker to confirm or dismiss."""

    kind = models.CharField(_("kind"), max_length=12, choices=FindingKind.choices)
    # Stable across runs: made of the kind, need, period and the records involved, so finding
    # the same thing again updates this row instead of adding another.
    key = models.CharField(_("key"), max_length=64, unique=True)
    need = models.CharField(_("need"), max_length=24, choices=Need.choices)
    period = models.CharField(_("period"), max_length=10)
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
    )
    household = models.CharField(_("household"), max_length=64, blank=True)
    person_name = models.CharField(_("name"), max_length=50)
    town = models.ForeignKey(
        "directory.Unit",
        verbose_name=_("town"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    place = models.ForeignKey(
        "directory.Unit",
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
    )
    bodies = models.ManyToManyField(
        "directory.Unit", verbose_name=_("bodies"), related_name="assistance_findings"
    )
    evidence = models.JSONField(_("evidence"), default=dict)
    state = models.CharField(
        _("state"), max_length=10, choices=FindingState.choices, default=FindingState.OPEN
    )
    # False once a later run no longer finds it (the data changed); kept for the record.
    current = models.BooleanField(_("still found"), default=True)
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)
    seen_at = models.DateTimeField(_("last found at"))

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-found_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=FindingKind.values), name="finding_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=FindingState.values), name="finding_state_valid"
            ),
            models.CheckConstraint(condition=Q(need__in=Need.values), name="finding_need_valid"),
        ]
        indexes = [models.Index(fields=["state", "kind"], name="finding_state_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.person_name} ({self.period})"


class FindingReview(models.Model):
    """One decision on a finding. Append-only: a decision is never edited or deleted."""

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="reviews")
    decision = models.CharField(_("decision"), max_length=10, choices=FindingState.choices)
    reason = models.TextField(_("reason"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "directory.Unit", verbose_name=_("on behalf of"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("finding review")
        verbose_name_plural = _("finding reviews")
        ordering = ["finding", "at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=[FindingState.CONFIRMED, FindingState.DISMISSED]),
                name="review_decision_valid",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="review_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.finding_id}: {self.decision}"


class Application(models.Model):
    """An online application (最多跑一次): the facts given, and the case it became."""

    id_number = models.CharField(_("ID number"), max_length=18)
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20)
    town = models.ForeignKey(
        "directory.Unit", verbose_name=_("town"), on_delete=models.PROTECT, related_name="+"
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    facts = models.JSONField(_("facts given"), default=dict)
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="assistance_application",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
    )
    match_probability = models.FloatField(_("match probability"), null=True, blank=True)
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} → {self.programme}"

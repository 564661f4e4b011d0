"""Extensions of the deadline and supervision orders: requests with their own decision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanfu.cases.models.case import REASON_MAX, Case
from sanfu.directory.models import Unit


class Decision(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Extension(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    days = models.PositiveSmallIntegerField(_("extra working days"))
    reason = models.TextField(_("reason"), max_length=REASON_MAX)
    decision = models.CharField(max_length=8, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(max_length=REASON_MAX, blank=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(decision="pending"),
                name="extension_one_pending_per_case",
            ),
            models.CheckConstraint(
                condition=models.Q(days__gte=1, days__lte=60), name="extension_days_1_to_60"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} +{self.days}"


class SupervisionOrder(models.Model):
    """督办: a supervisor's order to a unit about a case, with its own deadline."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supervision_orders")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="supervision_orders")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField()
    deadline = models.DateTimeField(_("deadline"))
    instruction = models.TextField(_("instruction"), max_length=REASON_MAX)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(max_length=REASON_MAX, blank=True)
    overdue = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")
        indexes = [
            models.Index(
                fields=["deadline"],
                name="supervision_open_deadline",
                condition=models.Q(answered_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.deadline:%Y-%m-%d}"

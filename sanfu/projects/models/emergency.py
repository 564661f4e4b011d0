"""Early warnings of an emergency and who has acknowledged them (收到)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanfu.projects.models.project import Project


class EarlyWarning(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="warnings")
    text = models.TextField(_("warning"), max_length=1000)
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return self.text[:50]


class Receipt(models.Model):
    """One recipient of one warning; `acknowledged_at` is set once, when they answer 收到."""

    warning = models.ForeignKey(EarlyWarning, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["warning", "user"], name="receipt_unique"),
        ]
        indexes = [
            models.Index(
                fields=["warning"],
                name="receipt_pending",
                condition=models.Q(acknowledged_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.warning_id} {self.user_id}"

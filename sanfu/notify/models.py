"""The in-app inbox: one row per message to a staff account."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    link = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                name="notification_unread",
                condition=models.Q(read_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.subject


class OneTimeCode(models.Model):
    """A six-digit code sent by SMS to prove a person holds a phone (sanfu.notify.codes).

    Only a keyed hash of the code is kept. Rows also count the codes asked for, per phone and
    per client address, so they stay a day after they expire and are then deleted.
    """

    purpose = models.CharField(max_length=40)
    phone = models.CharField(max_length=20)
    code_hash = models.CharField(max_length=64)
    address = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [
            models.Index(fields=["phone", "created_at"], name="onetimecode_phone"),
            models.Index(fields=["address", "created_at"], name="onetimecode_address"),
            models.Index(fields=["created_at"], name="onetimecode_created"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.phone}"

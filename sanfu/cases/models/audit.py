"""The one log of staff reading a requester's unmasked personal data, whichever way they read
it (the workbench's "show" button or the staff API). Rows are added, never changed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanfu.cases.models.case import Case


class AccessVia(models.TextChoices):
    WORKBENCH = "workbench", _("Workbench")
    API = "api", _("Staff API")


class PersonalDataAccess(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff account"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    via = models.CharField(_("through"), max_length=10, choices=AccessVia.choices)
    fields = models.JSONField(_("fields shown"), default=list)

    class Meta:
        verbose_name = _("read of personal data")
        verbose_name_plural = _("reads of personal data")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["case", "at"], name="pdaccess_case_at"),
            models.Index(fields=["user", "at"], name="pdaccess_user_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(via__in=AccessVia.values), name="pdaccess_via_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.case_id} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("the personal data log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("the personal data log is append-only")

"""The workbench's own record: who looked at a requester's unmasked personal data, and when."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanfu.cases.models import Case


class PersonalDataView(models.Model):
    """One unmasking of a case's personal data by a staff member. Rows are never changed.

    Staff see ID numbers, phones and names masked; showing them is an explicit action so that
    every read of a resident's personal data leaves a trace an auditor can follow.
    """

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
    fields = models.JSONField(_("fields shown"), default=list)

    class Meta:
        verbose_name = _("personal data view")
        verbose_name_plural = _("personal data views")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["case", "at"], name="pdview_case_at"),
            models.Index(fields=["user", "at"], name="pdview_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.case_id} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An audit trail: rows are added, never changed.
        if self.pk is not None:
            raise ValueError("personal data views are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("personal data views are append-only")

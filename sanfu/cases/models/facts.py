"""The dated facts the figures count: every answer given and every rating of one.

A case's row says where it stands now; these rows say what happened and when, and are never
changed afterwards (a reopen, a transfer or a second answer adds rows, it moves none). That is
what keeps a closed month's figures the same forever (`sanfu.cases.figures`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanfu.cases.models.case import REASON_MAX, Case, Rating, ReplyKind
from sanfu.directory.models import Unit


class AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError(f"{type(self).__name__} rows are facts: added, never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError(f"{type(self).__name__} rows are facts: added, never removed")


class CaseReply(AppendOnly):
    """One answer (答复) given to the requester, by the unit that gave it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="replies")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("answered at"))
    kind = models.CharField(_("how it was solved"), max_length=12, choices=ReplyKind.choices)
    # The requester's clock: by the case's reply deadline, which a return or a re-dispatch
    # does not restart. None: the case had no deadline or it is not known (older answers).
    on_time = models.BooleanField(null=True, blank=True)
    # The unit's own clock: by the reply deadline its assignment was given.
    unit_on_time = models.BooleanField(null=True, blank=True)
    # Working days from receipt to this answer (办理时长).
    working_days = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    # The case's first answer (no earlier one): what a "first answer" figure counts.
    first = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["at"], name="case_reply_at"),
            models.Index(fields=["case", "at"], name="case_reply_case_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ReplyKind.values), name="case_reply_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d}"


class CaseRating(AppendOnly):
    """The requester's two answers about one reply: was it solved (是否解决), how satisfied.

    Given by the requester, or recorded by staff on a callback (回访) for a requester who gave
    none (`callback`, with the staff member as `actor`). One per reply, by constraint: after a
    reopen the requester rates the new answer, and the earlier rating stays counted.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="ratings")
    reply = models.ForeignKey(
        CaseReply, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="ratings"
    )
    at = models.DateTimeField(_("rated at"))
    satisfaction = models.CharField(_("satisfaction"), max_length=12, choices=Rating.choices)
    # None only for ratings given before the question was asked (moved from the old timeline).
    solved = models.BooleanField(_("problem solved"), null=True, blank=True)
    callback = models.BooleanField(_("recorded on a callback"), default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(_("comment"), max_length=REASON_MAX, blank=True)
    # The rating of the case's first answer (before any reopen).
    first = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["at"], name="case_rating_at")]
        constraints = [
            models.UniqueConstraint(fields=["reply"], name="case_rating_one_per_reply"),
            models.CheckConstraint(
                condition=models.Q(satisfaction__in=Rating.values),
                name="case_rating_satisfaction_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(callback=False) | models.Q(actor__isnull=False),
                name="case_rating_callback_has_actor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.satisfaction} {self.at:%Y-%m-%d}"

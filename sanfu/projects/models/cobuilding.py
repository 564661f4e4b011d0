"""Contract co-building (契约共建): signing units' commitments in a community, delivered."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanfu.directory.models import Enterprise, Unit
from sanfu.projects.models.project import Project


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class Commitment(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="commitments")
    # A department or social organisation signs as a unit; an enterprise as itself.
    signing_unit = models.ForeignKey(
        Unit,
        verbose_name=_("signing unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("signing enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    deliverable = models.CharField(_("deliverable"), max_length=200)
    due_on = models.DateField(_("due on"))
    signed_at = models.DateTimeField(_("signed at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delivery_note = models.TextField(_("delivery"), max_length=1000, blank=True)
    people_served = models.PositiveIntegerField(_("people served"), default=0)
    rating = models.CharField(
        _("community's rating"), max_length=12, choices=Rating.choices, blank=True
    )
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(signing_unit__isnull=False) & models.Q(enterprise__isnull=True))
                | (models.Q(signing_unit__isnull=True) & models.Q(enterprise__isnull=False)),
                name="commitment_one_signer",
            ),
            models.CheckConstraint(
                condition=models.Q(rating="") | models.Q(delivered_at__isnull=False),
                name="commitment_rated_after_delivery",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__in=["", *Rating.values]), name="commitment_rating"
            ),
        ]

    def __str__(self) -> str:
        return self.deliverable

    @property
    def signer_name(self) -> str:
        if self.enterprise is not None:
            return self.enterprise.name
        return self.signing_unit.name if self.signing_unit else ""

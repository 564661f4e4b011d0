"""A catalogue category that is an administrative service (办事指南): who, what to bring, how.

Kept here with a one-to-one to `cases.Category` rather than as columns of Category: the cases
app's migrations were being changed by another piece of work when this was built, and the
guide's fields are read only by the front door. Moving them onto Category later is one
migration that copies the rows; nothing else reads this table.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanfu.cases.models import Category
from sanfu.directory.models import Unit


class ServiceEntry(models.Model):
    category = models.OneToOneField(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="service"
    )
    provider = models.ForeignKey(
        Unit, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="services"
    )
    materials = models.TextField(_("what to bring"), blank=True, help_text=_("One per line."))
    steps = models.TextField(_("what to do"), blank=True, help_text=_("One step per line."))
    legal_days = models.PositiveSmallIntegerField(_("legal time limit (working days)"))
    fees = models.CharField(_("fees"), max_length=100, blank=True)
    keywords = models.CharField(_("other names"), max_length=200, blank=True)
    online = models.BooleanField(_("can be done online"), default=False)
    mobile = models.BooleanField(_("can be done on a phone"), default=False)
    zero_visit = models.BooleanField(_("zero visits"), default=False)
    one_visit = models.BooleanField(_("at most one visit"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("administrative service")
        verbose_name_plural = _("administrative services")
        constraints = [
            # 跑零次 is the strongest form of 最多跑一次.
            models.CheckConstraint(
                condition=~models.Q(zero_visit=True, one_visit=False),
                name="service_zero_visit_is_one_visit",
            ),
        ]

    def __str__(self) -> str:
        return self.category.name

    def material_list(self) -> list[str]:
        return [line.strip() for line in self.materials.splitlines() if line.strip()]

    def step_list(self) -> list[str]:
        return [line.strip() for line in self.steps.splitlines() if line.strip()]

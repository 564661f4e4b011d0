"""What the registers say about an enterprise: its register facts and its figures by year."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanfu.directory.models import Enterprise


class TaxGrade(models.TextChoices):
    """Tax credit grades (纳税信用等级) as the tax bureau assigns them."""

    A = "A", "A"
    B = "B", "B"
    M = "M", "M"
    C = "C", "C"
    D = "D", "D"


class EnterpriseProfile(models.Model):
    """Register facts the directory does not hold (from the market regulator's export)."""

    enterprise = models.OneToOneField(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="enterprise_profile",
    )
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    # GB/T 4754 industry code, e.g. C3311; the directory's industry is its broad section.
    industry_code = models.CharField(_("industry code (GB/T 4754)"), max_length=8, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("enterprise profile")
        verbose_name_plural = _("enterprise profiles")

    def __str__(self) -> str:
        return str(self.enterprise)


class EnterpriseFacts(models.Model):
    """One enterprise's figures for one year, as the tax bureau and statistics report them."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="enterprise_facts",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    revenue = models.DecimalField(
        _("revenue (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    tax_paid = models.DecimalField(
        _("tax paid (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    tax_grade = models.CharField(
        _("tax credit grade"), max_length=1, choices=TaxGrade.choices, blank=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("enterprise facts")
        verbose_name_plural = _("enterprise facts")
        ordering = ["enterprise_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="ent_facts_unique_year"),
            models.CheckConstraint(
                condition=models.Q(tax_grade__in=["", *TaxGrade.values]),
                name="ent_facts_tax_grade_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} · {self.year}"

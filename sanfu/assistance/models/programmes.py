"""Programmes of assistance: what each body gives, to whom, how much and how often."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Need(models.TextChoices):
    """The need an aid answers. Duplicate and excessive aid are judged per need."""

    SUBSISTENCE = "subsistence", _("Subsistence allowance (低保)")
    EXTREME_POVERTY = "extreme_poverty", _("Extreme poverty support (特困)")
    MEDICAL = "medical", _("Medical assistance")
    EDUCATION = "education", _("Education assistance")
    HOUSING = "housing", _("Housing assistance")
    TEMPORARY = "temporary", _("Temporary hardship assistance (临时救助)")
    DISABILITY = "disability", _("Disability support")
    ELDERLY_CARE = "elderly_care", _("Elderly care")
    EMPLOYMENT = "employment", _("Employment assistance")
    IN_KIND = "in_kind", _("In-kind donations")


class Period(models.TextChoices):
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    YEAR = "year", _("Yearly")


class Status(models.TextChoices):
    """A registered status a body certifies about a person (imported as a fact)."""

    LOW_INCOME = "low_income", _("Low-income household (低保户)")
    EXTREME_POVERTY = "extreme_poverty", _("Extreme poverty (特困人员)")
    MARGINAL = "marginal", _("Marginal low-income (低保边缘)")
    ORPHAN = "orphan", _("Orphan or de-facto orphan")
    DISABLED = "disabled", _("Certified disability")


class Beneficiary(models.TextChoices):
    PERSON = "person", _("Person")
    HOUSEHOLD = "household", _("Household")


DISABILITY_GRADES = (1, 2, 3, 4)  # 一级 is the most severe


class Programme(models.Model):
    """One aid programme of one giving body (a department, a town or a social organisation)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    need = models.CharField(_("need"), max_length=24, choices=Need.choices)
    body = models.ForeignKey(
        "directory.Unit",
        verbose_name=_("giving body"),
        on_delete=models.PROTECT,
        related_name="assistance_programmes",
    )
    beneficiary = models.CharField(
        _("given to"), max_length=12, choices=Beneficiary.choices, default=Beneficiary.PERSON
    )
    # Either a sum of money per period or a description of the goods given.
    amount = models.DecimalField(
        _("amount per period (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    in_kind = models.CharField(_("in kind"), max_length=100, blank=True)
    period = models.CharField(_("period"), max_length=8, choices=Period.choices)
    # Eligibility: every rule that is set must hold; an empty rule does not restrict.
    max_income_per_head = models.DecimalField(
        _("max monthly household income per head (yuan)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    required_status = models.CharField(
        _("required registered status"), max_length=20, choices=Status.choices, blank=True
    )
    max_disability_grade = models.PositiveSmallIntegerField(
        _("disability grade at most"),
        null=True,
        blank=True,
        help_text=_("1 is the most severe grade: 2 means grades 1 and 2 qualify."),
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    # Caps on what this programme gives one person / one household in one period.
    cap_per_person = models.DecimalField(
        _("cap per person per period (yuan)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    cap_per_household = models.DecimalField(
        _("cap per household per period (yuan)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["need", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(need__in=Need.values), name="programme_need_valid"),
            models.CheckConstraint(
                condition=Q(period__in=Period.values), name="programme_period_valid"
            ),
            models.CheckConstraint(
                condition=Q(beneficiary__in=Beneficiary.values),
                name="programme_beneficiary_valid",
            ),
            models.CheckConstraint(
                condition=Q(required_status="") | Q(required_status__in=Status.values),
                name="programme_status_valid",
            ),
            # Money or goods, never both and never neither.
            models.CheckConstraint(
                condition=(Q(amount__isnull=False, amount__gt=0) & Q(in_kind=""))
                | (Q(amount__isnull=True) & ~Q(in_kind="")),
                name="programme_amount_or_in_kind",
            ),
            models.CheckConstraint(
                condition=Q(max_disability_grade__isnull=True)
                | Q(max_disability_grade__gte=1, max_disability_grade__lte=4),
                name="programme_disability_grade_range",
            ),
            models.CheckConstraint(
                condition=Q(max_age__isnull=True) | Q(max_age__lte=150),
                name="programme_max_age_range",
            ),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lte=F("max_age")),
                name="programme_age_order",
            ),
            models.CheckConstraint(
                condition=Q(max_income_per_head__isnull=True) | Q(max_income_per_head__gte=0),
                name="programme_income_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(cap_per_person__isnull=True) | Q(cap_per_person__gt=0),
                name="programme_cap_person_positive",
            ),
            models.CheckConstraint(
                condition=Q(cap_per_household__isnull=True) | Q(cap_per_household__gt=0),
                name="programme_cap_household_positive",
            ),
            models.UniqueConstraint(fields=["body", "name"], name="programme_unique_name_per_body"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class NeedCap(models.Model):
    """A cap across every programme of one need: no one gets more than this per period."""

    need = models.CharField(_("need"), max_length=24, choices=Need.choices)
    period = models.CharField(_("period"), max_length=8, choices=Period.choices)
    cap_per_person = models.DecimalField(
        _("cap per person (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    cap_per_household = models.DecimalField(
        _("cap per household (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    max_bodies = models.PositiveSmallIntegerField(
        _("most bodies giving it at once"),
        default=1,
        help_text=_(
            "More bodies than this giving one person this need in one period is duplicate aid."
        ),
    )

    class Meta:
        verbose_name = _("cap across programmes")
        verbose_name_plural = _("caps across programmes")
        ordering = ["need"]
        constraints = [
            models.UniqueConstraint(fields=["need"], name="needcap_unique_need"),
            models.CheckConstraint(condition=Q(need__in=Need.values), name="needcap_need_valid"),
            models.CheckConstraint(
                condition=Q(period__in=Period.values), name="needcap_period_valid"
            ),
            models.CheckConstraint(
                condition=Q(cap_per_person__isnull=True) | Q(cap_per_person__gt=0),
                name="needcap_person_positive",
            ),
            models.CheckConstraint(
                condition=Q(cap_per_household__isnull=True) | Q(cap_per_household__gt=0),
                name="needcap_household_positive",
            ),
            models.CheckConstraint(condition=Q(max_bodies__gte=1), name="needcap_bodies_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_need_display()} / {self.get_period_display()}"

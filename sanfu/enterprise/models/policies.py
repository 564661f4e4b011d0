"""Policies for enterprises (惠企政策) as data, the benefits delivered, and the review of
enterprises that qualify but have not received a policy (免申即享)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanfu.directory.models import Enterprise, Unit, User
from sanfu.enterprise.querysets import PolicyMatchQuerySet, PolicyQuerySet


class BenefitKind(models.TextChoices):
    TAX_CUT = "tax_cut", _("Tax cut")
    FEE_CUT = "fee_cut", _("Fee cut")
    SUBSIDY = "subsidy", _("Subsidy")
    LOAN = "loan", _("Loan")
    AWARD = "award", _("Award")
    OTHER = "other", _("Other")


class Policy(models.Model):
    """One policy and the structured rules an enterprise must meet; empty rules do not limit.

    The rules are read against the enterprise's facts of `facts_year`; a fact that is unknown
    never meets a rule that needs it (the same stance as the assistance programmes).
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    issuing_unit = models.ForeignKey(
        Unit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    facts_year = models.PositiveSmallIntegerField(_("facts of year"))
    industries = models.JSONField(_("industries"), default=list, blank=True)
    sizes = models.JSONField(_("sizes"), default=list, blank=True)
    towns = models.ManyToManyField(Unit, verbose_name=_("towns"), blank=True, related_name="+")
    min_revenue = models.DecimalField(
        _("minimum revenue"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    max_revenue = models.DecimalField(
        _("maximum revenue"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    min_employees = models.PositiveIntegerField(_("minimum employees"), null=True, blank=True)
    max_employees = models.PositiveIntegerField(_("maximum employees"), null=True, blank=True)
    tax_grades = models.JSONField(_("tax credit grades"), default=list, blank=True)
    benefit_kind = models.CharField(_("what it gives"), max_length=16, choices=BenefitKind.choices)
    benefit_text = models.CharField(_("benefit"), max_length=300)
    amount = models.DecimalField(
        _("amount"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="ent_policy_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(benefit_kind__in=BenefitKind.values),
                name="ent_policy_benefit_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Benefit(models.Model):
    """A benefit delivered to an enterprise under a policy (imported from the bureaus)."""

    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="benefits"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    given_on = models.DateField(_("given on"), db_index=True)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    # The bureau's document or voucher number; with the rest it makes a re-import a no-op.
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("benefit")
        verbose_name_plural = _("benefits")
        ordering = ["-given_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "enterprise", "given_on", "amount", "reference"],
                name="ent_benefit_unique",
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="ent_benefit_amount"),
        ]
        indexes = [models.Index(fields=["enterprise", "policy"], name="ent_benefit_ent_policy")]

    def __str__(self) -> str:
        return f"{self.policy_id} → {self.enterprise_id} {self.amount}"


class MatchState(models.TextChoices):
    OPEN = "open", _("To review")
    CONFIRMED = "confirmed", _("Confirmed: to be delivered")
    DISMISSED = "dismissed", _("Dismissed")


class PolicyMatch(models.Model):
    """An enterprise that meets a policy's rules but has received nothing under it.

    Written by the matcher; `current` is False once the pair no longer qualifies or has been
    served, so a decision is kept (and shown again) if the pair comes back.
    """

    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="matches"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=12, choices=MatchState.choices, default=MatchState.OPEN
    )
    current = models.BooleanField(_("current"), default=True)
    found_at = models.DateTimeField(_("found at"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        User,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    objects = PolicyMatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("qualified but not received")
        verbose_name_plural = _("qualified but not received")
        ordering = ["policy_id", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "enterprise"], name="ent_match_unique"),
            models.CheckConstraint(
                condition=models.Q(state__in=MatchState.values), name="ent_match_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(state=MatchState.OPEN) | ~models.Q(reason=""),
                name="ent_match_reviewed_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["policy", "current", "state"], name="ent_match_policy_list")
        ]

    def __str__(self) -> str:
        return f"{self.policy_id} · {self.enterprise_id}"


class MatchRun(models.Model):
    """One run of the matcher by the sweep: one a day, claimed by inserting the day's row."""

    day = models.DateField(_("day"), unique=True)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    # Claimed by the process that texts the day's policies, in daytime after the run.
    texted_at = models.DateTimeField(_("policies texted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-day"]

    def __str__(self) -> str:
        return str(self.day)

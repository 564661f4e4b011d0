"""The service menu (服务超市): providers, their offers, enterprises' bookings; and the
one-time codes an enterprise's contact logs in with."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanfu.directory.models import Enterprise, Unit, User


class ProviderKind(models.TextChoices):
    INTERMEDIARY = "intermediary", _("Approval intermediary")
    DESIGN = "design", _("Industrial design")
    BANK = "bank", _("Bank")
    LAW = "law", _("Law firm")
    TRAINING = "training", _("Training")


class Provider(models.Model):
    # The county whose menu lists the provider: its staff approve it and its enterprises book.
    county = models.ForeignKey(
        Unit, verbose_name=_("county"), on_delete=models.PROTECT, related_name="service_providers"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=ProviderKind.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # The staff account the provider answers bookings with.
    account = models.ForeignKey(
        User, verbose_name=_("account"), on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="ent_provider_name_in_county")
        ]

    def __str__(self) -> str:
        return self.name


class OfferCategory(models.TextChoices):
    FINANCE = "finance", _("Finance")
    APPROVAL = "approval", _("Approval services")
    DESIGN = "design", _("Design")
    LEGAL = "legal", _("Legal")
    TRAINING = "training", _("Training")


class Offer(models.Model):
    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.CASCADE, related_name="offers"
    )
    category = models.CharField(_("category"), max_length=16, choices=OfferCategory.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # A loan's annual interest rate in per cent; checked against the legal range.
    rate = models.DecimalField(_("rate (% a year)"), max_digits=5, decimal_places=2, null=True)
    ceiling = models.DecimalField(_("ceiling (yuan)"), max_digits=14, decimal_places=2, null=True)
    term_months = models.PositiveSmallIntegerField(_("term (months)"), null=True)
    conditions = models.CharField(_("conditions"), max_length=500, blank=True)
    answer_days = models.PositiveSmallIntegerField(_("answer within (working days)"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["provider", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate__isnull=True) | models.Q(rate__gt=0, rate__lte=24),
                name="ent_offer_rate_range",
            ),
            models.CheckConstraint(
                condition=models.Q(answer_days__gte=1), name="ent_offer_answer_days"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class BookingState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ANSWERED = "answered", _("Answered")


class Booking(models.Model):
    offer = models.ForeignKey(
        Offer, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="bookings"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    phone = models.CharField(_("contact phone"), max_length=20)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))
    due_at = models.DateTimeField(_("answer due"), db_index=True)
    state = models.CharField(
        _("state"), max_length=12, choices=BookingState.choices, default=BookingState.REQUESTED
    )
    answer = models.CharField(_("answer"), max_length=1000, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_on_time = models.BooleanField(_("answered on time"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="ent_booking_rating_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offer_id} · {self.enterprise_id}"

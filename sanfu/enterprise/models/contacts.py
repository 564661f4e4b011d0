"""The people who speak for an enterprise (its contacts), and the policy texts sent to them.

The directory's `Enterprise.contact_*` is what the register lists; these are the people the
county has confirmed, each with their own phone: they log in by a code texted to it, and the
main contact is told of the policies the enterprise qualifies for.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanfu.directory.models import Enterprise
from sanfu.enterprise.models.policies import Policy
from sanfu.enterprise.querysets import EnterpriseContactQuerySet


class ContactRole(models.TextChoices):
    MAIN = "main", _("Main contact")
    LEGAL = "legal", _("Legal representative")
    FINANCE = "finance", _("Finance")
    OTHER = "other", _("Other")


class EnterpriseContact(models.Model):
    """One person for one enterprise. A phone may speak for several enterprises (a bookkeeper
    serving a few small firms), but only once for each, and each enterprise has at most one
    main contact."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20)
    role = models.CharField(_("role"), max_length=12, choices=ContactRole.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = EnterpriseContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise contact")
        verbose_name_plural = _("enterprise contacts")
        ordering = ["enterprise_id", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "phone"], name="ent_contact_phone_once_per_enterprise"
            ),
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(role="main"),
                name="ent_contact_one_main",
            ),
            models.CheckConstraint(condition=~models.Q(phone=""), name="ent_contact_phone_given"),
            models.CheckConstraint(condition=~models.Q(name=""), name="ent_contact_name_given"),
            models.CheckConstraint(
                condition=models.Q(role__in=ContactRole.values), name="ent_contact_role_valid"
            ),
        ]
        indexes = [models.Index(fields=["phone"], name="ent_contact_phone")]

    def __str__(self) -> str:
        return f"{self.name} · {self.enterprise_id}"


class PolicyText(models.Model):
    """A policy an enterprise qualifies for, texted to its main contact: once per policy and
    enterprise (the unique pair), so no run, however often repeated, texts it twice."""

    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="+"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="+"
    )
    phone = models.CharField(_("phone"), max_length=20)
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("policy text")
        verbose_name_plural = _("policy texts")
        ordering = ["-sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "enterprise"], name="ent_policy_text_once"),
        ]
        indexes = [
            models.Index(fields=["enterprise", "sent_at"], name="ent_policy_text_ent"),
            models.Index(fields=["phone", "sent_at"], name="ent_policy_text_phone"),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id} → {self.enterprise_id}"

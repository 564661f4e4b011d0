"""The service catalogue: categories of requests, who handles them, and how fast."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanfu.directory.models import Unit


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    EMERGENCY = "emergency", _("Emergency")


class Category(models.Model):
    """A node of the three-level catalogue (level 1 is the broad field, level 3 the matter)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("level"))
    default_units = models.ManyToManyField(
        Unit,
        verbose_name=_("default handling units"),
        blank=True,
        related_name="default_categories",
    )
    village_level_ok = models.BooleanField(_("may be handled at village level"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_name"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=3), name="category_level_1_to_3"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Sla(models.Model):
    """How fast a category must be signed for and answered, per priority.

    A category without its own row for a priority takes its parent's, and the catalogue root
    rows (category empty) are the county's defaults.
    """

    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="slas",
    )
    priority = models.CharField(_("priority"), max_length=12, choices=Priority.choices)
    sign_hours = models.PositiveIntegerField(_("sign for within (hours)"))
    reply_days = models.PositiveIntegerField(_("reply within (working days)"))

    class Meta:
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "priority"], name="sla_unique_per_category_priority"
            ),
            models.UniqueConstraint(
                fields=["priority"],
                condition=models.Q(category__isnull=True),
                name="sla_one_default_per_priority",
            ),
            models.CheckConstraint(
                condition=models.Q(sign_hours__gte=1, reply_days__gte=1), name="sla_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category or '*'} · {self.get_priority_display()}"

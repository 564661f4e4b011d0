"""The working-day calendar: official holidays and the weekend days worked instead (调休)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (no work)")
    WORKDAY = "workday", _("Weekend day worked (调休)")


class CalendarYear(models.Model):
    """A year whose official schedule is loaded; deadlines in other years are unconfirmed."""

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        help_text=_(
            "Add the year only once all its holidays and weekend working days are entered: "
            "from then on deadlines that reach into it count as confirmed."
        ),
    )
    source = models.CharField(
        _("source"),
        max_length=100,
        blank=True,
        help_text=_(
            "Where the schedule comes from, e.g. the State Council's notice. `sanfu calendar "
            "load` replaces a year only if its source names the holiday package (or with "
            "--replace)."
        ),
    )
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """An exception to the Monday-to-Friday week: a day off, or a weekend day worked.

    A holiday may fall on a weekend: the official notice lists whole periods (1-8 October),
    and keeping them whole lets an administrator check the table against the notice.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(
        _("kind"),
        max_length=8,
        choices=DayKind.choices,
        help_text=_(
            "Holiday: no work that day. Weekend day worked: a Saturday or Sunday declared a "
            "working day in exchange for a day off (调休)."
        ),
    )
    name = models.CharField(
        _("name"), max_length=50, blank=True, help_text=_("The holiday it belongs to, e.g. 国庆节.")
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DayKind.values), name="calendar_day_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

    def clean(self) -> None:
        # Monday to Friday are working days already; a "worked" weekday is a typo for a date
        # and would otherwise sit in the table meaning nothing.
        if self.kind == DayKind.WORKDAY and self.date is not None and self.date.weekday() < 5:
            raise ValidationError(
                {"kind": _("Only a Saturday or a Sunday can be a weekend day worked.")}
            )

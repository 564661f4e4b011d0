"""Daily aggregates of the case loop's figures, read by the leaders' dashboard.

A row holds the additive parts of every figure (`sanfu.cases.figures.PART_NAMES`) for one day
(in Asia/Shanghai), one unit and, at the breakdown grains, one category and channel. A
unit's row counts the cases placed in its subtree or led by a unit in it — exactly the scope of
`case_figures` for that unit — so the dashboard adds rows and never scans cases. Each part is
dated by its own fact (received, accepted, assigned, signed, answered, rated, reopened): a case
received in March and answered in April adds to March's `received` and April's `handled`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from sanfu.cases.figures import Rate, rate
from sanfu.cases.models import Category

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise
from sanfu.directory.models import Unit

# The parts of the figures, one column each (`sanfu.cases.figures.PART_NAMES`).
PARTS = (
    "received",
    "accepted",
    "assigned",
    "signed",
    "signed_on_time",
    "handled",
    "timed",
    "late",
    "unit_timed",
    "unit_late",
    "declared_solved",
    "on_the_spot",
    "days_n",
    "days_sum",
    "rated",
    "satisfied",
    "said_whether",
    "said_solved",
    "first_rated",
    "first_satisfied",
    "callbacks",
    "reopened",
)


class Grain(models.TextChoices):
    UNIT = "unit", _("Unit")
    BREAKDOWN = "breakdown", _("Unit, broad category and channel")
    # A town's (or the county's) own facts: those it counts that none of its places (villages,
    # towns) counts, by broad category — the "本级" row that makes the places add up.
    OWN = "own", _("Unit's own, by broad category")
    # The same two for the narrower categories (levels 2 and 3), keyed by the case's own
    # category: a level-3 category is its rows, a level-2 one its rows and its children's —
    # the `category_ids` of a live count. Kept for the county, towns and departments only
    # (build.NARROW_DEPTH): the county's dashboard narrowed to a category adds rows.
    NARROW = "narrow", _("Unit, narrower category and channel")
    NARROW_OWN = "narrow_own", _("Unit's own, by narrower category")


def _count(label: _StrPromise) -> models.PositiveIntegerField[int, int]:
    return models.PositiveIntegerField(label, default=0)


class DailyParts(models.Model):
    day = models.DateField(_("day"))
    grain = models.CharField(_("grain"), max_length=10, choices=Grain.choices)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the (grain, unit, day) index leads with the grain
    )
    # At the breakdown and own grains: the broad (level 1) category, or none for uncategorised
    # cases; at the narrow grains a level 2 or 3 category.
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    channel = models.CharField(max_length=16, blank=True)

    received = _count(_("received"))
    accepted = _count(_("accepted"))
    assigned = _count(_("assigned"))
    signed = _count(_("signed"))
    signed_on_time = _count(_("signed on time"))
    handled = _count(_("answered"))
    timed = _count(_("answers with a deadline"))
    late = _count(_("late"))
    unit_timed = _count(_("answers with a unit deadline"))
    unit_late = _count(_("late by the unit deadline"))
    declared_solved = _count(_("declared solved"))
    on_the_spot = _count(_("on the spot"))
    days_n = _count(_("handling times"))
    days_sum = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    rated = _count(_("rated"))
    satisfied = _count(_("satisfied"))
    said_whether = _count(_("said whether solved"))
    said_solved = _count(_("said solved"))
    first_rated = _count(_("first answers rated"))
    first_satisfied = _count(_("first answers satisfied"))
    callbacks = _count(_("callbacks"))
    reopened = _count(_("reopened"))

    class Meta:
        verbose_name = _("daily figures")
        verbose_name_plural = _("daily figures")
        indexes = [
            # The dashboard reads a unit's rows over a period: on PostgreSQL from the index
            # alone (the parts are included), a few thousand entries instead of as many
            # scattered table pages. The category comes before the day: a dashboard narrowed
            # to one category reads that category's entries, not every narrow row of the unit.
            models.Index(
                fields=["grain", "unit", "category", "day"],
                name="insight_grain_unit_cat_day",
                include=[
                    "channel",
                    *PARTS,
                ],
            ),
            models.Index(fields=["day"], name="insight_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(grain__in=Grain.values), name="insight_grain_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id} {self.grain}"


class Watermark(models.Model):
    """How far the aggregates have caught up: one row, locked while they are refreshed."""

    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True)
    last_event_id = models.BigIntegerField(default=0)
    # From which day the narrow rows are complete: they came after the other grains, so the
    # days before the first rebuild that made them have none, and are counted live.
    narrow_from = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("aggregates watermark")
        verbose_name_plural = _("aggregates watermark")

    def __str__(self) -> str:
        return f"{self.refreshed_at} #{self.last_event_id}"


class LeagueRules(models.Model):
    """How a county ranks its towns and departments each month (比学赶超): the weights of the
    three rates in the composite score, and the sample a unit needs to be ranked at all."""

    county = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="+")
    response_weight = models.PositiveSmallIntegerField(_("weight of the response rate"), default=20)
    resolution_weight = models.PositiveSmallIntegerField(
        _("weight of the resolution rate"), default=40
    )
    satisfaction_weight = models.PositiveSmallIntegerField(
        _("weight of the satisfaction rate"), default=40
    )
    min_sample = models.PositiveSmallIntegerField(_("sample minimum"), default=20)

    class Meta:
        verbose_name = _("league rules")
        verbose_name_plural = _("league rules")
        constraints = [
            models.CheckConstraint(
                condition=Exact(
                    F("response_weight") + F("resolution_weight") + F("satisfaction_weight"), 100
                ),
                name="league_weights_add_up_to_100",
            ),
        ]

    def __str__(self) -> str:
        weights = (self.response_weight, self.resolution_weight, self.satisfaction_weight)
        return f"{self.county_id}: {'/'.join(map(str, weights))}"


class LeagueTable(models.TextChoices):
    PLACES = "places", _("Towns")
    DEPARTMENTS = "departments", _("Departments")
    # The same mechanism over other domains' rates (insight/league_sources.py).
    OUTREACH_PLACES = "outreach_places", _("Towns: visits done against due")
    OUTREACH_DEPARTMENTS = "outreach_departments", _("Departments: visits done against due")
    PROJECTS_PLACES = "projects_places", _("Towns: projects finished on time")
    PROJECTS_DEPARTMENTS = "projects_departments", _("Departments: projects finished on time")


class LeagueEntry(models.Model):
    """One unit's line in a published month's league table. Never changed once written: the
    weights and the counts it was computed from are kept on the row."""

    county = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    table = models.CharField(max_length=24, choices=LeagueTable.choices)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveIntegerField(null=True, blank=True)  # None: below the sample minimum
    previous_rank = models.PositiveIntegerField(null=True, blank=True)
    score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    response_part = models.PositiveIntegerField(default=0)
    response_whole = models.PositiveIntegerField(default=0)
    resolution_part = models.PositiveIntegerField(default=0)
    resolution_whole = models.PositiveIntegerField(default=0)
    satisfaction_part = models.PositiveIntegerField(default=0)
    satisfaction_whole = models.PositiveIntegerField(default=0)
    # The one rate of a table ranked on a single rate (outreach, projects); 0/0 otherwise.
    rate_part = models.PositiveIntegerField(default=0)
    rate_whole = models.PositiveIntegerField(default=0)
    response_weight = models.PositiveSmallIntegerField()
    resolution_weight = models.PositiveSmallIntegerField()
    satisfaction_weight = models.PositiveSmallIntegerField()
    min_sample = models.PositiveSmallIntegerField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("league table entry")
        verbose_name_plural = _("league table entries")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "month", "table"], name="league_entry_once_a_month_a_table"
            ),
        ]
        indexes = [models.Index(fields=["county", "month"], name="league_county_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.unit_id} #{self.rank}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("a published league table never changes")
        super().save(*args, **kwargs)

    @property
    def response(self) -> Rate | None:
        return rate(self.response_part, self.response_whole)

    @property
    def resolution(self) -> Rate | None:
        return rate(self.resolution_part, self.resolution_whole)

    @property
    def satisfaction(self) -> Rate | None:
        return rate(self.satisfaction_part, self.satisfaction_whole)

    @property
    def single_rate(self) -> Rate | None:
        return rate(self.rate_part, self.rate_whole)

    @property
    def movement(self) -> int | None:
        """Places gained since last month's table (negative: lost); None without both ranks."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


class Rebuild(models.Model):
    """A rebuild of the aggregates asked for explicitly (`sanfu insight rebuild`), typically
    after a re-zoning: the closed months it recomputed may no longer read as reported, and the
    dashboard says so for every month in `first_day`…`last_day` that had ended before `at`."""

    at = models.DateTimeField(_("rebuilt at"))
    first_day = models.DateField(_("first day recomputed"))
    last_day = models.DateField(_("last day recomputed"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("aggregates rebuild")
        verbose_name_plural = _("aggregates rebuilds")
        indexes = [models.Index(fields=["last_day"], name="insight_rebuild_last_day")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.first_day}…{self.last_day}"

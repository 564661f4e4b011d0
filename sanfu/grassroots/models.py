"""Village meetings and their problems, and the burden ledger (基层减负)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanfu.grassroots.querysets import (
    BurdenDemandQuerySet,
    BurdenReportQuerySet,
    MeetingQuerySet,
    ProblemQuerySet,
)

TEXT_MAX = 4000
NAME_MAX = 100


class MeetingKind(models.TextChoices):
    SPEAK_UP = "speak_up", _("Villagers speak up (村民说事)")
    INQUIRY = "inquiry", _("Inquiry meeting (问询会)")
    CONSULTATION = "consultation", _("Consultation meeting (恳谈会)")
    RECEPTION_DAY = "reception_day", _("Leader's reception day")


class Meeting(models.Model):
    """A meeting in a village where residents raise problems face to face."""

    village = models.ForeignKey(
        "directory.Unit",
        verbose_name=_("village or community"),
        on_delete=models.PROTECT,
        related_name="grassroots_meetings",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MeetingKind.choices)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    convener = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("convener"),
        on_delete=models.PROTECT,
        related_name="convened_meetings",
    )
    residents_present = models.PositiveIntegerField(_("residents present"), default=0)
    # Named, as the minutes name them; cadres from outside the system are common.
    cadres_present = models.CharField(_("cadres present"), max_length=500, blank=True)
    departments = models.ManyToManyField(
        "directory.Unit", verbose_name=_("departments present"), blank=True, related_name="+"
    )
    notes = models.TextField(_("notes"), max_length=TEXT_MAX, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("village meeting")
        verbose_name_plural = _("village meetings")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["village", "held_on"], name="meeting_village_day")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=MeetingKind.values), name="meeting_kind_valid"
            ),
            models.CheckConstraint(condition=~models.Q(place=""), name="meeting_has_place"),
        ]

    def __str__(self) -> str:
        return f"{self.village} · {self.held_on}"


class Outcome(models.TextChoices):
    ON_THE_SPOT = "on_the_spot", _("Solved on the spot")
    CASE = "case", _("Turned into a case")


class Problem(models.Model):
    """One problem raised at a meeting: solved there, or a case in the loop."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="problems"
    )
    text = models.TextField(_("problem"), max_length=TEXT_MAX)
    # Who raised it, as said at the meeting; never published.
    raised_by = models.CharField(_("raised by"), max_length=NAME_MAX, blank=True)
    resident = models.ForeignKey(
        "directory.Resident", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    solved_by = models.CharField(_("solved by"), max_length=NAME_MAX, blank=True)
    solution = models.TextField(_("how it was solved"), max_length=TEXT_MAX, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    requester_agreed = models.BooleanField(_("the resident agreed to be named"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem raised")
        verbose_name_plural = _("problems raised")
        ordering = ["meeting", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=Outcome.values), name="problem_outcome_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome="on_the_spot")
                | (~models.Q(solution="") & ~models.Q(solved_by="") & models.Q(case__isnull=True)),
                name="problem_solved_says_who_and_how",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome="case") | models.Q(case__isnull=False),
                name="problem_case_has_case",
            ),
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(case__isnull=False), name="problem_case_once"
            ),
            models.CheckConstraint(condition=~models.Q(text=""), name="problem_has_text"),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class BurdenKind(models.TextChoices):
    FORM = "form", _("Forms and reports (填表报数)")
    MEETING = "meeting", _("Meetings")
    INSPECTION = "inspection", _("Inspections and assessments (督查检查考核)")
    APP = "app", _("Apps and accounts")
    SIGN = "sign", _("Signs to hang")


class Frequency(models.TextChoices):
    ONCE = "once", _("Once")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Twice a year")
    YEARLY = "yearly", _("Yearly")


TIMES_PER_YEAR: dict[str, int] = {
    Frequency.ONCE: 1,
    Frequency.WEEKLY: 52,
    Frequency.MONTHLY: 12,
    Frequency.QUARTERLY: 4,
    Frequency.HALF_YEARLY: 2,
    Frequency.YEARLY: 1,
}


class DemandState(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting the county office")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class BurdenDemand(models.Model):
    """One thing a county department asks of villages, in the ledger the county office keeps."""

    county = models.ForeignKey(
        "directory.Unit", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "directory.Unit",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="burden_demands",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=BurdenKind.choices)
    title = models.CharField(_("what is asked"), max_length=200)
    all_villages = models.BooleanField(_("of every village"), default=True)
    villages = models.ManyToManyField(
        "directory.Unit", verbose_name=_("villages"), blank=True, related_name="+"
    )
    frequency = models.CharField(_("how often"), max_length=12, choices=Frequency.choices)
    hours_each = models.DecimalField(
        _("hours each time (per village)"), max_digits=6, decimal_places=2
    )
    reason = models.TextField(_("why it is needed"), max_length=TEXT_MAX, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=DemandState.choices, default=DemandState.PROPOSED
    )
    decision_reason = models.TextField(
        _("reason for the decision"), max_length=TEXT_MAX, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    in_force_from = models.DateField(_("in force from"), null=True, blank=True)
    in_force_until = models.DateField(_("abolished on"), null=True, blank=True)
    abolish_reason = models.TextField(_("why it was abolished"), max_length=TEXT_MAX, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = BurdenDemandQuerySet.as_manager()

    class Meta:
        verbose_name = _("burden on villages")
        verbose_name_plural = _("burdens on villages")
        ordering = ["kind", "department", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=BurdenKind.values), name="burden_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(frequency__in=Frequency.values), name="burden_frequency_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=DemandState.values), name="burden_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(hours_each__gt=Decimal("0")), name="burden_hours_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="approved")
                | (models.Q(in_force_from__isnull=False) & models.Q(decided_at__isnull=False)),
                name="burden_approved_in_force",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="refused") | ~models.Q(decision_reason=""),
                name="burden_refused_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(in_force_until__isnull=True)
                | models.Q(in_force_from__lt=models.F("in_force_until")),
                name="burden_abolished_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def times_per_year(self) -> int:
        return TIMES_PER_YEAR[self.frequency]


class BurdenBaseline(models.Model):
    """The year a county measures its reduction against."""

    county = models.OneToOneField(
        "directory.Unit", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("baseline year"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("set at"))

    class Meta:
        verbose_name = _("burden baseline")
        verbose_name_plural = _("burden baselines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="baseline_year_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county} · {self.year}"


class BurdenReport(models.Model):
    """A burden a village reports that is not in the ledger; it goes to the county as a case."""

    village = models.ForeignKey(
        "directory.Unit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=BurdenKind.choices)
    department_named = models.CharField(_("who asks"), max_length=NAME_MAX)
    text = models.TextField(_("what is asked"), max_length=TEXT_MAX)
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="+"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"))

    objects = BurdenReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("unlisted burden reported")
        verbose_name_plural = _("unlisted burdens reported")
        ordering = ["-reported_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=BurdenKind.values), name="burden_report_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class ListPolicy(models.Model):
    """What a county chooses to publish on the three lists (staff phones, by default not)."""

    county = models.OneToOneField(
        "directory.Unit", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    publish_staff_phones = models.BooleanField(_("publish staff phone numbers"), default=False)

    class Meta:
        verbose_name = _("list publication policy")
        verbose_name_plural = _("list publication policies")

    def __str__(self) -> str:
        return str(self.county)

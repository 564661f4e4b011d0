"""Who serves whom: links (包联, 首席服务官, 蹲点, 领衔) with a cadence, and the visits that keep
them.

A link joins a person (a staff account, or a whole unit such as a department) to a target (an
enterprise, a village/community/grid/town, or a household) in a role, for a term, with a cadence
of so many visits per period. A link is never deleted: it ends (`ends_on`). Every link carries
`place`, the unit where its target lies, so access and figures read one indexed tree path.

Visits are recorded against a link. Each carries a client-generated key, unique, so a visit sent
twice (an offline phone retrying) is stored once. A visit dated outside its link's term — an
offline visit replayed after the link ended — is stored with `outside_term` set, never lost, and
does not count toward compliance (see compliance.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from sanfu.directory.models import Enterprise, Household, Unit
from sanfu.outreach.querysets import (
    LinkQuerySet,
    ServiceDayQuerySet,
    VisitProblemQuerySet,
    VisitQuerySet,
)

NOTE_MAX = 2000


class LinkRole(models.TextChoices):
    LINKAGE = "linkage", _("Linked cadre (包联)")
    CHIEF_SERVICE = "chief_service", _("Chief service officer (首席服务官)")
    STATIONED = "stationed", _("Stationed cadre (蹲点)")
    LEADS = "leads", _("Leads the hardest problem (领衔)")


class TargetKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    UNIT = "unit", _("Town, village, community or grid")
    HOUSEHOLD = "household", _("Household")


class Period(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class ChecklistKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise visit")
    VILLAGE = "village", _("Village visit")
    GRID = "grid", _("Grid patrol")


class Link(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_links",
    )
    person_unit = models.ForeignKey(
        Unit,
        verbose_name=_("linked unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_links_held",
    )
    target_kind = models.CharField(_("target kind"), max_length=12, choices=TargetKind.choices)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_links",
    )
    target_unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_links_served",
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_links",
    )
    # Where the target lies (the enterprise's village or town, the unit itself, the household's
    # grid or village); written by the services, read by access and figures.
    place = models.ForeignKey(
        Unit, verbose_name=_("place"), on_delete=models.PROTECT, related_name="outreach_links_here"
    )
    role = models.CharField(_("role"), max_length=16, choices=LinkRole.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True, db_index=True)
    cadence_count = models.PositiveSmallIntegerField(_("visits per period"))
    cadence_period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = LinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["place__path", "pk"]
        indexes = [models.Index(fields=["person", "ends_on"], name="outreach_link_person")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False, person_unit__isnull=True)
                | models.Q(person__isnull=True, person_unit__isnull=False),
                name="outreach_link_one_person",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    target_kind=TargetKind.ENTERPRISE,
                    enterprise__isnull=False,
                    target_unit__isnull=True,
                    household__isnull=True,
                )
                | models.Q(
                    target_kind=TargetKind.UNIT,
                    enterprise__isnull=True,
                    target_unit__isnull=False,
                    household__isnull=True,
                )
                | models.Q(
                    target_kind=TargetKind.HOUSEHOLD,
                    enterprise__isnull=True,
                    target_unit__isnull=True,
                    household__isnull=False,
                ),
                name="outreach_link_one_target",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=LinkRole.values), name="outreach_link_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(cadence_period__in=Period.values),
                name="outreach_link_period_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(cadence_count__gte=1), name="outreach_link_cadence_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="outreach_link_ends_after_start",
            ),
            # The services refuse any overlap of two terms; the database keeps the last line:
            # never two open-ended links of one person to one target in one role.
            models.UniqueConstraint(
                Coalesce("person", 0),
                Coalesce("person_unit", 0),
                Coalesce("enterprise", 0),
                Coalesce("target_unit", 0),
                Coalesce("household", 0),
                "role",
                condition=models.Q(ends_on__isnull=True),
                name="outreach_link_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_label} → {self.target_label} · {self.get_role_display()}"

    @property
    def person_label(self) -> str:
        return str(self.person or self.person_unit)

    @property
    def target(self) -> Enterprise | Unit | Household:
        target = self.enterprise or self.target_unit or self.household
        assert target is not None  # noqa: S101 - the check constraint guarantees one
        return target

    @property
    def target_label(self) -> str:
        return str(self.target)


class ChecklistTemplate(models.Model):
    """A checklist administrators edit; every edit is a new version, and a visit keeps the one
    it was answered on."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=ChecklistKind.choices, unique=True)

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ChecklistKind.values),
                name="outreach_checklist_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ChecklistVersion(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist"),
        on_delete=models.PROTECT,
        related_name="versions",
    )
    number = models.PositiveSmallIntegerField(_("version"))
    # [{"key": "production", "text": "…"}, …]: keys stay stable across versions where the
    # question does, so answers can be compared.
    questions = models.JSONField(_("questions"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"], name="outreach_checklist_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"


class Visit(models.Model):
    client_key = models.CharField(_("client key"), max_length=64, unique=True)
    link = models.ForeignKey(
        Link, verbose_name=_("link"), on_delete=models.PROTECT, related_name="visits"
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="outreach_visits",
    )
    # Copied from the link so access and figures read the visit alone.
    place = models.ForeignKey(
        Unit, verbose_name=_("place"), on_delete=models.PROTECT, related_name="outreach_visits"
    )
    visited_at = models.DateTimeField(_("visited at"))
    where = models.CharField(_("where"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    companions = models.CharField(_("who went"), max_length=200, blank=True)
    checklist = models.ForeignKey(
        ChecklistVersion,
        verbose_name=_("checklist version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    outside_term = models.BooleanField(
        _("outside the link's term"),
        default=False,
        help_text=_("Dated before the link began or after it ended; kept, not counted."),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_at", "-pk"]
        indexes = [
            models.Index(fields=["link", "visited_at"], name="outreach_visit_link_time"),
            models.Index(fields=["visited_at"], name="outreach_visit_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="outreach_visit_both_coordinates",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180)
                & models.Q(longitude__lte=180),
                name="outreach_visit_coordinates_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.link.target_label} · {self.visited_at:%Y-%m-%d}"


class TallyCounts(models.Model):
    """The counts a tally row keeps (see tallies.py for the definition of each)."""

    visits_recorded = models.PositiveIntegerField(_("visits recorded"), default=0)
    visits_counted = models.PositiveIntegerField(_("visits counted"), default=0)
    # Counted visits of the cadence periods beginning in the row's span, each up to the cadence.
    done = models.PositiveIntegerField(_("visits done"), default=0)
    # The problems found on the span's visits (by the local date they were found), as
    # figures.py defines them; `cases_solved` follows each case as it stands now.
    problems_found = models.PositiveIntegerField(_("problems found"), default=0)
    problems_to_cases = models.PositiveIntegerField(_("problems turned into cases"), default=0)
    cases_solved = models.PositiveIntegerField(_("of which solved"), default=0)
    solved_on_the_spot = models.PositiveIntegerField(_("solved on the spot"), default=0)

    class Meta:
        abstract = True


class LinkMonth(TallyCounts):
    """A link's visits in one calendar month, kept by `tallies.py` beside every visit so that
    compliance over months reads these rows instead of the visits."""

    link = models.ForeignKey(
        Link, verbose_name=_("link"), on_delete=models.CASCADE, related_name="months"
    )
    # The month's first day.
    month = models.DateField(_("month"))

    class Meta:
        verbose_name = _("link's month")
        verbose_name_plural = _("links' months")
        # A county's months of report: the rows of a window, whichever links ask.
        indexes = [models.Index(fields=["month", "link"], name="outreach_link_month_by_month")]
        constraints = [
            models.UniqueConstraint(fields=["link", "month"], name="outreach_link_month_once"),
            models.CheckConstraint(
                condition=models.Q(visits_counted__lte=models.F("visits_recorded")),
                name="outreach_link_month_counted_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.link_id} {self.month:%Y-%m}"


class LinkYear(TallyCounts):
    """A link's calendar year: the sums of its twelve `LinkMonth` rows, kept beside them, so a
    county-year of compliance reads one row per link instead of twelve."""

    link = models.ForeignKey(
        Link, verbose_name=_("link"), on_delete=models.CASCADE, related_name="years"
    )
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        verbose_name = _("link's year")
        verbose_name_plural = _("links' years")
        indexes = [models.Index(fields=["year", "link"], name="outreach_link_year_by_year")]
        constraints = [
            models.UniqueConstraint(fields=["link", "year"], name="outreach_link_year_once"),
            models.CheckConstraint(
                condition=models.Q(visits_counted__lte=models.F("visits_recorded")),
                name="outreach_link_year_counted_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.link_id} {self.year}"


def _photo_path(instance: VisitPhoto, filename: str) -> str:
    return f"outreach/{instance.visit_id}/{filename}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="photos"
    )
    file = models.FileField(_("file"), upload_to=_photo_path)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(content_type__startswith="image/"),
                name="outreach_photo_is_image",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProblemOutcome(models.TextChoices):
    ON_THE_SPOT = "on_the_spot", _("Solved on the spot")
    CASE = "case", _("Turned into a case")


class VisitProblem(models.Model):
    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="problems"
    )
    # The visit's link, copied when the problem is stored (a visit never changes link), so the
    # figures count a link's problems from this table alone: at a county-year the visits are
    # millions of rows and the problems a few per cent of them.
    link = models.ForeignKey(
        Link, verbose_name=_("link"), on_delete=models.PROTECT, related_name="problems"
    )
    text = models.TextField(_("problem"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=ProblemOutcome.choices)
    solution = models.TextField(_("how it was solved"), blank=True)
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_problem",
    )
    found_at = models.DateTimeField(_("found at"), db_index=True)

    objects = VisitProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem found on a visit")
        verbose_name_plural = _("problems found on visits")
        ordering = ["pk"]
        indexes = [models.Index(fields=["link", "found_at"], name="outreach_problem_link_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome=ProblemOutcome.ON_THE_SPOT, case__isnull=True)
                & ~models.Q(solution="")
                | models.Q(outcome=ProblemOutcome.CASE, case__isnull=False),
                name="outreach_problem_outcome",
            )
        ]

    def __str__(self) -> str:
        return self.text[:50]


class Reminder(models.Model):
    """One reminder per link and cadence period: the sweep inserts, and only the process whose
    insert succeeded sends, so two sweeps at once remind once."""

    link = models.ForeignKey(
        Link, verbose_name=_("link"), on_delete=models.PROTECT, related_name="reminders"
    )
    period_start = models.DateField(_("period starts"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["link", "period_start"], name="outreach_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.link_id} {self.period_start}"


class PlanItemState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class PlanItem(models.Model):
    """一企一策: one thing an enterprise needs, who owes it, by when; kept by its chief service
    officer. Optionally a case in the loop, optionally arising from a visit."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="outreach_plan",
    )
    need = models.CharField(_("what the enterprise needs"), max_length=500)
    owner = models.ForeignKey(
        Unit, verbose_name=_("who owes it"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("by when"))
    state = models.CharField(
        _("state"), max_length=8, choices=PlanItemState.choices, default=PlanItemState.OPEN
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("visit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_items",
    )
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_plan_item",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["state", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=PlanItemState.values),
                name="outreach_plan_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state=PlanItemState.OPEN, done_at__isnull=True)
                | models.Q(state=PlanItemState.DONE, done_at__isnull=False),
                name="outreach_plan_done_when_done",
            ),
        ]

    def __str__(self) -> str:
        return self.need[:50]


class ServiceDay(models.Model):
    """亲清服务日: a scheduled day on which a leader or a department meets enterprises or
    residents; who came, and every problem raised (each a case or solved on the spot)."""

    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"), db_index=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("organised by"), on_delete=models.PROTECT, related_name="+"
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("host"),
        on_delete=models.PROTECT,
        related_name="outreach_service_days",
    )
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name=_("enterprises that came"), blank=True, related_name="+"
    )
    attendance_note = models.CharField(_("others who came"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ServiceDayQuerySet.as_manager()

    class Meta:
        verbose_name = _("service day")
        verbose_name_plural = _("service days")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class ServiceDayProblem(models.Model):
    service_day = models.ForeignKey(
        ServiceDay, verbose_name=_("service day"), on_delete=models.PROTECT, related_name="problems"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("problem"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=ProblemOutcome.choices)
    solution = models.TextField(_("how it was solved"), blank=True)
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_service_day_problem",
    )

    class Meta:
        verbose_name = _("problem raised on a service day")
        verbose_name_plural = _("problems raised on service days")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome=ProblemOutcome.ON_THE_SPOT, case__isnull=True)
                & ~models.Q(solution="")
                | models.Q(outcome=ProblemOutcome.CASE, case__isnull=False),
                name="outreach_day_problem_outcome",
            )
        ]

    def __str__(self) -> str:
        return self.text[:50]

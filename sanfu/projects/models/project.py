"""A project: a problem bigger than a case, with its people, places, targets and milestones."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanfu.cases.models import Case
from sanfu.directory.models import Unit
from sanfu.projects.querysets import ProjectQuerySet

TITLE_MAX = 200
TEXT_MAX = 4000
REASON_MAX = 1000


class Kind(models.TextChoices):
    PROBLEM = "problem", _("Problem-solving (破难)")
    TASK_FORCE = "task_force", _("Task force (专班)")
    CO_BUILDING = "co_building", _("Contract co-building (共建)")
    EMERGENCY = "emergency", _("Emergency response (应急)")


class Origin(models.TextChoices):
    GRASSROOTS = "grassroots", _("Posed by the grassroots (出题)")
    LEADER = "leader", _("Set by a leader (点题)")
    HOT_SPOT = "hot_spot", _("From a hot spot")
    CASES = "cases", _("From cases")
    INCIDENT = "incident", _("An incident")


class State(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    FINISHED = "finished", _("Finished")
    DROPPED = "dropped", _("Dropped")


OPEN_STATES = frozenset({State.PROPOSED, State.ACCEPTED, State.IN_PROGRESS})
WORKING_STATES = frozenset({State.ACCEPTED, State.IN_PROGRESS})


class IncidentKind(models.TextChoices):
    TYPHOON = "typhoon", _("Typhoon")
    FLOOD = "flood", _("Flood")
    LANDSLIDE = "landslide", _("Landslide")
    OTHER = "other", _("Other incident")


class Project(models.Model):
    county = models.ForeignKey(
        Unit, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    target_text = models.TextField(_("target"), max_length=TEXT_MAX, blank=True)
    origin = models.CharField(_("origin"), max_length=12, choices=Origin.choices)
    # What it came from when not posed by a unit: the hot spot's words, a leader's instruction.
    origin_note = models.CharField(_("origin note"), max_length=200, blank=True)
    evidence = models.TextField(_("evidence"), max_length=TEXT_MAX, blank=True)
    # Who posed it (出题/点题) and from which unit.
    posed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    posed_by_unit = models.ForeignKey(
        Unit, verbose_name=_("posing unit"), on_delete=models.PROTECT, related_name="+"
    )
    posed_at = models.DateTimeField(_("posed at"))
    owning_unit = models.ForeignKey(
        Unit, verbose_name=_("owning unit"), on_delete=models.PROTECT, related_name="+"
    )
    # The department that answers (答题), assigned on acceptance.
    answering_unit = models.ForeignKey(
        Unit,
        verbose_name=_("answering unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lead_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leading leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    places: models.ManyToManyField[Unit, ProjectPlace] = models.ManyToManyField(
        Unit, verbose_name=_("places"), through="ProjectPlace", related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PROPOSED
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("planned end"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    finished_on_time = models.BooleanField(_("finished on time"), null=True, blank=True)
    finish_note = models.TextField(_("finishing note"), max_length=REASON_MAX, blank=True)
    dropped_at = models.DateTimeField(_("dropped at"), null=True, blank=True)
    drop_reason = models.TextField(_("reason for dropping"), max_length=REASON_MAX, blank=True)
    # Emergency only: what happened, and the warning sent to the affected units.
    incident_kind = models.CharField(
        _("incident"), max_length=12, choices=IncidentKind.choices, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-posed_at", "-id"]
        indexes = [
            models.Index(fields=["county", "kind", "posed_at"], name="project_county_kind"),
            models.Index(fields=["state", "ends_on"], name="project_state_ends"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=Kind.values), name="project_kind"),
            models.CheckConstraint(
                condition=models.Q(origin__in=Origin.values), name="project_origin"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=State.values), name="project_state"
            ),
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="project_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=State.DROPPED)
                | (models.Q(dropped_at__isnull=False) & ~models.Q(drop_reason="")),
                name="project_dropped_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=State.FINISHED) | models.Q(finished_at__isnull=False),
                name="project_finished_has_time",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=[State.PROPOSED, State.DROPPED])
                | models.Q(accepted_at__isnull=False),
                name="project_accepted_has_time",
            ),
            models.CheckConstraint(
                condition=models.Q(kind=Kind.EMERGENCY) | models.Q(incident_kind=""),
                name="project_incident_only_emergency",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class ProjectPlace(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="place_links")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "unit"], name="project_place_unique")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.unit_id}"


class MemberRole(models.TextChoices):
    ENVOY = "envoy", _("Envoy (特派员)")
    MEMBER = "member", _("Member")


class ProjectMember(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The unit the person comes from (their department).
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=8, choices=MemberRole.choices)
    added_at = models.DateTimeField(_("added at"))

    class Meta:
        verbose_name = _("project member")
        verbose_name_plural = _("project members")
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="project_member_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=MemberRole.values), name="project_member_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.user_id} {self.role}"


class Target(models.Model):
    """A measurable quantity: "power lines restored 52/76", "mu revitalised 1,600"."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="targets")
    label = models.CharField(_("what"), max_length=100)
    measure = models.CharField(_("unit of measure"), max_length=20)
    goal = models.PositiveIntegerField(_("goal"))
    achieved = models.PositiveIntegerField(_("achieved"), default=0)
    # Emergency boards: one row per town, with its own deadline and owner.
    town = models.ForeignKey(
        Unit,
        verbose_name=_("town"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    reached_at = models.DateTimeField(_("reached at"), null=True, blank=True)
    # Bumped on every write, so a page can tell that it shows an old figure.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["id"]
        indexes = [models.Index(fields=["project", "deadline"], name="target_project_deadline")]
        constraints = [
            models.CheckConstraint(condition=models.Q(goal__gt=0), name="target_goal_positive"),
            models.CheckConstraint(
                condition=models.Q(achieved__gte=0) & models.Q(achieved__lte=models.F("goal")),
                name="target_achieved_within_goal",
            ),
            models.CheckConstraint(
                condition=models.Q(reached_at__isnull=True) | models.Q(achieved=models.F("goal")),
                name="target_reached_means_goal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.achieved}/{self.goal}"

    @property
    def done(self) -> bool:
        return self.achieved >= self.goal


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=TITLE_MAX)
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_on_time = models.BooleanField(_("done on time"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["due_on"], name="milestone_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done_at__isnull=True) | models.Q(done_on_time__isnull=False),
                name="milestone_done_judged",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ProgressReport(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))
    text = models.TextField(_("progress"), max_length=TEXT_MAX)
    # The API's Idempotency-Key: a retried report is recorded once.
    key = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["project", "at"], name="report_project_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "key"], condition=~models.Q(key=""), name="report_key_unique"
            )
        ]

    def __str__(self) -> str:
        return self.text[:50]


class ReportPhoto(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="projects/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(content_type__startswith="image/"), name="photo_is_image"
            )
        ]

    def __str__(self) -> str:
        return self.name


class QuantityUpdate(models.Model):
    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="updates", null=True, blank=True
    )
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))
    delta = models.IntegerField(_("change"))
    after = models.PositiveIntegerField(_("after"))

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["target", "at"], name="update_target_at")]

    def __str__(self) -> str:
        return f"{self.target_id} {self.delta:+d}"


class ProjectCase(models.Model):
    """A case the project absorbed; the case's answer can point to the project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="case_links")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(_("linked at"))
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            # A case belongs to at most one project: two would give it two answers.
            models.UniqueConstraint(fields=["case"], name="project_case_once")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.case_id}"

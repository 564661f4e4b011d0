"""Investment and expansion projects and the approvals each needs (限期办结, 组团审批)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanfu.directory.models import Enterprise, Unit, User
from sanfu.enterprise.querysets import ApprovalQuerySet, ProjectQuerySet


class ProjectKind(models.TextChoices):
    NEW = "new", _("New project")
    EXPANSION = "expansion", _("Expansion (second phase)")
    UPGRADE = "upgrade", _("Technical upgrade")


class ProjectStage(models.TextChoices):
    PLANNED = "planned", _("Planned")
    APPROVING = "approving", _("Approvals")
    BUILDING = "building", _("Under construction")
    OPERATING = "operating", _("In operation")


class Project(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=ProjectKind.choices)
    stage = models.CharField(
        _("stage"), max_length=12, choices=ProjectStage.choices, default=ProjectStage.PLANNED
    )
    investment = models.DecimalField(_("investment (yuan)"), max_digits=16, decimal_places=2)
    created_at = models.DateTimeField(_("created at"))

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ProjectKind.values), name="ent_project_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(stage__in=ProjectStage.values), name="ent_project_stage_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(investment__gte=0), name="ent_project_investment"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ApprovalKind(models.TextChoices):
    LAND = "land", _("Land use")
    PLANNING = "planning", _("Planning")
    ENVIRONMENT = "environment", _("Environmental assessment")
    CONSTRUCTION = "construction", _("Construction permit")
    FIRE = "fire", _("Fire safety")
    OTHER = "other", _("Other")


class ApprovalState(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ApprovalSession(models.Model):
    """A joint approval session (组团审批): departments decide several approvals together."""

    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    convened_by = models.ForeignKey(
        User, verbose_name=_("convened by"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("joint approval session")
        verbose_name_plural = _("joint approval sessions")
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return f"{self.held_at:%Y-%m-%d} {self.place}"


class Approval(models.Model):
    """One approval a project needs from one department, due in working days."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="approvals"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ApprovalKind.choices)
    department = models.ForeignKey(
        Unit, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    working_days = models.PositiveSmallIntegerField(_("time limit (working days)"))
    due_at = models.DateTimeField(_("due at"), db_index=True)
    due_unconfirmed = models.BooleanField(_("deadline in a year without official calendar"))
    state = models.CharField(
        _("state"), max_length=12, choices=ApprovalState.choices, default=ApprovalState.PENDING
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_on_time = models.BooleanField(_("decided on time"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    session = models.ForeignKey(
        ApprovalSession,
        verbose_name=_("joint session"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approvals",
    )
    supervised_at = models.DateTimeField(_("supervised at"), null=True, blank=True)
    supervised_by = models.ForeignKey(
        User,
        verbose_name=_("supervised by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    supervision_note = models.CharField(_("supervision order"), max_length=500, blank=True)

    objects = ApprovalQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["due_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ApprovalKind.values), name="ent_approval_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=ApprovalState.values),
                name="ent_approval_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state=ApprovalState.PENDING, decided_at__isnull=True)
                | (~models.Q(state=ApprovalState.PENDING) & models.Q(decided_at__isnull=False)),
                name="ent_approval_decided_when_not_pending",
            ),
            models.CheckConstraint(
                condition=models.Q(working_days__gte=1), name="ent_approval_working_days"
            ),
        ]
        indexes = [models.Index(fields=["state", "due_at"], name="ent_approval_overdue")]

    def __str__(self) -> str:
        return f"{self.project_id} · {self.get_kind_display()}"

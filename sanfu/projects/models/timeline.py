"""The project timeline: one immutable row per thing that happened. Written only by events.py."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanfu.directory.models import Unit
from sanfu.projects.models.project import Project


class EventKind(models.TextChoices):
    POSED = "posed", _("Problem posed")
    SET = "set", _("Problem set by a leader")
    OPENED = "opened", _("Incident opened")
    ACCEPTED = "accepted", _("Accepted and assigned")
    STARTED = "started", _("Work started")
    MEMBER_ADDED = "member_added", _("Member added")
    REPORTED = "reported", _("Progress reported")
    QUANTITY = "quantity", _("Quantity updated")
    TARGET_ADDED = "target_added", _("Target added")
    GOAL_RAISED = "goal_raised", _("Goal raised")
    MILESTONE_ADDED = "milestone_added", _("Milestone added")
    MILESTONE_DONE = "milestone_done", _("Milestone reached")
    CASE_LINKED = "case_linked", _("Case linked")
    CASE_ANSWERED = "case_answered", _("Case answered with the project")
    WARNING_SENT = "warning_sent", _("Warning sent")
    COMMITMENT_ADDED = "commitment_added", _("Commitment signed")
    DELIVERED = "delivered", _("Commitment delivered")
    RATED = "rated", _("Delivery rated")
    FINISHED = "finished", _("Finished")
    DROPPED = "dropped", _("Dropped")


class ProjectEvent(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("project event")
        verbose_name_plural = _("project events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["project", "at"], name="project_event_at")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The timeline is an audit trail: rows are added, never changed.
        if self.pk is not None:
            raise ValueError("project events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("project events are append-only")

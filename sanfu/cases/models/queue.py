"""The durable background queue: work that can wait leaves the request path as a row here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

KIND_MAX = 64
SUBJECT_MAX = 100
# Attempts before a task is given up as failed (and shown to the operators); see queue.backoff.
MAX_ATTEMPTS = 8


class TaskState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class BackgroundTask(models.Model):
    """One piece of deferred work: a kind its handler is registered under, and a payload.

    `pending` with `attempts > 0` is a task waiting for its retry; `running` carries a lease
    (`leased_until`): a worker that dies mid-task leaves it to be taken again once the lease ends.
    """

    kind = models.CharField(_("kind"), max_length=KIND_MAX)
    # What the task is about ("case:12"), so a page can ask whether work on it is still pending.
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX, blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=8, choices=TaskState.choices, default=TaskState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    run_after = models.DateTimeField(_("run after"))
    leased_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background task")
        verbose_name_plural = _("background tasks")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=TaskState.values), name="task_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(attempts__gte=0, attempts__lte=MAX_ATTEMPTS),
                name="task_attempts_in_range",
            ),
            # A running task always has a lease, so a dead worker's task can be taken again.
            models.CheckConstraint(
                condition=~models.Q(state=TaskState.RUNNING) | models.Q(leased_until__isnull=False),
                name="task_running_has_lease",
            ),
        ]
        indexes = [
            # What the worker claims: due pending tasks, and running ones whose lease ended.
            models.Index(
                fields=["run_after"],
                name="task_pending_due",
                condition=models.Q(state=TaskState.PENDING),
            ),
            models.Index(
                fields=["leased_until"],
                name="task_running_lease",
                condition=models.Q(state=TaskState.RUNNING),
            ),
            models.Index(
                fields=["subject"],
                name="task_open_subject",
                condition=models.Q(state__in=[TaskState.PENDING, TaskState.RUNNING]),
            ),
            models.Index(
                fields=["updated_at"],
                name="task_failed",
                condition=models.Q(state=TaskState.FAILED),
            ),
            models.Index(
                fields=["finished_at"],
                name="task_done",
                condition=models.Q(state=TaskState.DONE),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.state}"

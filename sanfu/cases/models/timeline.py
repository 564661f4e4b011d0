"""The case timeline: one immutable row per thing that happened. Written only by cases.events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sanfu.cases.models.case import Case, Rating
from sanfu.directory.models import Unit


class EventKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    DISPATCHED = "dispatched", _("Dispatched")
    SIGNED = "signed", _("Signed for")
    CO_SIGNED = "co_signed", _("Signed for by a co-handling unit")
    CO_OPINION = "co_opinion", _("Co-handling opinion")
    RETURNED = "returned", _("Returned to the dispatcher")
    TRANSFERRED = "transferred", _("Transferred")
    ESCALATED = "escalated", _("Escalated")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_APPROVED = "extension_approved", _("Extension approved")
    EXTENSION_REFUSED = "extension_refused", _("Extension refused")
    REPLIED = "replied", _("Replied")
    RATED = "rated", _("Rated")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")
    AUTO_CLOSED = "auto_closed", _("Closed without a rating")
    URGED = "urged", _("Urged")
    SUPERVISED = "supervised", _("Supervision order issued")
    SUPERVISION_ANSWERED = "supervision_answered", _("Supervision order answered")
    DUE_SOON = "due_soon", _("Deadline near")
    OVERDUE = "overdue", _("Deadline passed")
    MERGED = "merged", _("Merged into another case")
    MASTER_REPLIED = "master_replied", _("Answered with the master case")
    REJECTED = "rejected", _("Not accepted")
    PUBLISHED = "published", _("Published")
    FILES_ADDED = "files_added", _("Files added")


class CaseEvent(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=24, choices=EventKind.choices)
    at = models.DateTimeField(_("at"))
    # Empty actor: the system (the sweep, or a requester acting through their tracking token).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_state = models.CharField(max_length=12)
    to_state = models.CharField(max_length=12)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["case", "at"], name="event_case_at"),
            # The reopens the figures count, by their day.
            models.Index(
                fields=["at"], name="event_reopened_at", condition=models.Q(kind="reopened")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The timeline is an audit trail: rows are added, never changed.
        if self.pk is not None:
            raise ValueError("case events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("case events are append-only")

    @property
    def label(self) -> str:
        """What happened, in the words every timeline (staff and public) shows: the kind, with
        what the event's data adds that a reader needs (which rating, the new deadline)."""
        data = self.data or {}
        if self.kind == EventKind.DISPATCHED and data.get("taken_on"):
            return gettext("Taken on at this level")
        if self.kind == EventKind.RATED and data.get("rating") in Rating.values:
            return gettext("Rated: %(rating)s") % {"rating": Rating(data["rating"]).label}
        if self.kind == EventKind.REOPENED and data.get("reply_deadline"):
            deadline = timezone.localtime(datetime.fromisoformat(data["reply_deadline"]))
            return gettext("Reopened; to be answered by %(deadline)s") % {
                "deadline": deadline.strftime("%Y-%m-%d %H:%M")
            }
        return str(EventKind(self.kind).label)

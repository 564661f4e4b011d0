"""The request (诉求) and who is working on it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanfu.cases.models.catalogue import Category, Priority
from sanfu.cases.querysets import CaseQuerySet
from sanfu.directory.models import Enterprise, Resident, Unit

TITLE_MAX = 200
TEXT_MAX = 4000
# A complaint can be long (a history of a dispute, a list of unpaid wages): the requester's
# description takes five times a reply's length, and is refused beyond, never cut.
DESCRIPTION_MAX = 20000
REASON_MAX = 1000


class CaseState(models.TextChoices):
    NEW = "new", _("Awaiting dispatch")
    ASSIGNED = "assigned", _("Awaiting sign-for")
    IN_PROGRESS = "in_progress", _("In progress")
    REPLIED = "replied", _("Replied, awaiting rating")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Not accepted")
    MERGED = "merged", _("Merged")


OPEN_STATES = frozenset({CaseState.NEW, CaseState.ASSIGNED, CaseState.IN_PROGRESS})
HANDLING_STATES = frozenset({CaseState.ASSIGNED, CaseState.IN_PROGRESS})
FINAL_STATES = frozenset({CaseState.CLOSED, CaseState.REJECTED, CaseState.MERGED})


class Channel(models.TextChoices):
    WEB = "web", _("Website")
    MOBILE = "mobile", _("Mobile")
    HOTLINE = "hotline", _("Phone hotline")
    VISIT = "visit", _("Visit")
    PATROL = "patrol", _("Grid patrol")
    VILLAGE_MEETING = "village_meeting", _("Village consultation meeting")
    RECEPTION_DAY = "reception_day", _("Leader reception day")
    OPEN311 = "open311", _("Open311")


# Channels where staff take the case down in person, at their own unit.
LOCAL_CHANNELS = frozenset(
    {Channel.VISIT, Channel.PATROL, Channel.VILLAGE_MEETING, Channel.RECEPTION_DAY}
)


class RequesterKind(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    ENTERPRISE = "enterprise", _("Enterprise")
    GRASSROOTS = "grassroots", _("Village or community")
    ANONYMOUS = "anonymous", _("Anonymous")


class ReplyKind(models.TextChoices):
    ON_THE_SPOT = "on_the_spot", _("Solved on the spot")
    SOLVED = "solved", _("Solved")
    EXPLAINED = "explained", _("Explained; cannot be solved")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class Clock(models.TextChoices):
    NONE = "", _("No deadline")
    ON_TIME = "on_time", _("On time")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


class ReturnReason(models.TextChoices):
    WRONG_LOCALITY = "wrong_locality", _("Wrong locality")
    NOT_OUR_REMIT = "not_our_remit", _("Not our remit")
    OVERLAPPING = "overlapping", _("Overlapping remits")


class Case(models.Model):
    county = models.ForeignKey(
        Unit, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("case number"), max_length=24, unique=True)
    # The requester's key to follow and rate the case without an account; never shown to staff.
    tracking_token = models.CharField(max_length=43, unique=True, editable=False)

    requester_kind = models.CharField(_("requester"), max_length=12, choices=RequesterKind.choices)
    requester_name = models.CharField(_("requester name"), max_length=100, blank=True)
    requester_phone = models.CharField(_("requester phone"), max_length=20, blank=True)
    requester_id_number = models.CharField(_("requester ID number"), max_length=18, blank=True)
    resident = models.ForeignKey(
        Resident, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    requester_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="raised_cases"
    )

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, null=True, blank=True
    )
    priority = models.CharField(
        _("priority"), max_length=12, choices=Priority.choices, default=Priority.NORMAL
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    text = models.TextField(_("description"), max_length=DESCRIPTION_MAX)
    location_unit = models.ForeignKey(
        Unit, verbose_name=_("place"), on_delete=models.PROTECT, related_name="located_cases"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    confidential = models.BooleanField(_("do not publish"), default=False)

    state = models.CharField(
        _("state"), max_length=12, choices=CaseState.choices, default=CaseState.NEW
    )
    # The unit whose dispatchers decide where the case goes next (county centre, a town, a
    # village); escalation moves it up, a return brings the case back to it.
    desk_unit = models.ForeignKey(
        Unit, verbose_name=_("dispatching unit"), on_delete=models.PROTECT, related_name="+"
    )
    lead_unit = models.ForeignKey(
        Unit,
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_cases",
    )
    received_at = models.DateTimeField(_("received at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    sign_deadline = models.DateTimeField(_("sign-for deadline"), null=True, blank=True)
    sign_clock = models.CharField(max_length=10, choices=Clock.choices, blank=True, default="")
    reply_deadline = models.DateTimeField(_("reply deadline"), null=True, blank=True)
    reply_clock = models.CharField(max_length=10, choices=Clock.choices, blank=True, default="")
    # Set when a deadline runs into a year without an official holiday schedule.
    deadline_unconfirmed = models.BooleanField(_("deadline not confirmed"), default=False)
    signed_on_time = models.BooleanField(null=True, blank=True)
    replied_on_time = models.BooleanField(null=True, blank=True)

    reply_kind = models.CharField(
        _("how it was solved"), max_length=12, choices=ReplyKind.choices, blank=True
    )
    reply_text = models.TextField(_("reply"), max_length=TEXT_MAX, blank=True)
    reply_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handling_working_days = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True
    )
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(_("rating comment"), max_length=REASON_MAX, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    auto_closed = models.BooleanField(default=False)

    reopen_count = models.PositiveSmallIntegerField(default=0)
    return_count = models.PositiveSmallIntegerField(default=0)
    urge_count = models.PositiveSmallIntegerField(default=0)
    master = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_cases"
    )
    rejection_reason = models.TextField(_("reason for not accepting"), blank=True)

    published_at = models.DateTimeField(null=True, blank=True)
    public_title = models.CharField(max_length=TITLE_MAX, blank=True)
    public_text = models.TextField(blank=True)
    public_reply = models.TextField(blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-received_at"]
        indexes = [
            # The sweep: open cases by deadline, and replies waiting for a rating.
            models.Index(
                fields=["sign_deadline"],
                name="case_sign_sweep",
                condition=models.Q(state="assigned"),
            ),
            models.Index(
                fields=["reply_deadline"],
                name="case_reply_sweep",
                condition=models.Q(state__in=["assigned", "in_progress"]),
            ),
            models.Index(
                fields=["replied_at"], name="case_rating_sweep", condition=models.Q(state="replied")
            ),
            # Figures and lists: a county's cases over time, and a unit's queue.
            models.Index(fields=["county", "received_at"], name="case_county_received"),
            # A unit's queue, newest first: counted and paged from the index alone.
            models.Index(fields=["lead_unit", "state", "received_at"], name="case_lead_queue"),
            models.Index(fields=["desk_unit", "state", "received_at"], name="case_desk_queue"),
            # The open cases being handled, a small part of the table: the co-handling queue
            # joins its assignments against this from two indexes alone.
            models.Index(
                fields=["id"],
                name="case_handling",
                condition=models.Q(state__in=["assigned", "in_progress"]),
            ),
            models.Index(fields=["location_unit", "received_at"], name="case_place_received"),
            # A place's open cases and those answered since a date (a village's problem list):
            # both arms of the list's query are ranges of this index.
            models.Index(fields=["location_unit", "state", "replied_at"], name="case_place_state"),
            # The dates of the figures' other families, for recomputing a day's aggregates
            # and for the cases behind a dashboard number.
            models.Index(fields=["replied_at"], name="case_replied"),
            models.Index(fields=["rated_at"], name="case_rated"),
            models.Index(fields=["signed_at"], name="case_signed"),
            # Receipt and acceptance are families of their own (issue 13): without these a
            # day's recompute read them through the county's or every place's index, or the
            # whole table (one day at 1 M cases: 6.3 s → 2.1 s).
            models.Index(fields=["received_at"], name="case_received"),
            models.Index(fields=["accepted_at"], name="case_accepted"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=CaseState.values), name="case_state_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=["assigned", "in_progress", "replied"])
                | models.Q(lead_unit__isnull=False),
                name="case_handled_has_lead",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="replied") | ~models.Q(reply_kind=""),
                name="case_replied_has_reply",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="merged") | models.Q(master__isnull=False),
                name="case_merged_has_master",
            ),
            models.CheckConstraint(
                condition=models.Q(published_at__isnull=True) | models.Q(confidential=False),
                name="case_confidential_never_published",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead unit")
    CO = "co", _("Co-handling unit")


class Assignment(models.Model):
    """A unit working on a case: the lead (主办) or a co-handler (协办)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(max_length=4, choices=AssignmentRole.choices)
    active = models.BooleanField(default=True)
    assigned_at = models.DateTimeField()
    signed_at = models.DateTimeField(null=True, blank=True)
    # The time limits this assignment was given: the unit's own clock (a lead assignment's;
    # an approved extension moves its reply deadline). Set once per assignment, since a
    # transfer or a reopen makes a new assignment rather than restarting this one.
    sign_deadline = models.DateTimeField(null=True, blank=True)
    reply_deadline = models.DateTimeField(null=True, blank=True)
    opinion = models.TextField(max_length=TEXT_MAX, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [
            models.Index(fields=["unit", "active"], name="assignment_unit_active"),
            # The sign-for facts of the figures, by their day.
            models.Index(
                fields=["signed_at"], name="assignment_lead_signed", condition=models.Q(role="lead")
            ),
            models.Index(
                fields=["assigned_at"],
                name="assignment_lead_assigned",
                condition=models.Q(role="lead"),
            ),
            # A unit's co-handling work (the queues): a few rows per unit, read from the index.
            models.Index(
                fields=["unit", "case"],
                include=["signed_at"],
                name="assignment_co_active",
                condition=models.Q(active=True, role="co"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(active=True, role="lead"),
                name="assignment_one_active_lead",
            ),
            models.UniqueConstraint(
                fields=["case", "unit"],
                condition=models.Q(active=True),
                name="assignment_unit_once_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.unit_id} · {self.role}"


class CaseCounter(models.Model):
    """The last number given out per county and day; incremented under the row's lock."""

    county = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["county", "day"], name="case_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.day} {self.last}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="cases/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Empty: the requester's, sent with the request (the public tracking page shows those).
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name

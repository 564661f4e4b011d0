"""Aid records and person facts as the bodies send them, the batches they came in, and persons."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sanfu.assistance.models.programmes import DISABILITY_GRADES, Programme, Status
from sanfu.assistance.querysets import BatchQuerySet, RecordQuerySet


class Person(models.Model):
    """A canonical person: one cluster of records that record linkage says are one human."""

    name = models.CharField(_("name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True, db_index=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    town = models.ForeignKey(
        "directory.Unit",
        verbose_name=_("town"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Where findings about this person are reviewed: their village if known, else their town.
    place = models.ForeignKey(
        "directory.Unit",
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    household = models.CharField(_("household"), max_length=64, blank=True, db_index=True)
    # Facts gathered from every record of the person (registered statuses, grade, income).
    statuses = models.JSONField(_("registered statuses"), default=list, blank=True)
    disability_grade = models.PositiveSmallIntegerField(
        _("disability grade"), null=True, blank=True
    )
    income_per_head = models.DecimalField(
        _("monthly household income per head"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    # Ids of persons a re-link found to be this one (their findings now point here).
    merged_ids = models.JSONField(_("merged person ids"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class ColumnMapping(models.Model):
    """How one body's spreadsheet columns map onto our fields, saved for its next upload."""

    source = models.ForeignKey(
        "directory.Unit",
        verbose_name=_("source body"),
        on_delete=models.PROTECT,
        related_name="assistance_mappings",
    )
    name = models.CharField(_("name"), max_length=50)
    # {our field: their column header}
    columns = models.JSONField(_("columns"))
    # Values for fields the file does not carry, e.g. one programme for the whole file.
    defaults = models.JSONField(_("defaults"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        ordering = ["source", "name"]
        constraints = [
            models.UniqueConstraint(fields=["source", "name"], name="mapping_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.source} · {self.name}"


class BatchState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportBatch(models.Model):
    """One uploaded file. The same file from the same body is one batch, imported once."""

    source = models.ForeignKey(
        "directory.Unit",
        verbose_name=_("source body"),
        on_delete=models.PROTECT,
        related_name="assistance_batches",
    )
    mapping = models.ForeignKey(
        ColumnMapping, verbose_name=_("column mapping"), on_delete=models.PROTECT
    )
    file_name = models.CharField(_("file name"), max_length=200)
    file = models.FileField(_("file"), upload_to="assistance/imports/%Y/%m/")
    sha256 = models.CharField(_("content hash"), max_length=64)
    state = models.CharField(
        _("state"), max_length=8, choices=BatchState.choices, default=BatchState.PENDING
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    kept = models.PositiveIntegerField(_("rows kept"), default=0)
    refused = models.PositiveIntegerField(_("rows refused"), default=0)
    duplicates = models.PositiveIntegerField(_("rows already imported"), default=0)
    skipped = models.PositiveIntegerField(_("header and empty rows skipped"), default=0)
    error = models.TextField(_("error"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Who is importing it (a token drawn at each claim) and when they last showed life: a
    # running batch whose heartbeat is older than the sweep's timeout is taken over, and the
    # process that lost it can no longer write to it.
    runner = models.CharField(_("claimed by"), max_length=32, blank=True)
    heartbeat_at = models.DateTimeField(_("last progress at"), null=True, blank=True)

    objects = BatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["source", "sha256"], name="batch_unique_content"),
            models.CheckConstraint(
                condition=Q(state__in=BatchState.values), name="batch_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(processed_rows__lte=models.F("total_rows")),
                name="batch_processed_within_total",
            ),
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="batch_state_idx")]

    def __str__(self) -> str:
        return self.file_name


class RowIssue(models.Model):
    """Why one row of a batch was refused (or skipped), naming the row and the column."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="issues")
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=100, blank=True)
    message = models.CharField(_("problem"), max_length=300)
    refused = models.BooleanField(_("refused"), default=True)

    class Meta:
        verbose_name = _("row issue")
        verbose_name_plural = _("row issues")
        ordering = ["batch", "row"]

    def __str__(self) -> str:
        return f"{self.row}: {self.message}"


class RecordKind(models.TextChoices):
    AID = "aid", _("Aid given")
    FACT = "fact", _("Facts only")


class SourceRecord(models.Model):
    """One row a body sent: aid it gave to someone, or facts it certifies about them."""

    source = models.ForeignKey(
        "directory.Unit",
        verbose_name=_("source body"),
        on_delete=models.PROTECT,
        related_name="assistance_records",
    )
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("batch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
    )
    row = models.PositiveIntegerField(_("row in file"), default=0)
    # Unique per source: the body's own record number, else a hash of what identifies the row.
    natural_key = models.CharField(_("natural key"), max_length=64)
    kind = models.CharField(_("kind"), max_length=8, choices=RecordKind.choices)
    name = models.CharField(_("name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    town = models.ForeignKey(
        "directory.Unit",
        verbose_name=_("town"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    household = models.CharField(_("household"), max_length=64, blank=True)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
    )
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    given_on = models.DateField(_("date given"), null=True, blank=True)
    status = models.CharField(
        _("registered status"), max_length=20, choices=Status.choices, blank=True
    )
    disability_grade = models.PositiveSmallIntegerField(
        _("disability grade"), null=True, blank=True
    )
    income_per_head = models.DecimalField(
        _("monthly household income per head"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="records",
    )
    match_probability = models.FloatField(_("match probability"), null=True, blank=True)
    match_evidence = models.JSONField(_("match evidence"), default=dict, blank=True)
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("source record")
        verbose_name_plural = _("source records")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "natural_key"], name="record_unique_key"),
            models.CheckConstraint(
                condition=Q(kind__in=RecordKind.values), name="record_kind_valid"
            ),
            # Aid names its programme and when it was given; facts carry neither.
            models.CheckConstraint(
                condition=(
                    Q(kind=RecordKind.AID, programme__isnull=False, given_on__isnull=False)
                    | Q(kind=RecordKind.FACT, programme__isnull=True, amount__isnull=True)
                ),
                name="record_aid_has_programme",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="record_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(disability_grade__isnull=True)
                | Q(disability_grade__in=DISABILITY_GRADES),
                name="record_disability_grade_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="") | Q(status__in=Status.values), name="record_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(match_probability__isnull=True)
                | Q(match_probability__gte=0, match_probability__lte=1),
                name="record_probability_range",
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "given_on"], name="record_programme_idx"),
            models.Index(fields=["person"], name="record_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source} #{self.row}: {self.name}"

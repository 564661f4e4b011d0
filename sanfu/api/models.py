"""What the interfaces keep: who may call them, what they were sent, and how often.

Keys and tokens are stored only as SHA-256 hashes. They are 256-bit random strings, so a fast
unsalted hash is safe (nothing to brute-force) and lets every request find its row by one
indexed equality lookup; a password hash such as PBKDF2 would cost a quarter second per call.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanfu.cases.models import Case, Category

HASH_LENGTH = 64  # hex SHA-256
PREFIX_LENGTH = 12  # enough of a key to tell two apart in a list, far too little to use it


class ApiClient(models.Model):
    """An application allowed to submit Open311 requests, identified by its API key."""

    name = models.CharField(_("name"), max_length=100)
    note = models.TextField(
        _("note"), blank=True, help_text=_("Who runs it and how to reach them.")
    )
    key_prefix = models.CharField(_("key begins with"), max_length=PREFIX_LENGTH, editable=False)
    key_hash = models.CharField(max_length=HASH_LENGTH, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")
        ordering = ["name", "-created_at"]
        constraints = [
            # A name has at most one live key, so `key revoke NAME` is never ambiguous.
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(revoked_at__isnull=True), name="apiclient_live"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StaffToken(models.Model):
    """A staff member's token for the staff API; it acts with exactly that person's rights."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff account"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for."))
    token_prefix = models.CharField(
        _("token begins with"), max_length=PREFIX_LENGTH, editable=False
    )
    token_hash = models.CharField(max_length=HASH_LENGTH, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("staff API token")
        verbose_name_plural = _("staff API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"


class IdempotencyRecord(models.Model):
    """The first answer to a POST sent with an Idempotency-Key, replayed to its retries.

    Written once, with the answer, in the request's own transaction (`api.idempotency`).
    `status` 0 is a claim left by the version before, with no answer yet.
    """

    scope = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=HASH_LENGTH)
    status = models.PositiveSmallIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"", blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_unique_key")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


class RateCounter(models.Model):
    """How many requests one bucket (a key, an address) made in one fixed time window."""

    bucket = models.CharField(max_length=120)
    window = models.BigIntegerField()  # the window's number: epoch seconds // window length
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bucket", "window"], name="ratecounter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.bucket} {self.window} {self.count}"


class Open311Submission(models.Model):
    """What an Open311 client sent with a request beyond what the case itself holds."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="open311")
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="submissions")
    token = models.CharField(max_length=32, unique=True)
    email = models.CharField(_("email"), max_length=254, blank=True)
    device_id = models.CharField(_("device"), max_length=100, blank=True)
    account_id = models.CharField(_("account"), max_length=100, blank=True)
    media_url = models.CharField(_("media URL"), max_length=500, blank=True)
    attributes = models.JSONField(_("answers"), default=dict, blank=True)

    class Meta:
        verbose_name = _("Open311 submission")
        verbose_name_plural = _("Open311 submissions")

    def __str__(self) -> str:
        return self.token


class Datatype(models.TextChoices):
    STRING = "string", _("Short text")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Long text")
    SINGLE = "singlevaluelist", _("One of a list")
    MULTI = "multivaluelist", _("Several of a list")


LIST_DATATYPES = frozenset({Datatype.SINGLE, Datatype.MULTI})


class ServiceAttribute(models.Model):
    """A question the Open311 form asks for a category (and its subcategories), or for all."""

    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="open311_attributes",
        help_text=_("Empty: asked for every category."),
    )
    code = models.CharField(
        _("code"),
        max_length=32,
        validators=[RegexValidator(r"^[A-Za-z][A-Za-z0-9_]*$", _("Letters, digits and _ only."))],
    )
    description = models.CharField(_("question"), max_length=300)
    datatype = models.CharField(_("answer type"), max_length=16, choices=Datatype.choices)
    datatype_description = models.CharField(_("answer hint"), max_length=200, blank=True)
    required = models.BooleanField(_("required"), default=False)
    variable = models.BooleanField(
        _("asks for input"), default=True, help_text=_("Off: the question is only information.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=10)
    values = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_('For list answers: [{"key": "1", "name": "…"}, …]'),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Open311 question")
        verbose_name_plural = _("Open311 questions")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="attribute_code_in_category"),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(category__isnull=True),
                name="attribute_code_everywhere",
            ),
            models.CheckConstraint(
                condition=models.Q(datatype__in=Datatype.values), name="attribute_datatype_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.code

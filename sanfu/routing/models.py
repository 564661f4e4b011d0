"""What the routing app keeps: administrators' rules, the suggestions made and the choices that
followed them, and the keyword index that finds similar cases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanfu.cases.models import Case, Category
from sanfu.directory.models import Unit

KEYWORDS_MAX = 200


class Rule(models.Model):
    """An administrator's routing rule: when every keyword appears, suggest this category
    (and, if set, this lead unit), ahead of the model. Optionally only in one area."""

    keywords = models.CharField(
        _("keywords"),
        max_length=KEYWORDS_MAX,
        help_text=_("Words separated by spaces; the rule applies when all of them appear."),
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="+"
    )
    lead_unit = models.ForeignKey(
        Unit,
        verbose_name=_("lead unit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty to suggest the catalogue's unit for the category and place."),
    )
    area = models.ForeignKey(
        Unit,
        verbose_name=_("only in"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Apply only to cases placed in this unit's area; empty for everywhere."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(keywords=""), name="rule_has_keywords")
        ]

    def __str__(self) -> str:
        return f"{self.keywords} → {self.category}"

    @property
    def words(self) -> list[str]:
        return self.keywords.lower().split()


class SuggestionKind(models.TextChoices):
    CATEGORY = "category", _("Category")
    LEAD_UNIT = "lead_unit", _("Lead unit")


class Source(models.TextChoices):
    RULE = "rule", _("Routing rule")
    MODEL = "model", _("Text model")
    CATALOGUE = "catalogue", _("Catalogue")


class Suggestion(models.Model):
    """One suggestion shown to a dispatcher for a case, and whether it was followed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="routing_suggestions")
    kind = models.CharField(max_length=10, choices=SuggestionKind.choices)
    source = models.CharField(max_length=10, choices=Source.choices)
    rank = models.PositiveSmallIntegerField()
    # The model's label (a first-level category name) even when no category bears that name.
    label = models.CharField(max_length=100, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rule = models.ForeignKey(
        Rule, on_delete=models.SET_NULL, null=True, blank=True, related_name="suggestions"
    )
    confidence = models.FloatField(null=True, blank=True)
    model_version = models.CharField(max_length=32, blank=True)
    at = models.DateTimeField()
    # Empty until the dispatcher decides; then whether this suggestion was what they chose.
    chosen = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name = _("routing suggestion")
        verbose_name_plural = _("routing suggestions")
        indexes = [models.Index(fields=["at"], name="suggestion_at")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rank__gte=1), name="suggestion_rank_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} #{self.rank}"


class Choice(models.Model):
    """What the dispatcher finally chose for a case (one row per dispatch)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="routing_choices")
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("routing choice")
        verbose_name_plural = _("routing choices")
        indexes = [models.Index(fields=["at"], name="routing_choice_at")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.category_id} {self.lead_unit_id}"


class CaseSignature(models.Model):
    """A case's keywords with their weights, for scoring candidates found through CaseTerm."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, primary_key=True, related_name="routing_signature"
    )
    # "term:weight term:weight …", terms as signed 32-bit hashes; a few hundred bytes a case.
    terms = models.TextField()

    class Meta:
        verbose_name = _("case keywords")
        verbose_name_plural = _("case keywords")

    def __str__(self) -> str:
        return str(self.case_id)


class CaseTerm(models.Model):
    """One keyword of one case: the inverted index behind similar cases.

    Looked up by (town, term, received_at): "cases in this town since that day that share one
    of these keywords". The case id is in the index too, so on PostgreSQL the search reads the
    index alone. Town and time are copied from the case because they never change for a case.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    town = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    term = models.IntegerField()
    received_at = models.DateTimeField()

    class Meta:
        verbose_name = _("case keyword")
        verbose_name_plural = _("case keywords")
        indexes = [
            models.Index(fields=["town", "term", "received_at", "case"], name="caseterm_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.term}"

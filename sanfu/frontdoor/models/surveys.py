"""Surveys and polls (民意调查): questions, one response per verified phone, the answers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sanfu.cases.models import Case
from sanfu.directory.models import Unit, User

QUESTION_LIMIT = 50
CHOICE_LIMIT = 20
TEXT_LIMIT = 500


def _label(zh: str, en: str) -> str:
    """The English label where the page is in English and one was given, else the Chinese."""
    return en if en and (get_language() or "").startswith("en") else zh


class SurveyState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class SurveyPurpose(models.TextChoices):
    POLL = "poll", _("Survey or poll")
    # 回访: staff call the requester after a case closes. Question 1 is the satisfaction
    # (满意 / 基本满意 / 不满意), which the dashboard reads as 回访满意率.
    FOLLOWUP = "followup", _("Follow-up after a case closes (回访)")


class Survey(models.Model):
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    area = models.ForeignKey(
        Unit, verbose_name=_("area"), on_delete=models.PROTECT, related_name="surveys"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    anonymous_allowed = models.BooleanField(
        _("anonymous answers allowed"),
        default=False,
        help_text=_("Anonymous answers are rate-limited and marked in the results."),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=SurveyState.choices, default=SurveyState.DRAFT
    )
    purpose = models.CharField(
        _("purpose"), max_length=10, choices=SurveyPurpose.choices, default=SurveyPurpose.POLL
    )
    created_by = models.ForeignKey(
        User, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="survey_period"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=SurveyState.values), name="survey_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _label(self.title_zh, self.title_en)


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    SCALE = "scale", _("Scale 1–5")
    TEXT = "text", _("Short text")


class Question(models.Model):
    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    label_zh = models.CharField(_("question (Chinese)"), max_length=300)
    label_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    # [{"zh": "…", "en": "…"}, …] for the choice kinds, empty for the others.
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="question_unique_number"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=QUESTION_LIMIT),
                name="question_number_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _label(self.label_zh, self.label_en)

    @property
    def key(self) -> str:
        """The answer's name in forms and in errors."""
        return f"q{self.number}"

    def choice_labels(self) -> list[str]:
        return [_label(c.get("zh", ""), c.get("en", "")) for c in self.choices]


class Response(models.Model):
    """One person's answers. `phone` is set only when verified by a code; anonymous ones are
    marked and carry the hash of the sender's address, for the rate limit."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses"
    )
    town = models.ForeignKey(
        Unit, verbose_name=_("town"), on_delete=models.PROTECT, related_name="+"
    )
    phone = models.CharField(_("verified phone"), max_length=20, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    sender = models.CharField(_("sender hash"), max_length=64, blank=True)
    # A follow-up (回访) is about one case and recorded by the staff member who called.
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("answered at"), auto_now_add=True, db_index=True)
    # Counted into the survey's SurveyTally (sanfu.frontdoor.tallies) once true.
    tallied = models.BooleanField(_("tallied"), default=False)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            # One answer per verified phone per survey, whatever two requests race.
            models.UniqueConstraint(
                fields=["survey", "phone"],
                condition=~models.Q(phone=""),
                name="response_one_per_phone",
            ),
            models.CheckConstraint(
                condition=models.Q(anonymous=True, phone="")
                | (models.Q(anonymous=False) & ~models.Q(phone=""))
                | models.Q(anonymous=False, phone="", case__isnull=False),
                name="response_phone_or_anonymous",
            ),
            models.UniqueConstraint(
                fields=["survey", "case"],
                condition=models.Q(case__isnull=False),
                name="response_one_followup_per_case",
            ),
        ]
        indexes = [
            models.Index(fields=["survey", "town"], name="response_survey_town"),
            # The few responses not yet in the tally: small, whatever the survey's size.
            models.Index(
                fields=["survey"], condition=models.Q(tallied=False), name="response_untallied"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question,
        verbose_name=_("question"),
        on_delete=models.CASCADE,
        related_name="answers",
        db_index=False,  # the indexes below start with it
    )
    # A choice's index (one row per chosen choice), a scale value, or the text.
    choice = models.PositiveSmallIntegerField(_("choice"), null=True, blank=True)
    value = models.PositiveSmallIntegerField(_("value"), null=True, blank=True)
    text = models.CharField(_("text"), max_length=TEXT_LIMIT, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [
            # The results' one GROUP BY reads this index alone; the latest texts read the second.
            models.Index(fields=["question", "choice", "value"], name="answer_question_choice"),
            models.Index(fields=["question", "id"], name="answer_question_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.response_id} · {self.question_id}"


class SurveyTally(models.Model):
    """The answer counts of a survey's tallied responses, so the results page adds only the
    responses since instead of counting millions of answer rows (sanfu.frontdoor.tallies).

    `counts` maps a question id to {"rows": answer rows, "people": responses that answered,
    "keys": {choice or scale value: rows}}.
    """

    survey = models.OneToOneField(
        Survey,
        verbose_name=_("survey"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="tally",
    )
    counts = models.JSONField(_("counts"), default=dict)
    responses = models.PositiveIntegerField(_("responses tallied"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("survey tally")
        verbose_name_plural = _("survey tallies")

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.responses}"

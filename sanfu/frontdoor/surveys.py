"""Surveys and polls: building, publishing, verifying a phone, answering, results, export.

One answer per person: a response carries the phone it was verified with, and a partial unique
constraint on (survey, phone) refuses a second one even when two arrive at once. Anonymous
answers, where a survey allows them, carry only a hash of the sender's address, are limited
per hour and are marked in the results.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from sanfu.directory.models import TOWN_KINDS, Unit, UnitKind, User
from sanfu.frontdoor.models import (
    Answer,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyState,
)
from sanfu.frontdoor.models.surveys import (
    CHOICE_LIMIT,
    QUESTION_LIMIT,
    TEXT_LIMIT,
    SurveyPurpose,
)
from sanfu.frontdoor.tallies import answer_counts
from sanfu.lib.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from sanfu.lib.rawrows import RowReader
from sanfu.notify.codes import Checked, check_code, issue_code

PHONE = re.compile(r"1[3-9]\d{9}")
ANONYMOUS_PER_HOUR = 3
SCALE = range(1, 6)
CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE})


def _now() -> Any:
    return timezone.now()


def _digest(*parts: str) -> str:
    return salted_hmac("sanfu.frontdoor.surveys", "|".join(parts)).hexdigest()


def sender_hash(address: str) -> str:
    return _digest("sender", address)


# --- access --------------------------------------------------------------------------------


def surveys_visible_to(user: User) -> QuerySet[Survey]:
    """Staff see the surveys of areas in their units' subtrees."""
    return Survey.objects.filter(area__in=Unit.objects.visible_to(user))


def survey_get_for_user(*, user: User, survey_id: int) -> Survey:
    survey = surveys_visible_to(user).filter(pk=survey_id).select_related("area").first()
    if survey is None:
        raise NotFound(_("No such survey."))
    return survey


def survey_get_public(*, survey_id: int) -> Survey:
    """A published (or closed) poll with its area: every answer starts here, so the read is
    written out (one join; compiling it through the ORM cost a fifth of an answer's CPU)."""
    survey_reader, area_reader, sql = _public_survey_sql()
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            # Follow-ups are recorded by staff, per case: not a public page.
            [survey_id, SurveyState.PUBLISHED, SurveyState.CLOSED, SurveyPurpose.POLL],
        )
        row = cursor.fetchone()
    if row is None:
        raise NotFound(_("No such survey."))
    survey = survey_reader.read(row[: survey_reader.width])
    survey.area = area_reader.read(row[survey_reader.width :])
    return survey


@functools.cache
def _public_survey_sql() -> tuple[RowReader[Survey], RowReader[Unit], str]:
    surveys, units = RowReader(Survey), RowReader(Unit)
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {surveys.columns('s')}, {units.columns('a')} "  # noqa: S608 - model names
        f"FROM {quote(Survey._meta.db_table)} s "
        f"INNER JOIN {quote(Unit._meta.db_table)} a ON a.{quote('id')} = s.{quote('area_id')} "
        f"WHERE s.{quote('id')} = %s AND s.{quote('state')} IN (%s, %s) "
        f"AND s.{quote('purpose')} = %s"
    )
    return surveys, units, sql


def surveys_open(*, today: date | None = None) -> QuerySet[Survey]:
    today = today or timezone.localdate()
    return Survey.objects.filter(
        state=SurveyState.PUBLISHED,
        purpose=SurveyPurpose.POLL,
        starts_on__lte=today,
        ends_on__gte=today,
    ).select_related("area")


def is_open(survey: Survey) -> bool:
    today = timezone.localdate()
    return survey.state == SurveyState.PUBLISHED and survey.starts_on <= today <= survey.ends_on


def towns_of(survey: Survey) -> list[Unit]:
    """The towns a respondent may say they live in: those of the survey's area."""
    area = survey.area
    if area.kind in TOWN_KINDS:
        return [area]
    if area.kind == UnitKind.COUNTY:
        return list(area.children.filter(kind__in=TOWN_KINDS, is_active=True).order_by("code"))
    town = area.parent if area.parent_id is not None else None
    return [town] if town is not None and town.kind in TOWN_KINDS else []


def town_of(survey: Survey, town_id: int | None) -> Unit | None:
    """The town `town_id` if towns_of(survey) lists it, else None. For a county's survey one
    indexed read of that town (written out: every answer asks), not the county's list."""
    if town_id is None:
        return None
    area = survey.area
    if area.kind != UnitKind.COUNTY:
        return next((t for t in towns_of(survey) if t.pk == town_id), None)
    reader, sql = _county_town_sql()
    with connection.cursor() as cursor:
        # The county's branch of towns_of, for one id.
        cursor.execute(sql, [town_id, area.pk, *sorted(TOWN_KINDS), True])
        row = cursor.fetchone()
    return reader.read(row) if row is not None else None


@functools.cache
def _county_town_sql() -> tuple[RowReader[Unit], str]:
    units = RowReader(Unit)
    quote = connection.ops.quote_name
    kinds = ", ".join(["%s"] * len(TOWN_KINDS))
    sql = (
        f"SELECT {units.columns('u')} FROM {quote(Unit._meta.db_table)} u "  # noqa: S608
        f"WHERE u.{quote('id')} = %s AND u.{quote('parent_id')} = %s "
        f"AND u.{quote('kind')} IN ({kinds}) AND u.{quote('is_active')} = %s"
    )
    return units, sql


# --- building ------------------------------------------------------------------------------


@transaction.atomic
def survey_create(
    *,
    actor: User,
    area: Unit,
    title_zh: str,
    title_en: str = "",
    starts_on: date,
    ends_on: date,
    anonymous_allowed: bool = False,
    purpose: str = SurveyPurpose.POLL,
) -> Survey:
    if not Unit.objects.visible_to(actor).filter(pk=area.pk).exists():
        raise PermissionDenied(_("You cannot run a survey in %(area)s.") % {"area": area.name})
    if not title_zh.strip():
        raise ValidationFailed(_("Give the survey a Chinese title."), field="title_zh")
    if ends_on < starts_on:
        raise ValidationFailed(_("The survey ends before it starts."), field="ends_on")
    return Survey.objects.create(
        area=area,
        title_zh=title_zh.strip()[:200],
        title_en=title_en.strip()[:200],
        starts_on=starts_on,
        ends_on=ends_on,
        anonymous_allowed=anonymous_allowed,
        purpose=purpose,
        created_by=actor,
    )


def choices_parse(text: str) -> list[dict[str, str]]:
    """One choice a line, `中文 | English` (the English part optional)."""
    choices = []
    for line in text.splitlines():
        if not line.strip():
            continue
        zh, _bar, en = line.partition("|")
        if not zh.strip():
            raise ValidationFailed(_("Each choice needs a Chinese label."), field="choices")
        choices.append({"zh": zh.strip()[:100], "en": en.strip()[:100]})
    return choices


@transaction.atomic
def question_add(
    *,
    actor: User,
    survey_id: int,
    kind: str,
    label_zh: str,
    label_en: str = "",
    choices: list[dict[str, str]] | None = None,
    required: bool = True,
) -> Question:
    survey = survey_get_for_user(user=actor, survey_id=survey_id)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.state != SurveyState.DRAFT:
        raise ValidationFailed(_("Questions can be added only to a draft."), field="survey")
    if kind not in QuestionKind.values:
        raise ValidationFailed(_("Unknown kind of question."), field="kind")
    if not label_zh.strip():
        raise ValidationFailed(_("Give the question a Chinese label."), field="label_zh")
    count = survey.questions.count()
    if count >= QUESTION_LIMIT:
        raise ValidationFailed(
            _("A survey has at most %(limit)d questions.") % {"limit": QUESTION_LIMIT},
            field="label_zh",
        )
    choices = choices or []
    if kind in CHOICE_KINDS and not 2 <= len(choices) <= CHOICE_LIMIT:
        raise ValidationFailed(
            _("A choice question needs 2 to %(limit)d choices.") % {"limit": CHOICE_LIMIT},
            field="choices",
        )
    return Question.objects.create(
        survey=survey,
        number=count + 1,
        kind=kind,
        label_zh=label_zh.strip()[:300],
        label_en=label_en.strip()[:300],
        choices=choices if kind in CHOICE_KINDS else [],
        required=required,
    )


@transaction.atomic
def survey_publish(*, actor: User, survey_id: int) -> Survey:
    survey = survey_get_for_user(user=actor, survey_id=survey_id)
    if not survey.questions.exists():
        raise ValidationFailed(_("Add at least one question before publishing."), field="survey")
    if survey.purpose == SurveyPurpose.FOLLOWUP:
        from sanfu.frontdoor.followups import followup_check

        followup_check(survey)
    changed = Survey.objects.filter(pk=survey.pk, state=SurveyState.DRAFT).update(
        state=SurveyState.PUBLISHED
    )
    if not changed:
        raise Conflict(_("The survey is already published."), field="survey")
    survey.refresh_from_db()
    return survey


# --- verifying a phone ---------------------------------------------------------------------


def phone_clean(phone: str) -> str:
    cleaned = phone.strip().replace(" ", "").replace("-", "").removeprefix("+86")
    if not PHONE.fullmatch(cleaned):
        raise ValidationFailed(_("Enter an 11-digit mobile number."), field="phone")
    return cleaned


def _already_answered(survey: Survey, phone: str) -> None:
    if Response.objects.filter(survey=survey, phone=phone).exists():
        raise Conflict(
            _("This phone has already answered this survey. Thank you for taking part."),
            field="phone",
        )


def _code_purpose(survey: Survey) -> str:
    # A code proves the phone for one survey only.
    return f"survey:{survey.pk}"


@transaction.atomic
def code_send(*, survey: Survey, phone: str, address: str = "") -> None:
    """Text a one-time code to `phone` (sanfu.notify.codes: its limits per phone and address)."""
    if not is_open(survey):
        raise ValidationFailed(_("This survey is not open."), field="survey")
    phone = phone_clean(phone)
    _already_answered(survey, phone)
    issue_code(
        _code_purpose(survey),
        phone,
        address=address,
        message="survey_code",
        context={"title": survey.title_zh},
    )


def _code_refusal(checked: Checked) -> ValidationFailed:
    if checked is Checked.WRONG:
        return ValidationFailed(_("The code is not right."), field="code")
    return ValidationFailed(_("Ask for a code first (or a new one)."), field="code")


# --- answering -----------------------------------------------------------------------------

# A published survey's questions never change (questions are added only to a draft), so each
# process keeps them instead of reading 30 rows an answer. The key holds the creation time:
# a test database that reuses a survey's id never meets another survey's questions.
_QUESTIONS: dict[tuple[int, object], list[Question]] = {}
_QUESTIONS_KEPT = 64


def survey_questions(survey: Survey) -> list[Question]:
    """The survey's questions in order; cached in the process once it is no longer a draft."""
    if survey.state == SurveyState.DRAFT:
        return list(survey.questions.order_by("number"))
    key = (survey.pk, survey.created_at)
    questions = _QUESTIONS.get(key)
    if questions is None:
        if len(_QUESTIONS) >= _QUESTIONS_KEPT:
            _QUESTIONS.clear()
        questions = _QUESTIONS[key] = list(survey.questions.order_by("number"))
    return questions


# One answer row as the insert takes it: (question id, choice, scale value, text).
AnswerRow = tuple[int, int | None, int | None, str]


def _answers_clean(questions: list[Question], raw: dict[str, list[str]]) -> list[AnswerRow]:
    """Answers from the form's values (`q<number>` -> list of strings), or the first problem."""
    answers: list[AnswerRow] = []
    for question in questions:
        key = f"q{question.number}"
        values = [v.strip() for v in raw.get(key, []) if v.strip()]
        if not values:
            if question.required:
                raise ValidationFailed(
                    _("Question %(number)d (“%(label)s”) needs an answer.")
                    % {"number": question.number, "label": question.label},
                    field=key,
                )
            continue
        answers.extend(_answer_rows(question, values, key))
    return answers


def _not_an_answer(question: Question, key: str) -> ValidationFailed:
    return ValidationFailed(
        _("Question %(number)d: not one of its answers.") % {"number": question.number}, field=key
    )


def _answer_rows(question: Question, values: list[str], key: str) -> list[AnswerRow]:
    if question.kind == QuestionKind.TEXT:
        return [(question.pk, None, None, values[0][:TEXT_LIMIT])]
    if not all(v.isdigit() for v in values):
        raise _not_an_answer(question, key)
    numbers = sorted({int(v) for v in values})
    if question.kind == QuestionKind.SCALE:
        if len(numbers) != 1 or numbers[0] not in SCALE:
            raise _not_an_answer(question, key)
        return [(question.pk, None, numbers[0], "")]
    if any(n >= len(question.choices) for n in numbers) or (
        question.kind == QuestionKind.SINGLE and len(numbers) != 1
    ):
        raise _not_an_answer(question, key)
    return [(question.pk, n, None, "") for n in numbers]


def answers_insert(*, response: Response, rows: list[AnswerRow]) -> None:
    """Write a response's checked answer rows (from _answers_clean) in one statement.

    Not bulk_create: building ~45 model instances and compiling their insert cost more than
    everything else an answer does (1.2 of 6.5 ms of CPU, measured with
    scripts/bench_frontdoor.py). Not executemany: psycopg sends that as one INSERT per row,
    each parsed and planned by PostgreSQL. Not a VALUES list either: past 50 placeholders
    psycopg re-splits the statement on every call (a fifth of an answer's CPU). The rows are
    already checked, so one INSERT of a fixed text, the rows as one JSON array parameter,
    writes the same rows.
    """
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.execute(_answers_sql(), [response.pk, json.dumps(rows, ensure_ascii=False)])


@functools.cache
def _answers_sql() -> str:
    """The INSERT of answer rows from a JSON array of [question, choice, value, text]
    (JSON null: SQL NULL); names from the model, values as parameters."""
    quote = connection.ops.quote_name
    column = {f.name: f.column for f in Answer._meta.concrete_fields}
    names = ("response", "question", "choice", "value", "text")
    columns = ", ".join(quote(column[n]) for n in names)
    insert = f"INSERT INTO {quote(Answer._meta.db_table)} ({columns})"
    if connection.vendor == "postgresql":
        picked = "(e->>0)::bigint, (e->>1)::smallint, (e->>2)::smallint, e->>3"
        return f"{insert} SELECT %s, {picked} FROM json_array_elements(%s::json) e"  # noqa: S608
    picked = ", ".join(f"json_extract(e.value, '$[{i}]')" for i in range(4))
    return f"{insert} SELECT %s, {picked} FROM json_each(%s) e"  # noqa: S608


def response_submit(
    *,
    survey: Survey,
    town_id: int | None,
    answers: dict[str, list[str]],
    phone: str = "",
    code: str = "",
    anonymous: bool = False,
    sender: str = "",
) -> Response:
    """Record one person's answers to a public survey (from survey_get_public): verified by a
    phone code, or anonymous where allowed.

    Everything is checked before anything is written. A verified answer is then one
    transaction: the code is spent and the answers written together, so an answer costs one
    commit. A wrong code's try is committed too (the transaction ends normally) and only then
    refused, so it stays counted.
    """
    if not is_open(survey):
        raise ValidationFailed(_("This survey is not open."), field="survey")
    town = town_of(survey, town_id)
    if town is None:
        raise ValidationFailed(_("Choose the town you live in."), field="town")
    rows = _answers_clean(survey_questions(survey), answers)
    if anonymous:
        _anonymous_check(survey, sender)
        with transaction.atomic():
            return _response_insert(
                survey=survey, town=town, rows=rows, phone="", anonymous=True, sender=sender
            )
    phone = phone_clean(phone)
    # No separate "already answered?" read: the unique constraint refuses a second answer
    # inside the transaction, which then gives the code back (code_send refused it anyway).
    with transaction.atomic():
        checked = check_code(_code_purpose(survey), phone, code)
        if checked:
            return _response_insert(
                survey=survey, town=town, rows=rows, phone=phone, anonymous=False, sender=sender
            )
    raise _code_refusal(checked)


def _response_insert(
    *, survey: Survey, town: Unit, rows: list[AnswerRow], phone: str, anonymous: bool, sender: str
) -> Response:
    """Inside the caller's transaction: a second answer from the phone rolls it all back.

    The response's INSERT is written out (…RETURNING its id), as the answers' is: through the
    ORM, compiling it cost a sixth of an answer's CPU."""
    now = _now()
    values: dict[str, Any] = {
        "survey_id": survey.pk,
        "town_id": town.pk,
        "phone": phone,
        "anonymous": anonymous,
        "sender": sender,
        "case_id": None,
        "created_at": connection.ops.adapt_datetimefield_value(now),
        "tallied": False,
    }
    try:
        # No savepoint (two statements fewer): a refused insert ends the caller's transaction.
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            cursor.execute(_response_sql(), [values[name] for name in _RESPONSE_FIELDS])
            (response_id,) = cursor.fetchone()
    except IntegrityError as error:
        raise Conflict(
            _("This phone has already answered this survey. Thank you for taking part."),
            field="phone",
        ) from error
    response = Response(
        pk=response_id,
        survey=survey,
        town=town,
        phone=phone,
        anonymous=anonymous,
        sender=sender,
        created_at=now,
    )
    response._state.adding = False
    response._state.db = connection.alias
    answers_insert(response=response, rows=rows)
    return response


_RESPONSE_FIELDS = (
    "survey_id",
    "town_id",
    "phone",
    "anonymous",
    "sender",
    "case_id",
    "created_at",
    "tallied",
)


@functools.cache
def _response_sql() -> str:
    quote = connection.ops.quote_name
    column = {f.attname: f.column for f in Response._meta.concrete_fields}
    columns = ", ".join(quote(column[name]) for name in _RESPONSE_FIELDS)
    marks = ", ".join(["%s"] * len(_RESPONSE_FIELDS))
    return (
        f"INSERT INTO {quote(Response._meta.db_table)} ({columns}) "  # noqa: S608 - model names
        f"VALUES ({marks}) RETURNING {quote(Response._meta.pk.column)}"
    )


def _anonymous_check(survey: Survey, sender: str) -> None:
    if not survey.anonymous_allowed:
        raise ValidationFailed(_("This survey needs a verified phone."), field="phone")
    since = _now() - timedelta(hours=1)
    recent = Response.objects.filter(
        survey=survey, anonymous=True, sender=sender, created_at__gte=since
    ).count()
    if recent >= ANONYMOUS_PER_HOUR:
        raise ValidationFailed(
            _("Too many anonymous answers from here; please verify a phone instead."),
            field="phone",
        )


# --- results -------------------------------------------------------------------------------


@dataclass
class QuestionResult:
    question: Question
    labels: list[str]
    counts: list[int]
    texts: list[str] = field(default_factory=list)
    answered: int = 0

    @property
    def pairs(self) -> list[tuple[str, int]]:
        return list(zip(self.labels, self.counts, strict=True))


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    verified: int
    anonymous: int
    by_town: list[tuple[str, int]]
    questions: list[QuestionResult]


def _question_result(question: Question, counts: dict[int, int], answered: int) -> QuestionResult:
    if question.kind in CHOICE_KINDS:
        labels = question.choice_labels()
        values = [counts.get(i, 0) for i in range(len(labels))]
    elif question.kind == QuestionKind.SCALE:
        labels = [str(v) for v in SCALE]
        values = [counts.get(v, 0) for v in SCALE]
    else:
        labels, values = [], []
    texts = (
        list(
            Answer.objects.filter(question=question)
            .exclude(text="")
            .order_by("-pk")
            .values_list("text", flat=True)[:20]
        )
        if question.kind == QuestionKind.TEXT
        else []
    )
    return QuestionResult(question, labels, values, texts, answered)


def survey_results(*, survey: Survey) -> SurveyResults:
    """Counts per choice / scale value, recent texts, responses by town: a few GROUP BYs, the
    answers' over the responses not yet in the survey's tally."""
    responses = Response.objects.filter(survey=survey)
    totals = responses.aggregate(all=Count("pk"), anonymous=Count("pk", filter=Q(anonymous=True)))
    by_town = [
        (row["town__name"], row["n"])
        for row in responses.values("town__name", "town__code")
        .annotate(n=Count("pk"))
        .order_by("town__code")
    ]
    questions = list(survey.questions.order_by("number"))
    # The tally of folded responses plus the pending ones (sanfu.frontdoor.tallies).
    counts = answer_counts(survey)
    results = [
        _question_result(
            question,
            counts.keys.get(question.pk, {}),
            # A multiple-choice answer is one row per choice: its people are counted apart.
            counts.people.get(question.pk, 0)
            if question.kind == QuestionKind.MULTIPLE
            else counts.rows.get(question.pk, 0),
        )
        for question in questions
    ]
    return SurveyResults(
        survey=survey,
        responses=totals["all"],
        verified=totals["all"] - totals["anonymous"],
        anonymous=totals["anonymous"],
        by_town=by_town,
        questions=results,
    )

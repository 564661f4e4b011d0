"""Survey results without counting every answer row each time.

A survey of 30 questions holds ~38 answer rows per response: 3.8 M rows at 100,000 responses,
and one GROUP BY over them took 1.2–3 s on SQLite. So the counts of the responses already
folded are kept in one SurveyTally row per survey; the results add the pending responses
(a partial index finds them, however large the survey) to it.

Folding marks the responses it counted, by id, in the transaction that adds them to the tally:
a response that commits late is simply still pending (an id watermark would lose it), and a
response is never counted twice. The sweep folds every survey; the results page folds first
when more than FOLD_AT responses are pending, so what it adds up stays small.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, QuerySet

from sanfu.frontdoor.models import Answer, Question, QuestionKind, Response, Survey, SurveyTally

FOLD_BATCH = 5000
FOLD_AT = 2000


@dataclass
class AnswerCounts:
    """Per question id: rows per choice or scale value, answer rows, and (multiple choice
    only, one row per chosen choice) the responses that answered it."""

    keys: dict[int, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    rows: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    people: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, other: AnswerCounts) -> None:
        for question_id, keys in other.keys.items():
            mine = self.keys.setdefault(question_id, {})
            for key, n in keys.items():
                mine[key] = mine.get(key, 0) + n
        for question_id, n in other.rows.items():
            self.rows[question_id] = self.rows.get(question_id, 0) + n
        for question_id, n in other.people.items():
            self.people[question_id] = self.people.get(question_id, 0) + n

    def as_json(self) -> dict[str, dict[str, object]]:
        ids = set(self.rows) | set(self.people)
        return {
            str(q): {
                "rows": self.rows.get(q, 0),
                "people": self.people.get(q, 0),
                "keys": {str(k): n for k, n in self.keys.get(q, {}).items()},
            }
            for q in sorted(ids)
        }

    @classmethod
    def from_json(cls, data: dict[str, dict[str, object]]) -> AnswerCounts:
        counts = cls()
        for question, entry in data.items():
            q = int(question)
            rows, people, keys = entry.get("rows", 0), entry.get("people", 0), entry.get("keys")
            counts.rows[q] = int(rows) if isinstance(rows, int) else 0
            counts.people[q] = int(people) if isinstance(people, int) else 0
            if isinstance(keys, dict):
                counts.keys[q] = {int(k): int(n) for k, n in keys.items()}
        return counts


def _multiple(survey_id: int) -> list[int]:
    return list(
        Question.objects.filter(survey_id=survey_id, kind=QuestionKind.MULTIPLE).values_list(
            "pk", flat=True
        )
    )


def _count(answers: QuerySet[Answer], multiple: list[int]) -> AnswerCounts:
    """One GROUP BY over `answers` (text answers fall in the (question, None, None) group, so
    it counts them too), and the people of the multiple-choice questions."""
    counts = AnswerCounts()
    for question_id, choice, value, n in (
        answers.values_list("question_id", "choice", "value").annotate(n=Count("pk")).order_by()
    ):
        counts.rows[question_id] += n
        key = choice if choice is not None else value
        if key is not None:
            counts.keys[question_id][key] = n
    if multiple:
        # Not filtered by question in SQL: given a question list, SQLite walks the question
        # index through every answer of the survey (1 s at 100,000 responses) instead of
        # the few pending responses' rows.
        people = (
            answers.values("question_id")
            .annotate(n=Count("response_id", distinct=True))
            .values_list("question_id", "n")
            .order_by()
        )
        wanted = set(multiple)
        counts.people.update((q, n) for q, n in people if q in wanted)
    return counts


def _pending(survey_id: int) -> QuerySet[Response]:
    return Response.objects.filter(survey_id=survey_id, tallied=False)


def answer_counts(survey: Survey) -> AnswerCounts:
    """The survey's answer counts: its tally plus the responses not yet folded into it."""
    tally = SurveyTally.objects.filter(survey=survey).values_list("counts", flat=True).first()
    counts = AnswerCounts.from_json(tally or {})
    # The pending ids as a list (the page folds past FOLD_AT, so it is short): given a
    # subquery instead, PostgreSQL with stale statistics after a fold chose to scan every
    # answer (one view took 19 s at 100,000 responses).
    ids = list(_pending(survey.pk).order_by().values_list("pk", flat=True))
    multiple = _multiple(survey.pk) if ids else []
    for start in range(0, len(ids), FOLD_BATCH):
        chunk = ids[start : start + FOLD_BATCH]
        counts.add(_count(Answer.objects.filter(response_id__in=chunk), multiple))
    return counts


def survey_tally_fold(*, survey_id: int) -> int:
    """Fold the survey's pending responses into its tally, FOLD_BATCH per transaction; the
    number folded. Safe to run in several processes: the tally row is locked (on SQLite the
    write lock is taken at BEGIN), and the pending ids are read after the lock is held."""
    SurveyTally.objects.get_or_create(survey_id=survey_id)
    multiple = _multiple(survey_id)
    folded = 0
    while True:
        with transaction.atomic():
            tally = SurveyTally.objects.select_for_update().get(survey_id=survey_id)
            ids = list(_pending(survey_id).order_by().values_list("pk", flat=True)[:FOLD_BATCH])
            if not ids:
                return folded
            counts = AnswerCounts.from_json(tally.counts)
            counts.add(_count(Answer.objects.filter(response_id__in=ids), multiple))
            tally.counts = counts.as_json()
            tally.responses += len(ids)
            tally.save(update_fields=["counts", "responses", "updated_at"])
            Response.objects.filter(pk__in=ids).update(tallied=True)
        folded += len(ids)


def survey_tally_catch_up(*, survey: Survey) -> int:
    """Before the results page: fold when more than FOLD_AT responses are pending."""
    if _pending(survey.pk).count() <= FOLD_AT:
        return 0
    return survey_tally_fold(survey_id=survey.pk)


def tallies_sweep() -> dict[str, int]:
    """The sweep's job: fold every survey that has pending responses."""
    surveys = set(
        Response.objects.filter(tallied=False).values_list("survey_id", flat=True).distinct()
    )
    folded = sum(survey_tally_fold(survey_id=survey_id) for survey_id in sorted(surveys))
    return {"surveys": len(surveys), "responses": folded}

"""A survey's responses as an Excel workbook: one row per response, one column per question.

Every answer cell is written as text (data type `s`, by sanfu.lib.exports), so an answer such
as `=HYPERLINK(…)` stays the words the resident typed and never becomes a formula.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _
from openpyxl import Workbook

from sanfu.frontdoor.models import Answer, QuestionKind, Response, Survey
from sanfu.lib.exports import xlsx_cells


def survey_workbook(survey: Survey) -> Workbook:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Responses"))
    questions = list(survey.questions.order_by("number"))
    header = [_("Response"), _("Town"), _("Verified"), _("Answered at")]
    header += [f"{q.number}. {q.label}" for q in questions]
    sheet.append(xlsx_cells(sheet, header))
    answers: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    labels = {q.pk: q.choice_labels() for q in questions}
    kinds = {q.pk: q.kind for q in questions}
    for answer in Answer.objects.filter(question__survey=survey).order_by("pk").iterator():
        kind = kinds[answer.question_id]
        if kind == QuestionKind.TEXT:
            value = answer.text
        elif kind == QuestionKind.SCALE:
            value = str(answer.value)
        else:
            value = labels[answer.question_id][answer.choice or 0]
        answers[answer.response_id][answer.question_id].append(value)
    responses = Response.objects.filter(survey=survey).select_related("town").order_by("pk")
    for response in responses.iterator():
        given = answers.get(response.pk, {})
        row: list[object] = [
            response.pk,
            response.town.name,
            _("anonymous") if response.anonymous else _("verified phone"),
            response.created_at,  # written as Asia/Shanghai wall-clock time
        ]
        row += ["；".join(given.get(q.pk, [])) for q in questions]
        sheet.append(xlsx_cells(sheet, row))
    return book

"""A survey's responses as an Excel workbook: one row per response, one column per question.

Every answer cell is written as text (data type `s`), so an answer such as `=HYPERLINK(…)`
stays the words the resident typed and never becomes a formula.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from sanfu.frontdoor.models import Answer, QuestionKind, Response, Survey


def _text(sheet: WriteOnlyWorksheet, value: str) -> Cell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def survey_workbook(survey: Survey) -> Workbook:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Responses"))
    questions = list(survey.questions.order_by("number"))
    header = [_("Response"), _("Town"), _("Verified"), _("Answered at")]
    header += [f"{q.number}. {q.label}" for q in questions]
    sheet.append([_text(sheet, str(h)) for h in header])
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
        row = [
            response.pk,
            _text(sheet, response.town.name),
            _text(sheet, str(_("anonymous") if response.anonymous else _("verified phone"))),
            timezone.localtime(response.created_at).replace(tzinfo=None),
        ]
        row += [_text(sheet, "；".join(given.get(q.pk, []))) for q in questions]
        sheet.append(row)
    return book

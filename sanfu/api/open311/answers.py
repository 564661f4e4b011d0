"""The answers to a service's questions: `attribute[CODE]=v` and `attribute[CODE][]=v1&…`."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.http import QueryDict
from django.utils.translation import gettext as _

from sanfu.api.models import Datatype
from sanfu.api.open311.params import clean_text, w3c_datetime
from sanfu.api.open311.services import Question
from sanfu.cases.models import TEXT_MAX
from sanfu.lib.errors import ValidationFailed

_KEY = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
STRING_MAX = 500

Answer = str | list[str]


def raw_answers(data: QueryDict) -> dict[str, list[str]]:
    """Every `attribute[...]` parameter's non-empty values, by code."""
    found: dict[str, list[str]] = {}
    for name in data:
        match = _KEY.match(name)
        if match is None:
            continue
        code = clean_text(match.group(1), name="attribute")
        values = [
            clean_text(value.strip(), name=f"attribute[{code}]")
            for value in data.getlist(name)
            if value.strip()
        ]
        if values:
            found.setdefault(code, []).extend(values)
    return found


def check_answers(questions: list[Question], raw: dict[str, list[str]]) -> dict[str, Answer]:
    """The answers checked against the questions; ValidationFailed naming the first problem."""
    by_code = {q.code: q for q in questions if q.variable}
    for code in raw:
        if code not in by_code:
            raise ValidationFailed(
                _("This service asks no such question."), field=f"attribute[{code}]"
            )
    answers: dict[str, Answer] = {}
    for question in by_code.values():
        values = raw.get(question.code, [])
        name = f"attribute[{question.code}]"
        if not values:
            if question.required:
                raise ValidationFailed(_("This question must be answered."), field=name)
            continue
        answers[question.code] = _check(question, values, name=name)
    return answers


def _check(question: Question, values: list[str], *, name: str) -> Answer:
    keys = [choice.key for choice in question.values]
    if question.datatype == Datatype.MULTI:
        unknown = [value for value in values if value not in keys]
        if unknown:
            raise ValidationFailed(_("Not one of the choices: %s") % unknown[0], field=name)
        return list(dict.fromkeys(values))
    if len(values) > 1:
        raise ValidationFailed(_("This question takes one answer."), field=name)
    value = values[0]
    if question.datatype == Datatype.SINGLE and value not in keys:
        raise ValidationFailed(_("Not one of the choices: %s") % value, field=name)
    if question.datatype == Datatype.NUMBER:
        _number(value, name=name)
    if question.datatype == Datatype.DATETIME:
        w3c_datetime(value, name=name)
    if question.datatype == Datatype.STRING:
        value = " ".join(value.split())  # a string has no line breaks
    limit = TEXT_MAX if question.datatype == Datatype.TEXT else STRING_MAX
    if len(value) > limit:
        raise ValidationFailed(_("At most %(limit)d characters.") % {"limit": limit}, field=name)
    return value


def _number(value: str, *, name: str) -> None:
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise ValidationFailed(_("Not a number."), field=name)


def describe(questions: list[Question], answers: dict[str, Answer]) -> list[str]:
    """The answers to administrators' questions as lines for the case text."""
    lines = []
    for question in questions:
        if question.built_in or question.code not in answers:
            continue
        answer = answers[question.code]
        names = {choice.key: choice.name for choice in question.values}
        items = answer if isinstance(answer, list) else [answer]
        shown = "、".join(names.get(item, item) for item in items)
        lines.append(f"{question.description}：{shown}")
    return lines

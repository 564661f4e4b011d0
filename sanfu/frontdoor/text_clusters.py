"""A survey's short-text answers grouped by what they say, with the routing app's hot-spot code.

The grouping is `sanfu.routing.hotspots.board_hotspots`, the one the public board's messages
go through: keywords (jieba, TF-IDF) and clusters around a keyword centroid, kept apart when
they name different places. A survey's answers are one snapshot, so every answer is dated at
the survey's start: time must not split a group. Each response is one person, so a group
needs at least two people, as a hot spot does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.frontdoor.models import Answer, Question, QuestionKind, Survey
from sanfu.lib.errors import NotFound
from sanfu.routing.datasets import PublicMessage
from sanfu.routing.hotspots import board_hotspots

# The newest answers only: the grouping runs in the request (keywords cost about a
# millisecond an answer), and what residents wrote lately is what staff act on.
TEXTS_GROUPED = 2000
GROUPS_SHOWN = 20
EXAMPLES = 5


@dataclass(frozen=True)
class TextGroup:
    title: str  # the answer closest to what the group is about
    answers: int
    keywords: list[str]
    place: str
    examples: list[str]


@dataclass(frozen=True)
class TextGroups:
    question: Question
    grouped: int  # answers looked at (at most TEXTS_GROUPED)
    total: int  # text answers to the question
    groups: list[TextGroup]

    @property
    def ungrouped(self) -> int:
        return self.grouped - sum(g.answers for g in self.groups)


def text_question_get(*, survey: Survey, number: int) -> Question:
    question = survey.questions.filter(number=number, kind=QuestionKind.TEXT).first()
    if question is None:
        raise NotFound(_("No such text question in this survey."))
    return question


def text_groups(*, survey: Survey, number: int) -> TextGroups:
    """The question's text answers in groups of similar ones, largest first."""
    question = text_question_get(survey=survey, number=number)
    answers = Answer.objects.filter(question=question).exclude(text="")
    rows = list(answers.order_by("-pk").values_list("pk", "response_id", "text")[:TEXTS_GROUPED])
    at = timezone.make_aware(datetime.combine(survey.starts_on, time.min))
    messages = [
        PublicMessage(id=str(pk), title=text, text="", at=at, user=f"response:{response}")
        for pk, response, text in rows
    ]
    texts = {str(pk): text for pk, _response, text in rows}
    found = board_hotspots(messages, top=GROUPS_SHOWN)
    groups = [
        TextGroup(
            title=hotspot.title,
            answers=hotspot.messages,
            keywords=hotspot.keywords,
            place=hotspot.place,
            examples=[texts[key] for key in hotspot.keys[:EXAMPLES]],
        )
        for hotspot in found
    ]
    groups.sort(key=lambda g: -g.answers)
    return TextGroups(question=question, grouped=len(rows), total=answers.count(), groups=groups)

"""回访: the follow-up call after a case closes, recorded with the survey machinery, and the
回访满意率 the dashboard shows beside the requester's own rating.

A follow-up survey (purpose `followup`) has as question 1 a single choice whose first two
choices count as satisfied (满意, 基本满意). Staff who may see a closed case record one
follow-up for it; the rate counts follow-ups by the day they were recorded.
"""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sanfu.cases.models import Case, CaseState
from sanfu.cases.selectors import case_get_for_user
from sanfu.directory.models import TOWN_KINDS, Unit, User
from sanfu.frontdoor.models import Answer, QuestionKind, Response, Survey, SurveyState
from sanfu.frontdoor.models.surveys import SurveyPurpose
from sanfu.frontdoor.surveys import _answers_clean, answers_insert
from sanfu.lib.errors import Conflict, ValidationFailed
from sanfu.lib.treepath import path_ids

SATISFIED = (0, 1)  # 满意, 基本满意


def followup_survey_for(case: Case) -> Survey | None:
    """The published follow-up survey nearest above the case's place."""
    surveys = Survey.objects.filter(
        purpose=SurveyPurpose.FOLLOWUP, state=SurveyState.PUBLISHED
    ).select_related("area")
    place = case.location_unit.path
    found = [s for s in surveys if place.startswith(s.area.path)]
    return max(found, key=lambda s: (len(s.area.path), s.pk), default=None)


def followup_check(survey: Survey) -> None:
    """A follow-up survey must open with the satisfaction question."""
    first = survey.questions.order_by("number").first()
    if first is None or first.kind != QuestionKind.SINGLE or len(first.choices) < 3:
        raise ValidationFailed(
            _("A follow-up survey's question 1 must be a single choice: 满意, 基本满意, 不满意."),
            field="survey",
        )


def _town_of(unit: Unit) -> Unit:
    towns = Unit.objects.filter(pk__in=path_ids(unit.path), kind__in=TOWN_KINDS)
    town = towns.first()
    if town is None:
        raise ValidationFailed(_("The case's place is not in a town."), field="case")
    return town


@transaction.atomic
def followup_record(*, actor: User, case_id: int, answers: dict[str, list[str]]) -> Response:
    case = case_get_for_user(user=actor, case_id=case_id)
    if case.state != CaseState.CLOSED:
        raise ValidationFailed(_("Only a closed case is followed up."), field="case")
    survey = followup_survey_for(case)
    if survey is None:
        raise ValidationFailed(_("No follow-up survey is published for this place."), field="case")
    if Response.objects.filter(survey=survey, case=case).exists():
        raise Conflict(_("This case has been followed up already."), field="case")
    rows = _answers_clean(list(survey.questions.order_by("number")), answers)
    response = Response.objects.create(
        survey=survey, town=_town_of(case.location_unit), case=case, sender=f"staff:{actor.pk}"
    )
    answers_insert(response=response, rows=rows)
    return response


def followup_satisfaction(
    *, cases: QuerySet[Case], start: datetime, end: datetime
) -> tuple[Fraction | None, int]:
    """回访满意率 over the follow-ups recorded in [start, end) for `cases`, and their number."""
    firsts = Answer.objects.filter(
        question__number=1,
        question__survey__purpose=SurveyPurpose.FOLLOWUP,
        response__case__in=cases,
        response__created_at__gte=start,
        response__created_at__lt=end,
    )
    total = firsts.count()
    if not total:
        return None, 0
    satisfied = firsts.filter(choice__in=SATISFIED).count()
    return Fraction(satisfied, total), total

"""回访: a follow-up call after a case closes, recorded with the survey machinery, and its
satisfaction rate on the dashboard beside the requesters' own rating."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest
from django.utils import timezone

from sanfu.cases.models import Case, CaseState, Channel
from sanfu.cases.services import NewCase, case_create
from sanfu.directory.models import StaffRole, User
from sanfu.frontdoor import surveys
from sanfu.frontdoor.followups import followup_satisfaction
from sanfu.frontdoor.models import Response, Survey
from sanfu.lib.errors import ValidationFailed
from tests.conftest import Tree, https_client, login, make_staff

pytestmark = pytest.mark.django_db


def _closed_case(tree: Tree) -> Case:
    case = case_create(
        new=NewCase(
            channel=Channel.WEB,
            title="路灯不亮",
            text="村口路灯坏了。",
            location_unit=tree.village_a,
        )
    )
    # The loop to closing is the cases app's (tested there); here only its end state matters.
    Case.objects.filter(pk=case.pk).update(state=CaseState.CLOSED, closed_at=timezone.now())
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def followup(tree: Tree, administrator: User) -> Survey:
    survey = surveys.survey_create(
        actor=administrator,
        area=tree.county,
        title_zh="办结回访",
        starts_on=date(2026, 1, 1),
        ends_on=date(2030, 12, 31),
        purpose="followup",
    )
    surveys.question_add(
        actor=administrator,
        survey_id=survey.pk,
        kind="single",
        label_zh="您对办理结果满意吗？",
        choices=surveys.choices_parse("满意\n基本满意\n不满意"),
    )
    return surveys.survey_publish(actor=administrator, survey_id=survey.pk)


def test_a_followup_survey_must_open_with_satisfaction(tree: Tree, administrator: User) -> None:
    survey = surveys.survey_create(
        actor=administrator,
        area=tree.county,
        title_zh="回访",
        starts_on=date(2026, 1, 1),
        ends_on=date(2030, 1, 1),
        purpose="followup",
    )
    surveys.question_add(actor=administrator, survey_id=survey.pk, kind="text", label_zh="意见")
    with pytest.raises(ValidationFailed, match="满意"):
        surveys.survey_publish(actor=administrator, survey_id=survey.pk)


def test_staff_record_one_followup_per_closed_case(
    tree: Tree, followup: Survey, town_staff: User, outsider: User
) -> None:
    case = _closed_case(tree)
    page = f"/frontdoor/followups/{case.pk}/"
    assert login(outsider).get(page).status_code == 404
    client = login(town_staff)
    assert client.post(page, {}).status_code == 400  # question 1 is required
    assert client.post(page, {"q1": "1"}).status_code == 302
    again = client.post(page, {"q1": "0"})
    assert again.status_code == 400
    assert Response.objects.get().case == case
    assert https_client().get(f"/surveys/{followup.pk}/").status_code == 404  # not public


def test_the_dashboard_shows_the_followup_satisfaction(
    tree: Tree, followup: Survey, town_staff: User
) -> None:
    for answer in ("0", "2"):
        login(town_staff).post(f"/frontdoor/followups/{_closed_case(tree).pk}/", {"q1": answer})
    now = timezone.now()
    rate, count = followup_satisfaction(
        cases=Case.objects.all(), start=now - timedelta(days=1), end=now + timedelta(days=1)
    )
    assert rate == Fraction(1, 2)
    assert count == 2
    supervisor = make_staff("supervisor", tree.county, StaffRole.SUPERVISOR)
    month = timezone.localdate().strftime("%Y-%m")
    page = login(supervisor).get("/workbench/dashboard/", {"start": month, "end": month})
    assert page.status_code == 200
    tile = page.content.decode().split('data-figure="followup_rate"')[1].split("</div>")[0]
    assert "50.0%" in tile

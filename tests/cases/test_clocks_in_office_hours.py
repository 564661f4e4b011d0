"""Clocks as a requester and a unit meet them: sign-for hours count office hours only, and a
reopened case gets a new reply deadline that its timeline states."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sanfu.cases import services
from sanfu.cases.models import Assignment, Case, CaseEvent, EventKind, Rating, ReplyKind
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree, https_client, login

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=SHANGHAI)


def test_a_case_dispatched_late_on_friday_is_to_be_signed_for_by_monday_lunchtime(
    tree: Tree, catalogue: Catalogue, people: People
):
    # Friday 27 November 2026, 22:45; the catalogue gives 4 hours to sign for.
    with time_machine.travel(local(11, 27, 22, 45), tick=False):
        case = web_case(tree, catalogue)
        response = login(people.dispatcher).post(
            f"/workbench/cases/{case.pk}/do/dispatch/",
            {
                "lead_unit": tree.village_a.pk,
                "category": catalogue.roads.pk,
                "priority": "normal",
                "note": "",
            },
        )
    assert response.status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert case.sign_deadline == local(11, 30, 12, 30)
    lead = Assignment.objects.get(case=case, active=True, role="lead")
    assert lead.sign_deadline == local(11, 30, 12, 30)


def test_a_reopen_sets_the_reply_deadline_anew_and_the_timeline_says_when(
    tree: Tree, catalogue: Catalogue, people: People
):
    with time_machine.travel(local(11, 2, 9), tick=False):
        case = web_case(tree, catalogue)
        services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
        services.case_sign(actor=people.cadre, case_id=case.pk)
    first_deadline = Case.objects.get(pk=case.pk).reply_deadline
    assert first_deadline == local(11, 16, 23, 59, 59).replace(microsecond=999999)
    with time_machine.travel(local(11, 12, 10), tick=False):
        services.case_reply(
            actor=people.cadre, case_id=case.pk, kind=ReplyKind.SOLVED, text="已修好一盏路灯。"
        )
    track = f"/track/{case.number}/{case.tracking_token}/"
    # Rated 不满意 on Monday 16 November at 15:00: ten working days from then end on the 30th.
    with time_machine.travel(local(11, 16, 15), tick=False):
        response = https_client().post(
            track, {"rating": Rating.UNSATISFIED, "solved": "no", "comment": "只修好了一盏"}
        )
    assert response.status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert case.reply_deadline == local(11, 30, 23, 59, 59).replace(microsecond=999999)
    # 15:00 to 17:30, then 1.5 hours from 08:30 on Tuesday.
    assert case.sign_deadline == local(11, 17, 10)
    reopened = CaseEvent.objects.get(case=case, kind=EventKind.REOPENED)
    assert datetime.fromisoformat(reopened.data["reply_deadline"]) == case.reply_deadline
    assert datetime.fromisoformat(reopened.data["sign_deadline"]) == case.sign_deadline

    page = https_client().get(track).content.decode()
    assert "已评价：不满意" in page
    assert "重办，答复期限 2026-11-30 23:59" in page
    staff_page = login(people.cadre).get(f"/workbench/cases/{case.pk}/").content.decode()
    assert "重办，答复期限 2026-11-30 23:59" in staff_page

"""`sanfu sweep`: clocks, automatic urges, alerts and auto-closing, safe to run twice."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from sanfu.cases import services
from sanfu.cases.models import Case, CaseState, Clock, ReplyKind
from sanfu.cases.selectors import timeline_replays
from sanfu.notify.models import Notification
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def sweep() -> dict[str, float]:
    out = io.StringIO()
    call_command("sweep", "--once", stdout=out)
    figures: dict[str, float] = json.loads(out.getvalue())["cases"]
    return figures


def dispatched(tree: Tree, catalogue: Catalogue, people: People) -> Case:
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    return Case.objects.get(pk=case.pk)


def test_it_marks_overdue_once_and_tells_the_unit_and_the_supervisors(
    tree: Tree, catalogue: Catalogue, people: People, django_capture_on_commit_callbacks
):
    case = dispatched(tree, catalogue, people)
    past = timezone.now() - timedelta(minutes=5)
    Case.objects.filter(pk=case.pk).update(sign_deadline=past, reply_deadline=past)
    with django_capture_on_commit_callbacks(execute=True):
        first = sweep()
    assert first["sign_overdue"] == 1
    assert first["reply_overdue"] == 1
    case.refresh_from_db()
    assert (case.sign_clock, case.reply_clock) == (Clock.OVERDUE, Clock.OVERDUE)
    assert Notification.objects.filter(recipient=people.cadre).exists()
    assert Notification.objects.filter(recipient=people.supervisor).exists()
    assert not Notification.objects.filter(recipient=people.outsider).exists()

    second = sweep()
    assert second["sign_overdue"] == second["reply_overdue"] == 0
    assert case.events.filter(kind="overdue").count() == 2
    assert timeline_replays(case)


def test_a_near_deadline_is_due_soon_and_urged_automatically(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = dispatched(tree, catalogue, people)
    services.case_sign(actor=people.cadre, case_id=case.pk)
    Case.objects.filter(pk=case.pk).update(reply_deadline=timezone.now() + timedelta(hours=2))
    assert sweep()["reply_due_soon"] == 1
    case.refresh_from_db()
    assert (case.reply_clock, case.urge_count) == (Clock.DUE_SOON, 1)
    assert sweep()["reply_due_soon"] == 0


def test_unrated_replies_close_after_the_configured_days(
    tree: Tree, catalogue: Catalogue, people: People, settings
):
    settings.CASE_AUTO_CLOSE_DAYS = 3
    case = dispatched(tree, catalogue, people)
    services.case_sign(actor=people.cadre, case_id=case.pk)
    services.case_reply(actor=people.cadre, case_id=case.pk, kind=ReplyKind.SOLVED, text="好")
    assert sweep()["auto_closed"] == 0
    Case.objects.filter(pk=case.pk).update(replied_at=timezone.now() - timedelta(days=4))
    assert sweep()["auto_closed"] == 1
    case.refresh_from_db()
    assert (case.state, case.auto_closed) == (CaseState.CLOSED, True)
    assert timeline_replays(case)


def test_signing_stops_the_sign_clock(tree: Tree, catalogue: Catalogue, people: People):
    case = dispatched(tree, catalogue, people)
    services.case_sign(actor=people.cadre, case_id=case.pk)
    Case.objects.filter(pk=case.pk).update(sign_deadline=timezone.now() - timedelta(hours=1))
    assert sweep()["sign_overdue"] == 0


def test_a_reopened_case_answered_again_still_closes_when_left_unrated(
    tree: Tree, catalogue: Catalogue, people: People, settings
):
    settings.CASE_AUTO_CLOSE_DAYS = 3
    case = dispatched(tree, catalogue, people)
    for text in ("第一次答复", "第二次答复"):
        services.case_sign(actor=people.cadre, case_id=case.pk)
        services.case_reply(actor=people.cadre, case_id=case.pk, kind=ReplyKind.SOLVED, text=text)
        if text == "第一次答复":
            services.case_rate(
                solved=True, number=case.number, token=case.tracking_token, rating="unsatisfied"
            )
    case.refresh_from_db()
    assert (case.state, case.rating) == (CaseState.REPLIED, "")
    Case.objects.filter(pk=case.pk).update(replied_at=timezone.now() - timedelta(days=4))
    assert sweep()["auto_closed"] == 1
    assert timeline_replays(Case.objects.get(pk=case.pk))

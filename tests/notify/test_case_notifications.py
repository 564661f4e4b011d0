"""People hear about their cases through the inbox, email and text messages, after commit."""

from __future__ import annotations

import logging

import pytest
from django.core import mail

from sanfu.cases import queue, services
from sanfu.cases.models import ReplyKind
from sanfu.lib.errors import PermissionDenied
from sanfu.notify.models import Notification
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def test_a_dispatch_reaches_the_lead_units_inbox_and_mail_in_chinese(
    tree: Tree, catalogue: Catalogue, people: People, django_capture_on_commit_callbacks
):
    people.cadre.email = "cadre@example.gov.cn"
    people.cadre.save(update_fields=["email"])
    case = web_case(tree, catalogue)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    inbox = Notification.objects.get(recipient=people.cadre)
    assert inbox.subject == f"新诉求 {case.number} 派至您的单位"
    assert inbox.link == f"/cases/{case.pk}/"
    assert [m.to for m in mail.outbox] == [["cadre@example.gov.cn"]]
    assert not Notification.objects.filter(recipient=people.outsider).exists()


def test_nothing_is_sent_when_the_action_is_refused(
    tree: Tree, catalogue: Catalogue, people: People, django_capture_on_commit_callbacks
):
    case = web_case(tree, catalogue)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        services.case_dispatch(actor=people.cadre, case_id=case.pk, lead_unit=tree.village_a)
    assert not Notification.objects.exists()


def test_the_requester_gets_a_text_message_when_answered(
    tree: Tree, catalogue: Catalogue, people: People, django_capture_on_commit_callbacks, caplog
):
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    services.case_sign(actor=people.cadre, case_id=case.pk)
    with (
        caplog.at_level(logging.INFO, logger="sanfu.notify"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.case_reply(actor=people.cadre, case_id=case.pk, kind=ReplyKind.SOLVED, text="好")
        queue.work()  # the requester's texts leave through the background queue
    texts = [r.getMessage() for r in caplog.records if r.name == "sanfu.notify"]
    assert any("13812345678" in t and case.number in t for t in texts)


def test_a_text_message_is_plain_text_not_html(
    tree: Tree, catalogue: Catalogue, people: People, django_capture_on_commit_callbacks, sms
):
    case = web_case(tree, catalogue, title="<b>路灯</b>坏了 & '没人管'")
    reason = "<b>不属于</b>本县'受理'范围 & 请拨打12345"
    with django_capture_on_commit_callbacks(execute=True):
        services.case_reject(actor=people.dispatcher, case_id=case.pk, reason=reason)
    queue.work()
    texts = [text for phone, text in sms if phone == "13812345678"]
    assert any(reason in text for text in texts), texts
    assert not any("&lt;" in text or "&#x27;" in text or "&amp;" in text for text in texts)


def test_a_mail_is_plain_text_too(
    tree: Tree, catalogue: Catalogue, people: People, django_capture_on_commit_callbacks
):
    people.cadre.email = "cadre@example.gov.cn"
    people.cadre.save(update_fields=["email"])
    case = web_case(tree, catalogue, title="<b>路灯</b>坏了 & '没人管'")
    with django_capture_on_commit_callbacks(execute=True):
        services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    assert "<b>路灯</b>坏了 & '没人管'" in mail.outbox[0].body
    # The inbox keeps the text as typed; an HTML page escapes it when it shows it.
    assert "<b>路灯</b>坏了" in Notification.objects.get(recipient=people.cadre).body

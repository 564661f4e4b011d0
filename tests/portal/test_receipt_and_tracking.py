"""The resident gets a receipt by text message and tracks the case by number and phone.

The long tracking token stays inside links; the receipt carries the case number and a short
link; tracking by number needs the phone given with the case, proved by a code texted to it.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from sanfu.cases import queue, services
from sanfu.cases.models import BackgroundTask, Case, Channel, TaskState
from sanfu.cases.services import NewCase, Requester
from tests.cases.conftest import Catalogue, web_case
from tests.conftest import Tree, https_client
from tests.portal.test_submit import form

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
STRANGER = "13900001111"
START = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SMS = list[tuple[str, str]]


def texts_to(sms: SMS, phone: str) -> list[str]:
    return [text for to, text in sms if to == phone]


def last_code(sms: SMS, phone: str = PHONE) -> str:
    """The code of the latest text that carries one (the worker may send a receipt after it)."""
    codes = [re.search(r"(?<!\d)(\d{6})(?!\d)", text) for text in texts_to(sms, phone)]
    found = [code.group(1) for code in codes if code is not None]
    assert found, texts_to(sms, phone)
    return found[-1]


def post(client: Client, capture: Any, url: str, data: dict[str, Any]) -> Any:
    """A POST whose messages leave, as they do when the request's transaction commits. (The
    requester's texts about a case wait for the worker: `queue.work()`.)"""
    with capture(execute=True):
        return client.post(url, data)


def test_a_submission_sends_a_receipt_with_the_number_and_a_short_link(
    tree: Tree, sms: SMS, django_capture_on_commit_callbacks
):
    client = https_client()
    response = post(client, django_capture_on_commit_callbacks, "/submit/", form(tree))
    assert response.status_code == 302
    case = Case.objects.get()
    queue.work()  # the worker beside the server (`sanfu queue work`) sends it
    [receipt] = texts_to(sms, PHONE)
    assert case.number in receipt
    assert "已收到" in receipt
    assert case.tracking_token not in receipt
    link = re.search(r"https?://\S+/t/\S+?/\S+?/", receipt)
    assert link is not None, receipt
    short = link.group(0).split("://", 1)[1].split("/", 1)[1]
    followed = client.get(f"/{short}")
    assert followed.status_code == 302
    assert followed["Location"] == f"/track/{case.number}/{case.tracking_token}/"


def test_the_receipt_page_shows_the_number_and_short_link_not_the_token(
    tree: Tree, sms: SMS, django_capture_on_commit_callbacks
):
    client = https_client()
    response = post(client, django_capture_on_commit_callbacks, "/submit/", form(tree))
    page = client.get(response["Location"]).content.decode()
    case = Case.objects.get()
    assert case.number in page
    shown = re.sub(r"<[^>]*>", " ", page)  # the text a person reads, without the links
    assert case.tracking_token not in shown
    assert "/t/" in shown


def test_a_wrong_short_link_finds_nothing(tree: Tree, catalogue: Catalogue):
    case = web_case(tree, catalogue)
    assert https_client().get(f"/t/{case.number}/abcdefghij/").status_code == 404
    assert https_client().get("/t/nosuchnumber/abcdefghij/").status_code == 404


def test_no_receipt_without_a_mobile_number(
    tree: Tree, sms: SMS, django_capture_on_commit_callbacks
):
    client = https_client()
    post(client, django_capture_on_commit_callbacks, "/submit/", form(tree, requester_phone=""))
    post(
        client,
        django_capture_on_commit_callbacks,
        "/submit/",
        form(tree, requester_phone="0550-7654321"),
    )
    assert Case.objects.count() == 2
    queue.work()
    assert sms == []


def test_a_hotline_case_gets_its_receipt_too(
    tree: Tree, catalogue: Catalogue, sms: SMS, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_create(
            new=NewCase(
                channel=Channel.HOTLINE,
                title="供水管道漏水",
                text="石门镇街口供水管道漏水三天了。",
                location_unit=tree.town_a,
                requester=Requester(kind="resident", name="李梅", phone="139 1234 5678"),
            )
        )
    queue.work()
    [receipt] = texts_to(sms, "13912345678")
    assert case.number in receipt


class RefusingGateway:
    """An operator's gateway that is down."""

    def send(self, phone: str, text: str) -> None:
        raise ConnectionError("the SMS gateway did not answer")


def test_the_receipt_is_queued_with_the_case_and_sent_again_after_the_gateway_failed(
    tree: Tree, sms: SMS, settings: Any
):
    with time_machine.travel(START, tick=False):
        response = https_client().post("/submit/", form(tree))
        assert response.status_code == 302
        case = Case.objects.get()
        # Committed with the case, nothing sent in the request: a process stopped now loses
        # no text, the worker sends it.
        task = BackgroundTask.objects.get(kind="cases.requester_text")
        assert (task.state, task.payload) == (
            TaskState.PENDING,
            {"case": case.pk, "kind": "received"},
        )
        assert sms == []
        settings.SANFU_SMS_BACKEND = f"{__name__}.RefusingGateway"
        assert queue.work().retry == 1
        task.refresh_from_db()
        assert task.state == TaskState.PENDING
        assert "did not answer" in task.last_error
        assert sms == []
    settings.SANFU_SMS_BACKEND = "sanfu.notify.transports.MemorySmsBackend"
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        assert queue.work().done == 1
    [receipt] = texts_to(sms, PHONE)
    assert case.number in receipt


def ask_for_code(client: Client, capture: Any, number: str, phone: str) -> Any:
    return post(client, capture, "/track/", {"number": number, "phone": phone, "send": "1"})


def enter_code(client: Client, number: str, phone: str, code: str) -> Any:
    return client.post("/track/", {"number": number, "phone": phone, "code": code, "check": "1"})


def test_the_resident_tracks_by_number_and_phone_with_a_texted_code(
    tree: Tree, catalogue: Catalogue, sms: SMS, django_capture_on_commit_callbacks
):
    case = web_case(tree, catalogue)
    client = https_client()
    page = client.get("/track/").content.decode()
    assert "验证码" in page
    with time_machine.travel(START, tick=False):
        asked = ask_for_code(
            client, django_capture_on_commit_callbacks, case.number, "138-1234-5678"
        )
        assert asked.status_code == 200
        assert 'data-testid="code-sent"' in asked.content.decode()
        code = last_code(sms)
        response = enter_code(client, case.number, PHONE, code)
    assert response.status_code == 302
    assert response["Location"] == f"/track/{case.number}/{case.tracking_token}/"


def test_an_outsider_with_the_number_but_another_phone_gets_nothing(
    tree: Tree, catalogue: Catalogue, sms: SMS, django_capture_on_commit_callbacks
):
    case = web_case(tree, catalogue)
    outsider = https_client()
    with time_machine.travel(START, tick=False):
        asked = ask_for_code(outsider, django_capture_on_commit_callbacks, case.number, STRANGER)
        # The same answer as for the right phone: it does not tell whose case it is.
        assert asked.status_code == 200
        assert 'data-testid="code-sent"' in asked.content.decode()
        assert sms == []
        for guess in ("000000", "123456", "999999"):
            refused = enter_code(outsider, case.number, STRANGER, guess)
            assert refused.status_code == 400
            assert case.tracking_token not in refused.content.decode()
        assert "验证码不正确或已失效" in refused.content.decode()


def test_the_code_is_good_only_with_the_phone_it_was_sent_to(
    tree: Tree, catalogue: Catalogue, sms: SMS, django_capture_on_commit_callbacks
):
    case = web_case(tree, catalogue)
    web_case(tree, catalogue, requester=Requester(kind="resident", name="李梅", phone=STRANGER))
    client = https_client()
    with time_machine.travel(START, tick=False):
        ask_for_code(client, django_capture_on_commit_callbacks, case.number, PHONE)
        code = last_code(sms)
        assert enter_code(client, case.number, STRANGER, code).status_code == 400


def test_a_code_of_one_phone_does_not_open_another_phones_case(
    tree: Tree, catalogue: Catalogue, sms: SMS, django_capture_on_commit_callbacks
):
    mine = web_case(tree, catalogue)
    theirs = web_case(
        tree, catalogue, requester=Requester(kind="resident", name="李梅", phone=STRANGER)
    )
    client = https_client()
    with time_machine.travel(START, tick=False):
        ask_for_code(client, django_capture_on_commit_callbacks, mine.number, PHONE)
        code = last_code(sms)
        response = enter_code(client, theirs.number, PHONE, code)
    assert response.status_code == 400
    assert theirs.tracking_token not in response.content.decode()


def test_an_expired_code_is_refused(
    tree: Tree, catalogue: Catalogue, sms: SMS, django_capture_on_commit_callbacks
):
    case = web_case(tree, catalogue)
    client = https_client()
    with time_machine.travel(START, tick=False):
        ask_for_code(client, django_capture_on_commit_callbacks, case.number, PHONE)
        code = last_code(sms)
    with time_machine.travel(START + timedelta(minutes=11), tick=False):
        response = enter_code(client, case.number, PHONE, code)
    assert response.status_code == 400
    assert "验证码不正确或已失效" in response.content.decode()


def test_five_wrong_codes_spend_the_code(
    tree: Tree, catalogue: Catalogue, sms: SMS, django_capture_on_commit_callbacks
):
    case = web_case(tree, catalogue)
    client = https_client()
    with time_machine.travel(START, tick=False):
        ask_for_code(client, django_capture_on_commit_callbacks, case.number, PHONE)
        code = last_code(sms)
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        for _ in range(5):
            assert enter_code(client, case.number, PHONE, wrong).status_code == 400
        assert enter_code(client, case.number, PHONE, code).status_code == 400


def test_codes_are_limited_per_phone_with_a_chinese_message(
    tree: Tree, catalogue: Catalogue, sms: SMS, django_capture_on_commit_callbacks
):
    case = web_case(tree, catalogue)
    client = https_client()
    with time_machine.travel(START, tick=False):
        ask_for_code(client, django_capture_on_commit_callbacks, case.number, PHONE)
    with time_machine.travel(START + timedelta(seconds=20), tick=False):
        again = ask_for_code(client, django_capture_on_commit_callbacks, case.number, PHONE)
    assert again.status_code == 429
    assert "秒后再试" in again.content.decode()
    assert len(texts_to(sms, PHONE)) == 1


def test_codes_are_limited_per_address(
    tree: Tree, catalogue: Catalogue, sms: SMS, django_capture_on_commit_callbacks
):
    case = web_case(tree, catalogue)
    client = https_client()
    with time_machine.travel(START, tick=False):
        for n in range(20):
            asked = ask_for_code(
                client, django_capture_on_commit_callbacks, case.number, f"1390000{n:04d}"
            )
            assert asked.status_code == 200
        refused = ask_for_code(client, django_capture_on_commit_callbacks, case.number, PHONE)
    assert refused.status_code == 429
    assert "网络" in refused.content.decode()
    assert texts_to(sms, PHONE) == []


def test_a_landline_cannot_receive_a_code(tree: Tree, catalogue: Catalogue, sms: SMS):
    case = web_case(tree, catalogue)
    response = https_client().post(
        "/track/", {"number": case.number, "phone": "0550-7654321", "send": "1"}
    )
    assert response.status_code == 400
    assert "手机号码" in response.content.decode()


def test_the_long_code_of_an_older_receipt_still_opens_the_case(tree: Tree, catalogue: Catalogue):
    case = web_case(tree, catalogue)
    found = https_client().get("/track/", {"number": case.number, "code": case.tracking_token})
    assert found.status_code == 302
    assert https_client().get("/track/", {"number": "", "code": "x"}).status_code == 404

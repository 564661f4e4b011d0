from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse

from sanfu.directory.models import User
from sanfu.enterprise.models import Booking, BookingState, Offer, Provider
from sanfu.enterprise.selectors import offers_ranked
from sanfu.enterprise.services import menu
from sanfu.lib.errors import ApplicationError, ValidationFailed
from sanfu.notify.codes import PHONE_CODES_PER_HOUR
from tests.conftest import https_client, login, make_staff
from tests.enterprise import sms
from tests.enterprise.conftest import World

SHANGHAI = ZoneInfo("Asia/Shanghai")
PHONE = "13812345678"  # 恒达's main contact in the world fixture


@pytest.fixture(autouse=True)
def texts() -> Iterator[list[tuple[str, str]]]:
    sms.SENT.clear()
    with override_settings(SANFU_SMS_BACKEND="tests.enterprise.sms.CapturingSms"):
        yield sms.SENT


@pytest.fixture
def bank(world: World, administrator: User) -> Offer:
    account = make_staff("bank")
    provider = menu.provider_create(
        county=world.county, name="云溪农商银行", kind="bank", account=account
    )
    menu.provider_approve(actor=administrator, provider_id=provider.pk)
    offer = menu.offer_create(
        actor=account,
        category="finance",
        title="小微成长贷",
        rate=Decimal("3.85"),
        ceiling=Decimal("3000000"),
        term_months=36,
        answer_days=3,
    )
    return menu.offer_approve(actor=administrator, offer_id=offer.pk)


Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def _log_in(client: Client, capture: Capture) -> None:
    # The text goes out after the code's row is committed.
    with capture(execute=True):
        client.post(reverse("enterprise:contact_login"), {"phone": PHONE, "send": "1"})
    code = sms.last_code(PHONE)
    response = client.post(
        reverse("enterprise:contact_login"), {"phone": PHONE, "code": code, "verify": "1"}
    )
    assert response.status_code == 302


def test_a_contact_logs_in_by_code_sees_policies_and_books(
    world: World, bank: Offer, django_capture_on_commit_callbacks: Capture
) -> None:
    client = https_client()
    _log_in(client, django_capture_on_commit_callbacks)
    home = client.get(reverse("enterprise:contact_home")).content.decode()
    assert "小微制造企业减税" in home
    assert "石门镇企业用工补贴" in home
    client.post(reverse("enterprise:contact_book", args=[bank.pk]), {"note": "需要200万"})
    booking = Booking.objects.get()
    assert (booking.enterprise, booking.note) == (world.hengda, "需要200万")


def test_a_wrong_code_is_refused_and_five_tries_kill_the_code(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    client = https_client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enterprise:contact_login"), {"phone": PHONE, "send": "1"})
    code = sms.last_code(PHONE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        response = client.post(
            reverse("enterprise:contact_login"), {"phone": PHONE, "code": wrong, "verify": "1"}
        )
        assert response.status_code == 400
    response = client.post(
        reverse("enterprise:contact_login"), {"phone": PHONE, "code": code, "verify": "1"}
    )
    assert response.status_code == 400
    assert "错误次数过多" in response.content.decode()
    assert client.get(reverse("enterprise:contact_home")).status_code == 302


def test_a_code_expires_after_five_minutes(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    start = datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=False), django_capture_on_commit_callbacks(execute=True):
        menu.code_send(phone=PHONE)
    code = sms.last_code(PHONE)
    with (
        time_machine.travel(start + timedelta(minutes=6), tick=False),
        pytest.raises(ValidationFailed),
    ):
        menu.code_verify(phone=PHONE, code=code)


def test_an_unknown_phone_gets_the_same_answers_and_no_text(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    answers = []
    for phone in ("13900000000", PHONE):
        client = https_client()
        with django_capture_on_commit_callbacks(execute=True):
            page = reverse("enterprise:contact_login")
            first = client.post(page, {"phone": phone, "send": "1"})
            again = client.post(page, {"phone": phone, "send": "1"})
        answers.append((first.status_code, again.status_code))
    # Asking again at once is refused for both, so the limits do not tell who is registered.
    assert answers == [(200, 400), (200, 400)]
    assert [to for to, _text in sms.SENT] == [PHONE]
    assert "三服登录验证码" in sms.SENT[0][1]


def test_codes_per_phone_are_limited(world: World) -> None:
    start = datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI)
    for n in range(PHONE_CODES_PER_HOUR):
        with time_machine.travel(start + timedelta(minutes=2 * n), tick=False):
            menu.code_send(phone=PHONE)
    with (
        time_machine.travel(start + timedelta(minutes=2 * PHONE_CODES_PER_HOUR), tick=False),
        pytest.raises(ApplicationError),
    ):
        menu.code_send(phone=PHONE)


def test_an_offer_with_a_rate_outside_the_legal_range_is_refused(world: World) -> None:
    account = make_staff("bank2")
    menu.provider_create(county=world.county, name="某小贷公司", kind="bank", account=account)
    client = login(account)
    data = {"category": "finance", "title": "快贷", "rate": "36", "answer_days": "3"}
    response = client.post(reverse("enterprise:provider"), {**data, "new_offer": "1"})
    assert response.status_code == 400
    assert "rate" in response.content.decode() or "利率" in response.content.decode()
    assert not Offer.objects.exists()
    data["rate"] = "0"
    assert (
        client.post(reverse("enterprise:provider"), {**data, "new_offer": "1"}).status_code == 400
    )
    data["rate"] = "11.5"
    assert (
        client.post(reverse("enterprise:provider"), {**data, "new_offer": "1"}).status_code == 302
    )
    assert Offer.objects.get().approved_at is None


def test_the_bank_answers_within_its_deadline_and_is_rated(
    world: World, bank: Offer, django_capture_on_commit_callbacks: Capture
) -> None:
    booking = menu.booking_create(enterprise=world.hengda, phone=PHONE, offer_id=bank.pk)
    provider = Provider.objects.get()
    page = login(provider.account).post(
        reverse("enterprise:provider"),
        {"booking": booking.pk, "answer": "已受理，客户经理明天上门"},
    )
    assert page.status_code == 302
    booking.refresh_from_db()
    assert (booking.state, booking.answered_on_time) == (BookingState.ANSWERED, True)
    client = https_client()
    _log_in(client, django_capture_on_commit_callbacks)
    client.post(reverse("enterprise:contact_rate", args=[booking.pk]), {"rating": "5"})
    booking.refresh_from_db()
    assert booking.rating == 5


def test_a_provider_that_lets_bookings_lapse_drops_in_the_ranking(
    world: World, bank: Offer, administrator: User
) -> None:
    other = make_staff("bank3")
    provider = menu.provider_create(
        county=world.county, name="云溪村镇银行", kind="bank", account=other
    )
    menu.provider_approve(actor=administrator, provider_id=provider.pk)
    offer = menu.offer_create(
        actor=other, category="finance", title="惠企贷", rate=Decimal("4"), answer_days=1
    )
    menu.offer_approve(actor=administrator, offer_id=offer.pk)
    start = datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=False):
        menu.booking_create(enterprise=world.hengda, phone=PHONE, offer_id=bank.pk)
    with time_machine.travel(start + timedelta(days=10), tick=False):
        ranked = offers_ranked(now=start + timedelta(days=10), county_ids=[world.county.pk])
    assert [o.title for o in ranked] == ["惠企贷", "小微成长贷"]


def test_only_county_staff_approve_and_only_approved_offers_are_booked(
    world: World, town_staff: User, django_capture_on_commit_callbacks: Capture
) -> None:
    account = make_staff("bank4")
    menu.provider_create(county=world.county, name="某银行", kind="bank", account=account)
    offer = menu.offer_create(
        actor=account, category="finance", title="贷", rate=Decimal("4"), answer_days=2
    )
    login(town_staff).post(reverse("enterprise:menu"), {"offer": offer.pk})
    offer.refresh_from_db()
    assert offer.approved_at is None
    client = https_client()
    _log_in(client, django_capture_on_commit_callbacks)
    assert client.post(reverse("enterprise:contact_book", args=[offer.pk])).status_code == 404


def test_a_stranger_without_a_provider_account_gets_404(outsider: User) -> None:
    assert login(outsider).get(reverse("enterprise:provider")).status_code == 404

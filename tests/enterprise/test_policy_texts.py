"""Policies pushed to the enterprise's contact by text (免申即享): once per policy and
enterprise, one text a phone a day, in daytime after the day's matching run, and on the
enterprise's page and the contact's own."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from sanfu.directory.models import User
from sanfu.enterprise.matching import policies_match, policies_match_sweep, policies_text_sweep
from sanfu.enterprise.models import (
    Benefit,
    ContactRole,
    EnterpriseContact,
    MatchState,
    PolicyMatch,
    PolicyText,
)
from sanfu.enterprise.services.contacts import policies_text
from sanfu.enterprise.services.policies import policy_match_review
from tests.conftest import https_client, login
from tests.enterprise import sms
from tests.enterprise.conftest import World

SHANGHAI = ZoneInfo("Asia/Shanghai")
MORNING = datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)
Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture(autouse=True)
def texts() -> Iterator[list[tuple[str, str]]]:
    sms.SENT.clear()
    with (
        override_settings(SANFU_SMS_BACKEND="tests.enterprise.sms.CapturingSms"),
        time_machine.travel(MORNING, tick=False),
    ):
        yield sms.SENT


def _sent_to(phone: str) -> list[str]:
    return [text for to, text in sms.SENT if to == phone]


def test_each_enterprise_is_texted_its_policies_once(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    policies_match()
    with django_capture_on_commit_callbacks(execute=True):
        run = policies_text()
    assert (run.texts, run.policies, run.waiting, run.no_contact) == (3, 4, 0, 0)
    (hengda,) = _sent_to("13812345678")
    assert "云溪恒达机械有限公司" in hengda
    assert "小微制造企业减税" in hengda
    assert "石门镇企业用工补贴" in hengda
    assert "/enterprise/my/login/" in hengda
    assert len(_sent_to("13812345679")) == 1
    assert len(_sent_to("13812345680")) == 1
    # The next day nothing new qualifies: nobody is texted again.
    with time_machine.travel(datetime(2026, 6, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        policies_match()
        with django_capture_on_commit_callbacks(execute=True):
            again = policies_text()
    assert again.texts == 0
    assert len(sms.SENT) == 3
    assert PolicyText.objects.count() == 4


def test_received_or_dismissed_or_out_of_period_policies_are_not_texted(
    world: World, handler: User, django_capture_on_commit_callbacks: Capture
) -> None:
    Benefit.objects.create(
        policy=world.sme, enterprise=world.hengda, given_on=date(2026, 3, 1), amount=Decimal(10)
    )
    policies_match()
    match = PolicyMatch.objects.get(policy=world.sme, enterprise=world.baiyan)
    policy_match_review(
        actor=handler, match_id=match.pk, decision=MatchState.DISMISSED, reason="已注销"
    )
    world.town_a_policy.ends_on = date(2026, 5, 31)
    world.town_a_policy.save(update_fields=["ends_on"])
    with django_capture_on_commit_callbacks(execute=True):
        run = policies_text()
    assert run.texts == 0
    assert sms.SENT == []


def test_a_phone_gets_one_text_a_day_and_a_run_is_capped(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    # 青禾's main contact is also 恒达's bookkeeper; 白岩 has nobody to tell.
    EnterpriseContact.objects.filter(enterprise=world.hengda).delete()
    EnterpriseContact.objects.create(
        enterprise=world.hengda, name="王会计", phone="13812345679", role=ContactRole.FINANCE
    )
    EnterpriseContact.objects.filter(enterprise=world.baiyan).delete()
    policies_match()
    with django_capture_on_commit_callbacks(execute=True):
        run = policies_text()
    assert (run.texts, run.waiting, run.no_contact) == (1, 1, 1)
    with time_machine.travel(datetime(2026, 6, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            capped = policies_text(limit=0)
        # Over the cap everything waits, the enterprise with nobody to tell too.
        assert (capped.texts, capped.waiting) == (0, 2)
        with django_capture_on_commit_callbacks(execute=True):
            later = policies_text()
    assert later.texts == 1
    assert len(_sent_to("13812345679")) == 2


def test_the_sweep_texts_in_daytime_once_after_the_days_run(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    night = datetime(2026, 6, 1, 0, 5, tzinfo=SHANGHAI)
    with time_machine.travel(night, tick=False):
        assert policies_text_sweep() == {"skipped": "outside texting hours"}
        policies_match_sweep()
    assert policies_text_sweep()["texts"] == 3
    assert policies_text_sweep() == {"skipped": "texted or not matched today"}
    with time_machine.travel(datetime(2026, 6, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        # No matching run today yet: nothing is texted on yesterday's list.
        assert policies_text_sweep() == {"skipped": "texted or not matched today"}


def test_the_command_texts_and_prints_what_it_did(world: World) -> None:
    policies_match()
    out = StringIO()
    call_command("enterprise", "text-policies", stdout=out)
    assert json.loads(out.getvalue())["texts"] == 3


def test_the_texts_are_on_the_enterprise_page_for_its_town_only(
    world: World, town_staff: User, outsider: User, django_capture_on_commit_callbacks: Capture
) -> None:
    policies_match()
    with django_capture_on_commit_callbacks(execute=True):
        policies_text()
    page = reverse("enterprise:enterprise", args=[world.hengda.pk])
    html = login(town_staff).get(page).content.decode()
    assert "2026-06-01 10:00" in html
    assert "SME-1 小微制造企业减税" in html
    assert login(outsider).get(page).status_code == 404


def test_the_contact_sees_what_was_texted_on_its_own_page(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    policies_match()
    with django_capture_on_commit_callbacks(execute=True):
        policies_text()
    client = https_client()
    page = reverse("enterprise:contact_login")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page, {"phone": "13812345679", "send": "1"})
    code = sms.last_code("13812345679")
    client.post(page, {"phone": "13812345679", "code": code, "verify": "1"})
    home = client.get(reverse("enterprise:contact_home")).content.decode()
    texted = home.split('data-testid="my-texts"')[1].split("</section>")[0]
    assert "2026-06-01 10:00 · 石门镇企业用工补贴" in texted
    assert "小微制造企业减税" not in texted

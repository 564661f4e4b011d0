"""An SMS code after the password: required for administrators and leaders where the county says
so, chosen by anyone else with a phone; the admin's own log-in page cannot skip it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client, TestCase
from django.utils import timezone

from sanfu.directory.models import User
from tests.conftest import PASSWORD, https_client, login
from tests.notify.conftest import sms
from tests.notify.test_codes import sent_code

pytestmark = pytest.mark.django_db
__all__ = ["sms"]  # the fixture, used by name

PHONE = "13912340000"


def _password_step(client: Client, user: User, next_url: str = "") -> Any:
    form = {"username": user.username, "password": PASSWORD}
    if next_url:
        form["next"] = next_url
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post("/accounts/login/", form)


def _logged_in(client: Client) -> bool:
    return client.get("/workbench/").status_code == 200


def _code_step(user: User, sms: list[tuple[str, str]]) -> tuple[Client, str]:
    """A browser past the password step of `user` (given a phone), and the code texted."""
    user.phone = PHONE
    user.save()
    client = https_client()
    _password_step(client, user)
    return client, sent_code(sms, PHONE)


@pytest.fixture
def required(settings: object) -> None:
    settings.SANFU_SECOND_FACTOR_REQUIRED = True  # type: ignore[attr-defined]


def test_an_administrator_logs_in_only_with_the_texted_code(
    administrator: User, required: None, sms: list[tuple[str, str]]
) -> None:
    administrator.phone = PHONE
    administrator.save()
    client = https_client()
    response = _password_step(client, administrator, next_url="/workbench/tokens/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/second-factor/"
    assert not _logged_in(client)  # the password alone logs nobody in
    page = client.get("/accounts/second-factor/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "139****0000" in page.content.decode()
    wrong = client.post("/accounts/second-factor/", {"code": "000000"})
    assert wrong.status_code == 400
    assert not _logged_in(client)
    right = client.post("/accounts/second-factor/", {"code": sent_code(sms, PHONE)})
    assert right.status_code == 302
    assert right["Location"] == "/workbench/tokens/"
    assert _logged_in(client)


def test_a_guesser_with_the_password_gets_five_tries_then_not_even_the_right_code_works(
    administrator: User, required: None, sms: list[tuple[str, str]]
) -> None:
    client, code = _code_step(administrator, sms)
    guesses = [f"{(int(code) + n) % 1_000_000:06d}" for n in range(1, 6)]
    for guess in guesses:
        client.post("/accounts/second-factor/", {"code": guess})
    client.post("/accounts/second-factor/", {"code": code})
    assert not _logged_in(client)


def test_the_code_step_expires_and_another_browser_has_none(
    administrator: User, required: None, sms: list[tuple[str, str]]
) -> None:
    client, code = _code_step(administrator, sms)
    outsider = https_client()  # never gave the password: no code step to answer
    refused = outsider.post("/accounts/second-factor/", {"code": code})
    assert refused.status_code == 302
    assert refused["Location"] == "/accounts/login/"
    assert not _logged_in(outsider)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        late = client.post("/accounts/second-factor/", {"code": code})
        assert late.status_code == 302
        assert late["Location"] == "/accounts/login/"
        assert not _logged_in(client)


def test_a_required_account_without_a_phone_is_told_why(
    administrator: User, required: None
) -> None:
    client = https_client()
    response = _password_step(client, administrator)
    assert response.status_code == 200
    assert (
        "手机号"
        in client.post(
            "/accounts/login/",
            {"username": administrator.username, "password": PASSWORD},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        ).content.decode()
    )
    assert not _logged_in(client)


def test_other_staff_and_counties_that_do_not_require_it_use_the_password(
    administrator: User, town_staff: User
) -> None:
    for user in (administrator, town_staff):
        client = https_client()
        assert _password_step(client, user)["Location"] == "/workbench/"
        assert _logged_in(client)


def test_the_admin_log_in_page_goes_through_the_staff_log_in(administrator: User) -> None:
    response = https_client().get("/admin/login/?next=/admin/directory/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/admin/directory/")


def test_staff_turn_it_on_by_proving_the_phone_and_off_again(
    town_staff: User, sms: list[tuple[str, str]]
) -> None:
    town_staff.phone = PHONE
    town_staff.save()
    client = login(town_staff)
    with TestCase.captureOnCommitCallbacks(execute=True):
        started = client.post("/workbench/second-factor/", {"action": "start"})
    assert started.status_code == 200
    wrong = client.post("/workbench/second-factor/", {"action": "confirm", "code": "12345x"})
    assert wrong.status_code == 400
    town_staff.refresh_from_db()
    assert not town_staff.second_factor
    code = sent_code(sms, PHONE)
    client.post("/workbench/second-factor/", {"action": "confirm", "code": code})
    town_staff.refresh_from_db()
    assert town_staff.second_factor
    fresh = https_client()
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):  # one code a minute
        step = _password_step(fresh, town_staff)
    assert step["Location"] == "/accounts/second-factor/"
    client.post("/workbench/second-factor/", {"action": "off"})
    town_staff.refresh_from_db()
    assert not town_staff.second_factor


def test_a_required_account_cannot_turn_it_off(administrator: User, required: None) -> None:
    administrator.phone = PHONE
    administrator.second_factor = True
    administrator.save()
    client = login(administrator)  # a test session; the rule is about the switch
    client.post("/workbench/second-factor/", {"action": "off"})
    administrator.refresh_from_db()
    assert administrator.second_factor
    page = client.get("/workbench/second-factor/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "关闭" not in page.content.decode()

"""Password guessing is throttled by account and by address; an administrator unlocks."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test import Client
from django.utils import timezone

from sanfu.directory import logins
from sanfu.directory.models import LoginThrottle, User
from tests.cases.test_concurrency import at_once
from tests.conftest import PASSWORD, Tree, https_client, login, make_staff

THROTTLED = "登录失败次数过多"


def _try(client: Client, username: str, password: str, address: str = "10.0.0.1") -> str:
    response = client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    return "in" if response.status_code == 302 else response.content.decode()


@pytest.mark.django_db
def test_the_sixth_try_is_refused_even_with_the_right_password(town_staff: User) -> None:
    client = https_client()
    for _ in range(logins.LOGIN_ACCOUNT_TRIES - 1):
        assert THROTTLED not in _try(client, "town-a", "wrong")
    assert THROTTLED in _try(client, "town-a", "wrong")
    page = _try(client, "town-a", PASSWORD)
    assert THROTTLED in page
    assert "15 分钟" in page
    assert client.get("/workbench/").status_code == 302  # not logged in


@pytest.mark.django_db
def test_the_account_opens_again_when_its_window_ends(town_staff: User) -> None:
    client = https_client()
    for _ in range(logins.LOGIN_ACCOUNT_TRIES):
        _try(client, "town-a", "wrong")
    with time_machine.travel(timezone.now() + logins.LOGIN_WINDOW + timedelta(seconds=1)):
        assert _try(client, "town-a", PASSWORD) == "in"


@pytest.mark.django_db
def test_a_success_gives_the_account_its_tries_back(town_staff: User) -> None:
    client = https_client()
    for _ in range(logins.LOGIN_ACCOUNT_TRIES - 1):
        _try(client, "town-a", "wrong")
    assert _try(client, "town-a", PASSWORD) == "in"
    assert not LoginThrottle.objects.filter(kind="account").exists()


@pytest.mark.django_db
def test_an_address_guessing_many_accounts_is_throttled_there_only(
    tree: Tree, town_staff: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logins, "LOGIN_ADDRESS_FAILURES", 3)
    client = https_client()
    for name in ("a1", "a2", "a3"):
        _try(client, name, "wrong", address="10.9.9.9")
    assert THROTTLED in _try(client, "town-a", PASSWORD, address="10.9.9.9")
    assert _try(https_client(), "town-a", PASSWORD, address="10.1.1.1") == "in"


@pytest.mark.django_db
def test_an_administrator_unlocks_a_locked_account(town_staff: User, administrator: User) -> None:
    guesser = https_client()
    for _ in range(logins.LOGIN_ACCOUNT_TRIES):
        _try(guesser, "town-a", "wrong")
    throttle = LoginThrottle.objects.get(kind="account", key="town-a")
    admin = login(administrator)
    listing = admin.get("/admin/directory/loginthrottle/")
    assert listing.status_code == 200
    assert "town-a" in listing.content.decode()
    response = admin.post(
        "/admin/directory/loginthrottle/",
        {"action": "unlock", "_selected_action": [str(throttle.pk)]},
    )
    assert response.status_code == 302
    assert _try(https_client(), "town-a", PASSWORD) == "in"


@pytest.mark.django_db
def test_staff_cannot_see_the_throttles(town_staff: User) -> None:
    assert login(town_staff).get("/admin/directory/loginthrottle/").status_code == 302


@pytest.mark.django_db
def test_the_admin_login_is_throttled_too(administrator: User) -> None:
    client = https_client()
    door = client.get("/admin/login/")["Location"]  # the admin logs in through the staff log-in
    for _ in range(logins.LOGIN_ACCOUNT_TRIES):
        client.post(door, {"username": "admin", "password": "wrong"})
    page = client.post(
        door,
        {"username": "admin", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert page.status_code == 200
    assert THROTTLED in page.content.decode()


@pytest.mark.django_db
def test_failed_and_refused_logins_are_logged(
    town_staff: User, caplog: pytest.LogCaptureFixture
) -> None:
    client = https_client()
    with caplog.at_level(logging.WARNING, logger="sanfu.security"):
        for _ in range(logins.LOGIN_ACCOUNT_TRIES + 1):
            _try(client, "town-a", "wrong")
    failed = [r for r in caplog.records if "login failed" in r.getMessage()]
    refused = [r for r in caplog.records if "throttled" in r.getMessage()]
    assert len(failed) == logins.LOGIN_ACCOUNT_TRIES + 1  # Django reports refusals as failures
    assert "10.0.0.1" in failed[0].getMessage()
    assert len(refused) == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database cannot be shared by threads",
)
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_guessers_get_no_more_tries_than_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_staff("target")
    make_staff("bystander")
    checked: list[str] = []
    original = ModelBackend.authenticate

    def counted(self: ModelBackend, request: object, **kwargs: object) -> object:
        checked.append(str(kwargs.get("username")))
        return original(self, request, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ModelBackend, "authenticate", counted)

    def guess() -> int:
        return sum(
            authenticate(None, username="target", password=f"guess-{n}") is not None
            for n in range(10)
        )

    assert at_once([guess for _ in range(20)]) == [0] * 20
    assert checked.count("target") == logins.LOGIN_ACCOUNT_TRIES
    assert authenticate(None, username="target", password=PASSWORD) is None
    assert authenticate(None, username="bystander", password=PASSWORD) is not None

"""The Server-Timing header: the application's and the database's time, only when switched on."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import https_client

pytestmark = pytest.mark.django_db


def test_it_says_the_server_time_and_the_queries_when_switched_on(settings: Any) -> None:
    settings.SANFU_SERVER_TIMING = True
    response = https_client().get("/healthz")
    header = response["Server-Timing"]
    assert re.fullmatch(r'app;dur=[\d.]+, db;desc="[1-9]\d* queries";dur=[\d.]+', header)


def test_it_says_nothing_when_off(settings: Any) -> None:
    settings.SANFU_SERVER_TIMING = False
    assert "Server-Timing" not in https_client().get("/healthz")

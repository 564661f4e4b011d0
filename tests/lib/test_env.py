"""Reading working hours from the environment: a clear value, or one line naming the variable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured

from sanfu.lib.env import env_daily_span

NAME = "SANFU_WORKING_HOURS"


def test_the_default_applies_when_the_variable_is_unset_or_blank(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(NAME, raising=False)
    assert env_daily_span(NAME, "08:30-17:30") == (
        timedelta(hours=8, minutes=30),
        timedelta(hours=17, minutes=30),
    )
    monkeypatch.setenv(NAME, "  ")
    assert env_daily_span(NAME, "09:00-17:00")[0] == timedelta(hours=9)


def test_a_day_may_run_to_midnight(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, " 00:00 - 24:00 ")
    assert env_daily_span(NAME, "08:30-17:30") == (timedelta(0), timedelta(hours=24))


@pytest.mark.parametrize(
    "value",
    [
        "8:30",
        "08:30-17:30-18:00",
        "0830-1730",
        "08:3-17:30",
        "08:30-5pm",
        "17:30-08:30",
        "08:30-08:30",
    ],
)
def test_a_malformed_span_names_the_variable(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(NAME, value)
    with pytest.raises(ImproperlyConfigured, match=f"^{NAME}: "):
        env_daily_span(NAME, "08:30-17:30")


@pytest.mark.parametrize("value", ["08:60-17:30", "08:30-24:30", "25:00-26:00"])
def test_a_time_outside_the_day_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(NAME, value)
    with pytest.raises(ImproperlyConfigured, match=f"^{NAME}: .* is not a time of day"):
        env_daily_span(NAME, "08:30-17:30")

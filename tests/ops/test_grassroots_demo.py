"""`sanfu seed grassroots` on the demo county (slow: the demo county and a year of meetings take
a few minutes)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_the_demo_holds_a_year_of_meetings_and_a_reduced_ledger(client: Client) -> None:
    call_command("seed", "demo", "--password", "demo-pass-1", stdout=io.StringIO())
    call_command("catalogue", "load", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed", "grassroots", stdout=out, stderr=io.StringIO())
    summary = json.loads(out.getvalue())
    assert summary["meetings"] == 102
    assert 800 <= summary["problems"] <= 1100
    assert summary["solved_on_the_spot"] + summary["cases"] == summary["problems"]
    # The meetings were recorded under their own dates, but their cases' background work was
    # queued now: the health check does not take it for a queue stalled for months.
    health = client.get("/healthz")
    assert health.status_code == 200, health.json()
    queue = health.json()["checks"]["queue"]
    assert queue["pending"] > 0
    assert queue["oldest_pending_seconds"] < 60
    again = io.StringIO()
    call_command("seed", "grassroots", stdout=again, stderr=io.StringIO())
    assert json.loads(again.getvalue())["created"] is False

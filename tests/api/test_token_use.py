"""A token's last use is recorded now and then, not on every request."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from sanfu.api.keys import staff_token_create
from sanfu.api.models import StaffToken
from tests.api.conftest import StaffClient
from tests.cases.conftest import People
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def test_the_first_use_is_recorded_and_the_next_ones_only_minutes_later(
    tree: Tree, people: People
) -> None:
    row, token = staff_token_create(user=people.dispatcher, name="phone")
    client = StaffClient(token)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.get("/api/queues").status_code == 200
        first = StaffToken.objects.get(pk=row.pk).last_used_at
        assert first == start
    with time_machine.travel(start + timedelta(minutes=4), tick=False):
        assert client.get("/api/queues").status_code == 200
        assert StaffToken.objects.get(pk=row.pk).last_used_at == first
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        assert client.get("/api/queues").status_code == 200
        assert StaffToken.objects.get(pk=row.pk).last_used_at == start + timedelta(minutes=6)


def test_a_token_stops_at_its_expiry(tree: Tree, people: People) -> None:
    start = timezone.now()
    _row, token = staff_token_create(
        user=people.dispatcher, name="short", expires_at=start + timedelta(minutes=1)
    )
    client = StaffClient(token)
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        assert client.get("/api/queues").status_code == 200
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert client.get("/api/queues").status_code == 401

"""Public POSTs: retries with an Idempotency-Key create nothing new; floods get a 429."""

from __future__ import annotations

import io
import json
import time
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from sanfu.api.conf import Rate
from sanfu.api.keys import api_client_create
from sanfu.api.models import IdempotencyRecord, RateCounter
from sanfu.api.ratelimit import rate_limit_hit
from sanfu.cases.models import Case
from tests.api import open311_client as o311
from tests.api import open311_schemas as schemas
from tests.api.conftest import open311_form
from tests.cases.conftest import Catalogue
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def _post(public: Client, form: dict[str, Any], key: str | None = None, **environ: str) -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return o311.post(public, "json", form, headers=headers, **environ)


def test_a_retry_with_the_same_key_returns_the_first_answer(
    tree: Tree, catalogue: Catalogue, app_key: str, public: Client
) -> None:
    form = open311_form(tree, catalogue, app_key)
    first = _post(public, form, "retry-1")
    again = _post(public, form, "retry-1")
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1
    assert _post(public, form).status_code == 201  # no key: a new case
    assert Case.objects.count() == 2


def test_a_key_reused_for_another_request_is_refused(
    tree: Tree, catalogue: Catalogue, app_key: str, public: Client
) -> None:
    _post(public, open311_form(tree, catalogue, app_key), "k")
    other = _post(public, open311_form(tree, catalogue, app_key, description="另一件事"), "k")
    assert other.status_code == 400
    o311.validate(schemas.ERRORS, other.json())
    assert Case.objects.count() == 1


def test_keys_belong_to_one_client(
    tree: Tree, catalogue: Catalogue, app_key: str, public: Client
) -> None:
    _client, other_key = api_client_create(name="网格通")
    assert _post(public, open311_form(tree, catalogue, app_key), "same").status_code == 201
    assert _post(public, open311_form(tree, catalogue, other_key), "same").status_code == 201
    assert Case.objects.count() == 2


def test_a_refusal_is_replayed_too_and_creates_nothing(
    tree: Tree, catalogue: Catalogue, app_key: str, public: Client
) -> None:
    form = open311_form(tree, catalogue, app_key, phone="call me")
    first = _post(public, form, "bad-phone")
    again = _post(public, form, "bad-phone")
    assert first.status_code == again.status_code == 400
    assert first.content == again.content
    assert not Case.objects.exists()


def test_a_retry_while_the_first_still_runs_is_told_to_wait(
    tree: Tree, catalogue: Catalogue, app_key: str, app_client: object, public: Client
) -> None:
    form = open311_form(tree, catalogue, app_key)
    first = _post(public, form, "slow")
    record = IdempotencyRecord.objects.get(key="slow")
    # As if the first request were still running: claimed, no answer yet.
    IdempotencyRecord.objects.filter(pk=record.pk).update(status=0, body=b"")
    waiting = _post(public, form, "slow")
    assert waiting.status_code == 409
    assert waiting["Retry-After"] == "1"
    # A claim left by a crashed process is taken over after a while.
    stale = timezone.now() - timedelta(minutes=5)
    IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=stale)
    assert _post(public, form, "slow").status_code == 201
    assert Case.objects.count() == 2
    assert first.status_code == 201


def test_an_unusable_key_is_refused(
    tree: Tree, catalogue: Catalogue, app_key: str, public: Client
) -> None:
    response = _post(public, open311_form(tree, catalogue, app_key), "x" * 256)
    assert response.status_code == 400
    assert not Case.objects.exists()


@override_settings(SANFU_API_RATE_PER_KEY="2/60", SANFU_API_RATE_PER_ADDRESS="100/60")
def test_a_key_over_its_rate_gets_429_with_retry_after(
    tree: Tree, catalogue: Catalogue, app_key: str, public: Client
) -> None:
    form = open311_form(tree, catalogue, app_key)
    assert [_post(public, form).status_code for _ in range(2)] == [201, 201]
    for fmt in ("json", "xml"):
        refused = o311.post(public, fmt, form)
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) >= 1
        o311._check_single(refused, fmt, schemas.ERRORS, "errors")
    assert Case.objects.count() == 2
    _client, other_key = api_client_create(name="网格通")
    assert _post(public, open311_form(tree, catalogue, other_key)).status_code == 201


@override_settings(SANFU_API_RATE_PER_KEY="100/60", SANFU_API_RATE_PER_ADDRESS="1/60")
def test_an_address_over_its_rate_gets_429(
    tree: Tree, catalogue: Catalogue, app_key: str, public: Client
) -> None:
    form = open311_form(tree, catalogue, app_key)
    assert _post(public, form).status_code == 201
    assert _post(public, form).status_code == 429
    elsewhere = _post(public, form, REMOTE_ADDR="10.0.0.8")
    assert elsewhere.status_code == 201


@override_settings(SANFU_API_RATE_PER_KEY="1/60")
def test_replays_do_not_count_against_the_rate(
    tree: Tree, catalogue: Catalogue, app_key: str, public: Client
) -> None:
    form = open311_form(tree, catalogue, app_key)
    assert _post(public, form, "once").status_code == 201
    assert _post(public, form, "once").status_code == 201
    assert _post(public, form, "twice").status_code == 429
    # The refused request left no claim behind: once the window passes it may run.
    assert not IdempotencyRecord.objects.filter(key="twice").exists()


@override_settings(
    SANFU_API_RATE_PER_ADDRESS="1/60", SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")
)
def test_behind_a_trusted_proxy_the_forwarded_address_counts(
    tree: Tree, catalogue: Catalogue, app_key: str, public: Client
) -> None:
    form = open311_form(tree, catalogue, app_key)
    assert _post(public, form, HTTP_X_FORWARDED_FOR="spoofed, 10.0.0.1").status_code == 201
    assert _post(public, form, HTTP_X_FORWARDED_FOR="10.0.0.2").status_code == 201
    assert _post(public, form, HTTP_X_FORWARDED_FOR="10.0.0.1").status_code == 429


def test_the_window_slides(db: None) -> None:
    rate = Rate(count=4, seconds=60)
    start = 6_000_000.0  # the start of a window
    assert [rate_limit_hit(bucket="b", rate=rate, now=start + i) for i in range(4)] == [None] * 4
    wait = rate_limit_hit(bucket="b", rate=rate, now=start + 10)
    assert wait is not None
    assert wait >= 1
    # Early in the next window most of the last one still counts…
    assert rate_limit_hit(bucket="b", rate=rate, now=start + 65) is not None
    # …later, little of it does.
    assert rate_limit_hit(bucket="b", rate=rate, now=start + 115) is None


def test_a_rate_of_zero_is_no_limit(db: None) -> None:
    rate = Rate(count=0, seconds=60)
    assert all(rate_limit_hit(bucket="z", rate=rate) is None for _ in range(50))


@override_settings(SANFU_API_RATE_PER_KEY="100/60", SANFU_API_RATE_PER_ADDRESS="100/60")
def test_the_sweep_removes_windows_no_count_reads_and_answers_past_their_time(
    tree: Tree, catalogue: Catalogue, app_key: str, public: Client
) -> None:
    form = open311_form(tree, catalogue, app_key)
    assert _post(public, form, "kept").status_code == 201
    assert _post(public, form, "old").status_code == 201
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now() - timedelta(days=30)
    )
    window = int(time.time() // 60)
    RateCounter.objects.bulk_create(
        [
            RateCounter(bucket="o311:ip:10.0.0.9", window=window - 5, count=3),
            RateCounter(bucket="o311:ip:10.0.0.9", window=window - 1, count=3),
            RateCounter(bucket="elsewhere", window=window - 5, count=3),
        ]
    )
    out = io.StringIO()
    call_command("sweep", "--once", stdout=out)
    figures = json.loads(out.getvalue())["api"]
    assert figures == {"rate_counters_removed": 1, "idempotency_records_removed": 1}
    # The window before the current one still counts; another limiter's buckets are its own.
    assert set(RateCounter.objects.values_list("bucket", "window")) >= {
        ("o311:ip:10.0.0.9", window - 1),
        ("elsewhere", window - 5),
    }
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["kept"]

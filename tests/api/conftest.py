"""Clients of both interfaces: an Open311 application with its key, staff with their tokens."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sanfu.api.keys import api_client_create, staff_token_create
from sanfu.api.models import ApiClient
from sanfu.api.open311.services import forget_snapshot
from sanfu.directory.models import User
from tests.cases.conftest import Catalogue, People, catalogue, people  # noqa: F401
from tests.conftest import HttpsClient, Tree


@pytest.fixture(autouse=True)
def fresh_catalogue() -> None:
    """Each test's catalogue is new; no server process would keep one across databases."""
    forget_snapshot()


@pytest.fixture
def app_key(tree: Tree) -> str:
    """The key of an Open311 client application."""
    _client, key = api_client_create(name="云溪通 app")
    return key


@pytest.fixture
def app_client(app_key: str) -> ApiClient:
    return ApiClient.objects.get(name="云溪通 app")


@pytest.fixture
def public() -> Client:
    return HttpsClient()


class StaffClient(HttpsClient):
    """An HTTPS client that sends a staff member's bearer token with every request."""

    def __init__(self, token: str, **defaults: Any) -> None:
        super().__init__(HTTP_AUTHORIZATION=f"Bearer {token}", **defaults)
        self.token = token


def staff(user: User) -> StaffClient:
    _row, token = staff_token_create(user=user, name="tests")
    return StaffClient(token)


def open311_form(tree: Tree, cat: Catalogue, key: str, **overrides: Any) -> dict[str, Any]:
    """A valid POST requests form for the roads service at grid A."""
    form: dict[str, Any] = {
        "api_key": key,
        "jurisdiction_id": tree.county.code,
        "service_code": cat.roads.code,
        "address_id": tree.grid_a.code,
        "description": "上坪村村口的路面塌了一个大坑，电动车晚上经过很危险。",
        "first_name": "建国",
        "last_name": "王",
        "phone": "13812345678",
        "email": "wang@example.cn",
        "device_id": "device-1",
        "account_id": "acct-9",
    }
    form.update(overrides)
    return {name: value for name, value in form.items() if value is not None}

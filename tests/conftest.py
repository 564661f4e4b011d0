"""Fixed personas over a small tree, built through the services like real data.

    云溪县 (county)
    ├── 石门镇 (town A) ── 上坪村 (village A) ── 上坪村第一网格 (grid A)
    ├── 白岩镇 (town B) ── 下湾村 (village B)
    └── 县住房和城乡建设局 (department)

The outsider is staff of town B, a sibling of town A: they must see nothing of town A.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from sanfu.directory import services
from sanfu.directory.models import StaffRole, Unit, UnitKind, User

# Playwright's sync API runs an event loop in the test thread; the tests touch the database
# from that same thread, which is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery-staple"

# The machine that runs the suite is shared and noisy: how long Hypothesis takes to draw an
# example says nothing about the code, so neither its time limits nor its speed check apply.
hypothesis_settings.register_profile(
    "sanfu", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("sanfu")


@pytest.fixture(autouse=True, scope="session")
def _clock_from_environment() -> Iterator[None]:
    """`SANFU_TEST_NOW=2027-12-04T10:00+08:00 pytest` runs the suite as if on that day (the clock
    ticks on from there): the suite must pass a year from now, and this is how it is checked.
    Tests that depend on a date pin their own clock with time_machine inside this one."""
    value = os.environ.get("SANFU_TEST_NOW", "")
    if not value:
        yield
        return
    with time_machine.travel(datetime.fromisoformat(value), tick=True):
        yield


@dataclass
class Tree:
    county: Unit
    town_a: Unit
    village_a: Unit
    grid_a: Unit
    town_b: Unit
    village_b: Unit
    department: Unit


@pytest.fixture
def tree(db: None) -> Tree:
    county = services.unit_create(kind=UnitKind.COUNTY, name="云溪县", code="YX", parent=None)
    town_a = services.unit_create(kind=UnitKind.TOWN, name="石门镇", code="YX01", parent=county)
    village_a = services.unit_create(
        kind=UnitKind.VILLAGE, name="上坪村", code="YX01001", parent=town_a
    )
    grid_a = services.unit_create(
        kind=UnitKind.GRID, name="上坪村第一网格", code="YX0100101", parent=village_a
    )
    town_b = services.unit_create(kind=UnitKind.TOWN, name="白岩镇", code="YX02", parent=county)
    village_b = services.unit_create(
        kind=UnitKind.VILLAGE, name="下湾村", code="YX02001", parent=town_b
    )
    department = services.unit_create(
        kind=UnitKind.DEPARTMENT, name="县住房和城乡建设局", code="YXD12", parent=county
    )
    return Tree(county, town_a, village_a, grid_a, town_b, village_b, department)


def make_staff(username: str, unit: Unit | None = None, role: str | None = None) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, full_name=username)
    if unit is not None and role is not None:
        services.membership_grant(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def administrator(tree: Tree) -> User:
    return make_staff("admin", tree.county, StaffRole.ADMINISTRATOR)


@pytest.fixture
def town_staff(tree: Tree) -> User:
    return make_staff("town-a", tree.town_a, StaffRole.TOWN_STAFF)


@pytest.fixture
def grid_worker(tree: Tree) -> User:
    return make_staff("grid-a", tree.grid_a, StaffRole.GRID_WORKER)


@pytest.fixture
def outsider(tree: Tree) -> User:
    return make_staff("town-b", tree.town_b, StaffRole.TOWN_STAFF)


@pytest.fixture
def handler(tree: Tree) -> User:
    return make_staff("housing", tree.department, StaffRole.DEPARTMENT_HANDLER)


class HttpsClient(Client):
    """The tests run the production settings, which redirect plain http to https."""

    def _base_environ(self, **request: Any) -> dict[str, Any]:
        environ: dict[str, Any] = super()._base_environ(**request)  # type: ignore[misc]
        environ.update({"wsgi.url_scheme": "https", "SERVER_PORT": "443"})
        return environ


def https_client() -> Client:
    return HttpsClient()


def login(user: User) -> Client:
    client = https_client()
    client.force_login(user)
    return client

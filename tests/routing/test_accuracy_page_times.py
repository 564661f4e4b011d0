"""The accuracy page shows when the model was trained in the county's time, not the file's UTC."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanfu.directory.models import StaffRole
from sanfu.routing.model import Router
from sanfu.routing.suggest import forget_router
from tests.cases.conftest import Catalogue
from tests.conftest import Tree, login, make_staff

pytestmark = pytest.mark.django_db


def test_the_training_time_is_shown_in_local_time(
    tree: Tree, catalogue: Catalogue, data_dir: Path, router: Router
):
    router.info["trained_at"] = "2026-12-04T14:41:41Z"
    router.save()
    forget_router()
    try:
        administrator = make_staff("admin", tree.county, StaffRole.ADMINISTRATOR)
        html = login(administrator).get("/workbench/routing/accuracy/").content.decode()
    finally:
        forget_router()
    assert "2026-12-04 22:41" in html  # Asia/Shanghai, eight hours ahead
    assert "14:41" not in html


def test_an_unreadable_training_time_shows_a_dash(
    tree: Tree, catalogue: Catalogue, data_dir: Path, router: Router
):
    router.info["trained_at"] = "last Tuesday"
    router.save()
    forget_router()
    try:
        administrator = make_staff("admin", tree.county, StaffRole.ADMINISTRATOR)
        html = login(administrator).get("/workbench/routing/accuracy/").content.decode()
    finally:
        forget_router()
    assert "last Tuesday" not in html

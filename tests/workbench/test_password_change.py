"""Staff change their own password from the workbench."""

from __future__ import annotations

import pytest

from sanfu.directory.models import User
from tests.conftest import PASSWORD, Tree, https_client, login

pytestmark = pytest.mark.django_db


def test_staff_change_their_own_password_and_stay_logged_in(town_staff: User) -> None:
    client = login(town_staff)
    page = client.get("/workbench/password/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    assert 'data-testid="password-change"' in page.content.decode()
    new = "larch-quiet-orbit-1957"
    response = client.post(
        "/workbench/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert client.get("/workbench/").status_code == 200  # the session survived the change
    town_staff.refresh_from_db()
    assert town_staff.check_password(new)


def test_a_wrong_old_password_or_a_weak_new_one_is_refused(town_staff: User) -> None:
    client = login(town_staff)
    wrong = client.post(
        "/workbench/password/",
        {
            "old_password": "nope",
            "new_password1": "x-strong-1957-a",
            "new_password2": "x-strong-1957-a",
        },
    )
    weak = client.post(
        "/workbench/password/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert (wrong.status_code, weak.status_code) == (200, 200)
    town_staff.refresh_from_db()
    assert town_staff.check_password(PASSWORD)


def test_anonymous_visitors_are_sent_to_log_in(tree: Tree) -> None:
    response = https_client().get("/workbench/password/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

"""HEAD is answered wherever GET is: headers, no body."""

from __future__ import annotations

import pytest

from tests.conftest import Tree, https_client

pytestmark = pytest.mark.django_db


def test_head_of_the_home_page_is_200_without_a_body(tree: Tree) -> None:
    client = https_client()
    get, head = client.get("/"), client.head("/")
    assert (get.status_code, head.status_code) == (200, 200)
    assert head.content == b""
    assert head["Content-Length"] == str(len(get.content))
    assert "Content-Security-Policy" in head


def test_head_of_a_staff_page_still_asks_for_a_log_in(tree: Tree) -> None:
    response = https_client().head("/workbench/")
    assert response.status_code == 302


def test_head_of_a_post_only_page_is_still_refused(tree: Tree) -> None:
    assert https_client().head("/accounts/logout/").status_code == 405

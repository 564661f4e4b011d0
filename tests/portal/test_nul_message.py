"""A NUL character in a form is refused with words that say so (Django's own Chinese said
"an empty string is not allowed")."""

from __future__ import annotations

import pytest

from tests.cases.conftest import Catalogue
from tests.conftest import Tree, https_client

pytestmark = pytest.mark.django_db


def test_a_nul_character_is_named_in_the_refusal(tree: Tree, catalogue: Catalogue) -> None:
    response = https_client().post(
        "/submit/", {"title": "路灯\x00坏了", "text": "路灯坏了\x00很久了", "phone": "13812345678"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "不能包含空字符（NUL）。" in page
    assert "空字符串" not in page

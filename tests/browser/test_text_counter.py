"""The description's live counter in Chromium: nothing pasted is cut, over-long text is flagged."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import Tree

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_counter_follows_the_text_and_flags_what_is_over(
    page: Page, tree: Tree, shot: Callable[[Page, str], Path]
):
    page.goto("/submit/")
    text = page.locator("#id_text")
    counter = page.locator("#id_text + [data-testid=counter]")
    expect(counter).to_contain_text("0 / 20000")

    text.fill("路灯坏了两周\n晚上很黑")
    expect(counter).to_contain_text("11 / 20000")  # a line break counts as one, as on the server
    expect(counter).not_to_have_class("counter over")

    # 100 KB pasted: the browser keeps every character (no maxlength) and says what is over.
    text.fill("长" * 100_000)
    assert text.evaluate("field => field.value.length") == 100_000
    expect(counter).to_have_class("counter over")
    expect(counter).to_contain_text("80000")
    assert text.get_attribute("aria-invalid") == "true"
    counter.scroll_into_view_if_needed()
    shot(page, "over")

    text.fill("长" * 20_000)
    expect(counter).to_contain_text("20000 / 20000")
    expect(counter).not_to_have_class("counter over")

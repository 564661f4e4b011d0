"""The pages run under the Content-Security-Policy: htmx, ECharts, the hot-spot filter and
the API docs work, and an injected inline script is blocked (and reported, so the other
browser tests, which fail on any report, would see one)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM_ARGS, Opener
from tests.browser.helpers import log_in
from tests.browser.test_staff_pages import make_history
from tests.cases.conftest import Catalogue, People
from tests.conftest import Tree

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_injected_inline_script_is_blocked_and_reported(
    browser: Any, plain_http: None, live_server: Any, tree: Tree
) -> None:
    assert CHROMIUM_ARGS  # the session's Chromium, launched by the conftest
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text))
    response = page.goto("/")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "geolocation=()" in response.headers["permissions-policy"]
    with pytest.raises(Exception):  # noqa: B017,PT011 - Playwright's error for a blocked tag
        page.add_script_tag(content="window.injected = true;")
    assert page.evaluate("window.injected === undefined")
    assert any("Content Security Policy" in text for text in seen), seen
    context.close()


def test_staff_pages_work_under_the_policy(
    open_page: Opener, tree: Tree, catalogue: Catalogue, people: People
) -> None:
    make_history(tree, catalogue, people)
    page = open_page(desktop=True)
    log_in(page, people.supervisor, next_url="/workbench/dashboard/")
    chart = page.locator("#trend-chart canvas")
    expect(chart).to_have_count(1)  # ECharts drew
    chart.hover()  # its tooltip writes styled markup
    page.goto("/workbench/hotspots/")
    page.locator("#id_days").select_option(index=1)  # submits through static forms.js
    page.wait_for_url("**days=*")
    page.goto("/workbench/?queue=all")
    page.locator("details.filters-panel summary").click()
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        page.locator("form.filters select").first.select_option(index=1)  # htmx swaps the list
    expect(page.locator("#case-list")).to_be_visible()
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .info")).to_be_visible()

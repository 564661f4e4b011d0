"""Steps the browser tests share: logging in, and acting on a case through its page."""

from __future__ import annotations

import time

from playwright.sync_api import Page, expect

from sanfu.directory.models import User
from tests.conftest import PASSWORD


def log_in(page: Page, user: User, *, next_url: str = "/workbench/") -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"**{next_url}")


def open_action(page: Page, action: str) -> None:
    details = page.locator(f"details[data-action={action}]")
    if details.get_attribute("open") is None:
        details.locator("summary").click()


def submit_action(page: Page, action: str) -> None:
    # The publish form also has a preview button, which sends nothing.
    page.locator(f"details[data-action={action}] button[type=submit]:not([name=preview])").click()
    expect(page.locator(".messages")).to_be_visible()


def fits_the_phone(page: Page) -> bool:
    """Nothing wider than the screen (a table may scroll inside its own box)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def overflowing(page: Page) -> list[str]:
    """The elements that stick out of the screen, to say what is wrong when it does not fit."""
    found: list[str] = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 8)
            .map(e => `${e.tagName}.${e.className} ${e.getBoundingClientRect().right}`)"""
    )
    return found


def wait_until(page: Page, expression: str, *, timeout_ms: int = 15_000) -> None:
    """Poll a JavaScript expression (a promise is awaited) until it is truthy.

    Playwright's wait_for_function compiles its predicate with eval inside the page, which the
    pages' strict Content-Security-Policy refuses; page.evaluate goes through the debugging
    protocol, which the policy does not govern.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_ms} ms: {expression}")
        page.wait_for_timeout(50)

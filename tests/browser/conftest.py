"""A real Chromium (Debian's) driven by Playwright against pytest-django's live server."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

# The case loop's personas and catalogue, for the pages that show cases.
from tests.cases.conftest import catalogue, people

__all__ = ["catalogue", "people"]

CHROMIUM = "/usr/bin/chromium"
# Without these, Chromium tries to reach Google's services at start and on this closed network
# its connections are refused, many at a time.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 860}
ASSETS_FINDER = "sanfu.portal.assets.NodeModulesFinder"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # Playwright gives each launch a new, empty profile of its own.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def plain_http() -> Iterator[None]:
    """The live server speaks plain http on the loopback; production insists on https.

    Session-scoped and requested before the live server, because the security middleware
    reads these settings once, when the server builds its handler. The front-end assets'
    finder is added when the settings lack it, so the pages run with htmx and ECharts as
    they do once `npm ci` and the settings are in place.
    """
    finders = list(settings.STATICFILES_FINDERS)
    if ASSETS_FINDER not in finders:
        finders.append(ASSETS_FINDER)
    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        STATICFILES_FINDERS=finders,
    ):
        yield


# Every page reports what the Content-Security-Policy blocked, and the test fails on it.
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`
    + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""
_POLICY_WORDS = ("CSP violation", "Content Security Policy", "Permissions-Policy")


def _context(browser: Browser, base_url: str, viewport: dict[str, int]) -> BrowserContext:
    context = browser.new_context(base_url=base_url, locale="en-US", viewport=viewport)  # type: ignore[arg-type]
    context.set_default_timeout(15_000)
    context.add_init_script(_REPORT_VIOLATIONS)
    return context


def _watch(page: Page, violations: list[str]) -> None:
    def seen(message: Any) -> None:
        if any(word in message.text for word in _POLICY_WORDS):
            violations.append(message.text)

    page.on("console", seen)


@pytest.fixture
def page(browser: Browser, plain_http: None, live_server: Any) -> Iterator[Page]:
    context = _context(browser, live_server.url, PHONE)
    page = context.new_page()
    violations: list[str] = []
    _watch(page, violations)
    yield page
    context.close()
    assert violations == [], violations


Opener = Callable[..., Page]


@pytest.fixture
def open_page(browser: Browser, plain_http: None, live_server: Any) -> Iterator[Opener]:
    """A page in a browser of its own (one person each), on a phone or a desktop.

    Every page collects the script errors and the security-policy violations it meets; the
    test fails on any.
    """
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def open_one(*, desktop: bool = False) -> Page:
        context = _context(browser, live_server.url, DESKTOP if desktop else PHONE)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        _watch(page, errors)
        return page

    yield open_one
    for context in contexts:
        context.close()
    assert errors == [], errors


# Where the page-width test put its screenshots, said at the end of the run (output is captured).
SCREENSHOTS = pytest.StashKey[Path]()


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    folder = config.stash.get(SCREENSHOTS, None)
    if folder is not None:
        terminalreporter.write_line(f"screenshots of every page at 360 and 1366 px: {folder}")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go: $SANFU_TEST_ARTIFACTS, else var/artifacts."""
    folder = Path(os.environ.get("SANFU_TEST_ARTIFACTS", "var/artifacts")).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def shot(artifacts: Path, request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """Save a full-page screenshot named after the test and the step."""
    test = re.sub(r"\W+", "-", request.node.name).strip("-")

    def take(page: Page, step: str) -> Path:
        path = artifacts / f"{test}--{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take

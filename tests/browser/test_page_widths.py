"""Every staff and public page at a phone's width (360 px) and a laptop's (1366 px).

Each page is screenshotted whole into one folder ($SANFU_SCREENSHOTS, else var/screenshots) so a
person can look them over, and the test fails when a page is wider than a 360 px screen: a table
may scroll inside its own box, the page itself must not. One browser context per width and the
pages visited in a loop keep the run to a couple of minutes.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page

from sanfu.cases import services
from sanfu.directory import services as directory
from sanfu.directory.models import StaffRole, UnitKind, User
from tests.browser.conftest import SCREENSHOTS, _context, _watch
from tests.browser.test_staff_pages import make_history
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree, make_staff

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (360, 1366)

PUBLIC = [
    "/",
    "/submit/",
    "/track/",
    "/published/",
    "/services/",
    "/surveys/",
    "/report-a-cadre/",
    "/assistance/apply/",
]


@dataclass
class Visit:
    who: str
    url: str


def staff_pages(case_id: int) -> dict[str, list[str]]:
    """Each role's pages: what that person opens in a working day."""
    case = f"/workbench/cases/{case_id}/"
    return {
        "grid": [
            "/workbench/",
            case,
            "/workbench/intake/",
            "/workbench/password/",
            "/workbench/second-factor/",
        ],
        "cadre": ["/workbench/", case, "/workbench/supervision/"],
        "dispatcher": [
            "/workbench/",
            case,
            "/workbench/intake/",
            "/workbench/supervision/",
            "/workbench/hotspots/",
            "/workbench/tokens/",
        ],
        "supervisor": [
            "/workbench/dashboard/",
            "/workbench/dashboard/cases/?figure=received",
            "/workbench/league/",
            "/workbench/supervision/",
        ],
        "admin": [
            "/workbench/routing/accuracy/",
            "/assistance/findings/",
            "/assistance/programmes/",
            "/assistance/imports/",
            "/assistance/figures/",
            "/enterprise/",
            "/enterprise/policies/",
            "/enterprise/projects/",
            "/enterprise/resources/",
            "/enterprise/figures/",
            "/projects/",
            "/projects/figures/",
            "/grassroots/",
            "/grassroots/lists/",
            "/grassroots/figures/",
            "/grassroots/burden/",
            "/outreach/",
            "/outreach/compliance/",
            "/outreach/roster/",
            "/outreach/service-days/",
            "/frontdoor/",
            "/frontdoor/services/rates/",
            "/frontdoor/surveys/",
            "/directory/",
        ],
        "discipline": ["/frontdoor/reports/"],
    }


def screenshots() -> Path:
    folder = Path(os.environ.get("SANFU_SCREENSHOTS", "var/screenshots")).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def session_cookie(user: User, base_url: str) -> dict[str, Any]:
    """A logged-in session without walking the login form for every role."""
    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": base_url}


# The elements sticking out of the screen, leaving out those inside a box that scrolls.
_STICKING_OUT = """() => {
  const clipped = (e) => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible") return true;
    }
    return false;
  };
  return [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !clipped(e))
    .slice(0, 6)
    .map(e => `${e.tagName.toLowerCase()}.${e.className}#${e.id}`
      + ` ${Math.round(e.getBoundingClientRect().right)}`);
}"""


# On a laptop a table of figures has room for all its columns: none is left to scroll to.
_CLIPPED_TABLES = """() => [...document.querySelectorAll(".table-scroll")]
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => `${e.querySelector("table")?.dataset.testid} ${e.scrollWidth} > ${e.clientWidth}`)"""
LAPTOP = 1366
# A time as a machine writes it (2026-12-04T14:41:41Z): people read times in local time.
RAW_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def file_name(width: int, who: str, url: str) -> str:
    # Ids differ from run to run; the names stay the same, so a rerun overwrites its pictures.
    slug = re.sub(r"\W+", "-", re.sub(r"/\d+/", "/n/", url)).strip("-") or "home"
    return f"{width}--{who}--{slug}.png"


def visit_all(
    context: BrowserContext,
    width: int,
    base_url: str,
    users: dict[str, User],
    pages: dict[str, list[str]],
) -> tuple[list[str], list[str]]:
    """Visit every page; return what is wrong (too wide, raw times) and the errors met."""
    page: Page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _watch(page, errors)
    too_wide: list[str] = []
    folder = screenshots()
    visits = [Visit("public", url) for url in [*PUBLIC, *pages.get("public", [])]]
    visits += [Visit(who, url) for who, urls in pages.items() if who != "public" for url in urls]
    current = ""
    for visit in visits:
        if visit.who != current:
            context.clear_cookies()
            if visit.who in users:
                context.add_cookies([session_cookie(users[visit.who], base_url)])  # type: ignore[list-item]
            current = visit.who
        response = page.goto(visit.url)
        status = response.status if response is not None else 0
        assert status == 200, (visit, status)  # each page is seen as its user sees it
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(folder / file_name(width, visit.who, visit.url)), full_page=True)
        if raw := RAW_TIME.findall(page.inner_text("body")):
            too_wide.append(f"{visit.who} {visit.url}: raw times {raw[:3]}")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width + 1:
            too_wide.append(
                f"{visit.who} {visit.url} ({status}): {scroll} px {page.evaluate(_STICKING_OUT)}"
            )
        elif width >= LAPTOP and (clipped := page.evaluate(_CLIPPED_TABLES)):
            too_wide.append(f"{visit.who} {visit.url}: tables scroll on a laptop {clipped}")
    return too_wide, errors


def test_every_page_fits_a_phone_and_a_laptop(
    request: pytest.FixtureRequest,
    browser: Browser,
    plain_http: None,
    live_server: Any,
    tree: Tree,
    catalogue: Catalogue,
    people: People,
):
    make_history(tree, catalogue, people)
    # A department with one of the long names a real county has, in the rankings.
    long_name = directory.unit_create(
        kind=UnitKind.DEPARTMENT,
        name="县人力资源和社会保障局劳动保障监察大队",
        code="YXD13",
        parent=tree.county,
    )
    services.case_dispatch(
        actor=people.dispatcher, case_id=web_case(tree, catalogue).pk, lead_unit=long_name
    )
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    users = {
        "grid": people.grid_worker,
        "cadre": people.cadre,
        "dispatcher": people.dispatcher,
        "supervisor": people.supervisor,
        "admin": make_staff("admin", tree.county, StaffRole.ADMINISTRATOR),
        "discipline": make_staff("discipline", tree.county, StaffRole.DISCIPLINE),
    }
    pages = staff_pages(case.pk)
    # The resident's own page for the case, by the link in the receipt.
    pages["public"] = [f"/track/{case.number}/{case.tracking_token}/"]
    problems: list[str] = []
    for width in WIDTHS:
        context = _context(browser, live_server.url, {"width": width, "height": 800})
        try:
            too_wide, errors = visit_all(context, width, live_server.url, users, pages)
        finally:
            context.close()
        problems += [f"{width}: {line}" for line in too_wide + errors]
    request.config.stash[SCREENSHOTS] = screenshots()
    assert problems == [], "\n".join(problems)

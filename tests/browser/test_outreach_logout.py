"""Logging out of a shared phone forgets what the outreach pages kept on it for work without a
connection — the queue of unsent visits (IndexedDB), the kept pages (Cache Storage), the
service worker — and warns first when visits are still unsent (issue 14)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Dialog, Page

from sanfu.outreach.checklists import checklists_ship
from sanfu.outreach.models import LinkRole, Period
from sanfu.outreach.services import NewLink, link_create
from tests.browser.conftest import Opener
from tests.browser.helpers import log_in, wait_until
from tests.cases.conftest import People
from tests.conftest import Tree, login

pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

# What a visit recorded offline leaves on the phone: an entry in offline.js's queue.
QUEUE_A_VISIT = """() => new Promise((resolve, reject) => {
  const request = indexedDB.open("sanfu-outreach", 1);
  request.onupgradeneeded = () => request.result.createObjectStore("visits", {keyPath: "key"});
  request.onsuccess = () => {
    const db = request.result;
    const transaction = db.transaction("visits", "readwrite");
    transaction.objectStore("visits").put({key: "k1", url: "/outreach/", fields: [], savedAt: 1});
    transaction.oncomplete = () => { db.close(); resolve(true); };
    transaction.onerror = () => reject(transaction.error);
  };
})"""

KEPT = """async () => ({
  databases: (await indexedDB.databases()).map((db) => db.name),
  caches: await caches.keys(),
  workers: (await navigator.serviceWorker.getRegistrations()).length,
})"""


@pytest.fixture
def clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


def _patrol_link(people: People, tree: Tree) -> int:
    checklists_ship()
    link = link_create(
        actor=None,
        new=NewLink(
            person=people.grid_worker,
            target=tree.grid_a,
            role=LinkRole.LINKAGE,
            starts_on=date(2026, 11, 1),
            cadence_count=1,
            cadence_period=Period.DAILY,
        ),
    )
    return link.pk


def _log_out(page: Page) -> None:
    page.locator("form.logout button[type=submit]").click()


def _logged_out(page: Page) -> None:
    # Log-out lands on the portal's home page, outside the workbench.
    page.wait_for_url(lambda url: "/workbench/" not in url)


def test_log_out_warns_of_unsent_visits_then_forgets_the_device(
    open_page: Opener, tree: Tree, people: People, clock: None
):
    link_id = _patrol_link(people, tree)
    page = open_page()
    log_in(page, people.grid_worker, next_url=f"/outreach/links/{link_id}/visit/")
    wait_until(page, "navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now under the worker: the form is kept for offline use
    wait_until(page, "caches.keys().then((names) => names.length > 0)")
    page.goto("/workbench/")
    page.evaluate(QUEUE_A_VISIT)

    answers: list[str] = []

    def refuse(dialog: Dialog) -> None:
        answers.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", refuse)
    _log_out(page)
    page.wait_for_timeout(500)  # the refusal leaves the page as it was: nothing to wait for
    assert len(answers) == 1
    assert page.url.endswith("/workbench/")
    assert "sanfu-outreach" in page.evaluate(KEPT)["databases"]

    page.once("dialog", lambda dialog: dialog.accept())
    _log_out(page)
    _logged_out(page)
    kept = page.evaluate(KEPT)
    assert kept == {"databases": [], "caches": [], "workers": 0}
    page.goto("/workbench/")
    assert "/accounts/login/" in page.url


def test_log_out_with_nothing_unsent_asks_nothing(
    open_page: Opener, tree: Tree, people: People, clock: None
):
    page = open_page()
    log_in(page, people.grid_worker)
    asked: list[str] = []

    def refuse(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    _log_out(page)
    _logged_out(page)
    assert asked == []
    assert page.evaluate(KEPT) == {"databases": [], "caches": [], "workers": 0}


def test_the_server_tells_the_browser_to_clear_the_site(people: People):
    # For a browser where the page's script did not run: the answer to the log-out itself.
    response = login(people.grid_worker).post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'

"""The printable lists (公示栏) as HTML and as PDF, for the page and for the batch command.

PDF comes from a headless Chromium through Playwright, which is a development dependency: a
machine installed with the main dependencies only writes Excel, and asking it for a PDF says so.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from queue import Empty, Queue
from types import TracebackType
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from sanfu.directory.models import Unit
from sanfu.grassroots.lists import LIST_KINDS, three_lists
from sanfu.lib.errors import ApplicationError
from sanfu.lib.qr import qr_svg

CHROMIUM = "/usr/bin/chromium"
# Paper sizes of the notice-board print: A4 by default; A3 for a board read from a step away.
PAPERS = ("A4", "A3")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def public_list_url(unit: Unit, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("grassroots:public_lists", args=[unit.code])


def printable_html(
    *,
    unit: Unit,
    url: str,
    kinds: Iterable[str] = LIST_KINDS,
    csp_nonce: str = "",
    paper: str = "A4",
) -> str:
    """The notice-board version: public content only, one page group per list on `paper` (A4
    or A3: the page size is in the page's CSS, which the PDF follows). Served as a page, it
    takes the response's Content-Security-Policy nonce for its inline style."""
    if paper not in PAPERS:
        raise ApplicationError(_("Choose A4 or A3."), field="paper")
    three = three_lists(unit=unit, public=True, kinds=kinds)
    context = {
        "three": three,
        "unit": unit,
        "qr": qr_svg(url),
        "url": url,
        "csp_nonce": csp_nonce,
        "paper": paper,
    }
    return render_to_string("grassroots/print_list.html", context)


class PdfPrinter:
    """One Chromium for many PDFs (the county prints hundreds at once)."""

    def __init__(self, executable_path: str = CHROMIUM) -> None:
        self.executable_path = executable_path
        self._playwright: Any = None
        self._browser: Any = None
        self._page: Any = None

    def __enter__(self) -> PdfPrinter:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            raise ApplicationError(
                _("PDF needs Playwright (a development dependency): install it, or use xlsx."),
                field="format",
            ) from None
        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=self.executable_path, headless=True, args=CHROMIUM_ARGS
        )
        # One page for every document: opening a page costs more than replacing its content.
        self._page = self._browser.new_page()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()

    def pdf(self, html: str) -> bytes:
        # Everything is inline (styles, the QR code's SVG): nothing to load from anywhere.
        self._page.set_content(html, wait_until="load")
        data: bytes = self._page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        return data


# Documents made ahead of the printers: enough to keep them busy, few enough to keep memory low.
_AHEAD = 4
# Chromiums printing at once. Printing is nearly all of a batch's time (making a list's page
# is under a tenth of it, so overlapping it with one Chromium gained nothing measurable), and
# one Chromium leaves part of two cores idle. All 118 demo villages at 1 M cases on SQLite,
# shared two-core machine, three rounds: one Chromium 65 s median, two 46 s (main 67 s).
PRINTERS = 2
_Job = tuple[str, Path] | None


def pdf_files(
    documents: Iterable[tuple[str, Path]],
    *,
    printed: Callable[[int, Path], object] = lambda done, path: None,
    printers: int = PRINTERS,
    executable_path: str = CHROMIUM,
) -> None:
    """Print each (html, path) of `documents` to its file, calling `printed` with the number
    done and the file after each (files finish in about the order given, not exactly).

    `documents` is consumed on the caller's thread, so it may read the database (inside the
    caller's transaction: Playwright's sync API would run its caller in a greenlet with a
    connection of its own). Each Chromium is driven from a thread of its own, which touches no
    database: making the next document overlaps printing the ones before."""
    jobs: Queue[_Job] = Queue(maxsize=_AHEAD)
    results: Queue[Path | BaseException] = Queue()
    workers = [
        threading.Thread(
            target=_print_jobs,
            args=(jobs, results, executable_path),
            name=f"sanfu-pdf-{n}",
            daemon=True,
        )
        for n in range(max(1, printers))
    ]
    for worker in workers:
        worker.start()
    done = 0
    failure: BaseException | None = None
    try:
        for document in documents:
            jobs.put(document)
            done, failure = _collect(results, done, printed)
            if failure is not None:
                break
    finally:
        for _ in workers:
            jobs.put(None)
        for worker in workers:
            worker.join()
    if failure is None:
        done, failure = _collect(results, done, printed)
    if failure is not None:
        raise failure


def _collect(
    results: Queue[Path | BaseException], done: int, printed: Callable[[int, Path], object]
) -> tuple[int, BaseException | None]:
    while True:
        try:
            result = results.get_nowait()
        except Empty:
            return done, None
        if isinstance(result, BaseException):
            return done, result
        done += 1
        printed(done, result)


def _print_jobs(
    jobs: Queue[_Job], results: Queue[Path | BaseException], executable_path: str
) -> None:
    try:
        with PdfPrinter(executable_path) as printer:
            while (job := jobs.get()) is not None:
                html, path = job
                path.write_bytes(printer.pdf(html))
                results.put(path)
    except BaseException as error:  # handed to the caller's thread, raised there
        results.put(error)
        # Keep taking jobs until this printer's end mark, so the caller never blocks putting;
        # the batch fails with the error once the caller sees it.
        while jobs.get() is not None:
            pass

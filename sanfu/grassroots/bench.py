"""`sanfu grassroots bench`: the issue's targets measured on the configured database.

- one village's three lists as the staff page (generated and rendered): target under 200 ms
  at 1 M cases;
- the county's meeting figures over the last 12 months (total, by town, by month): under 300 ms;
- with `pdf`, every village's printable lists through one Chromium: under 2 minutes for ~130.

Prints wall times with the number of cases in the database, since that is what they depend on.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from sanfu.cases.models import Case
from sanfu.directory.models import VILLAGE_KINDS, Unit, UnitKind
from sanfu.grassroots.figures import meeting_figures, meeting_figures_by, meeting_figures_by_month
from sanfu.grassroots.lists import LIST_KINDS, three_lists
from sanfu.grassroots.printing import PdfPrinter, printable_html, public_list_url


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _page(unit: Unit) -> float:
    started = time.perf_counter()
    three = three_lists(unit=unit)
    # A token in the context, as a request would bring, for the page's log-out form.
    context = {"three": three, "unit": unit, "kinds": LIST_KINDS, "csrf_token": "bench"}
    render_to_string("grassroots/lists.html", context)
    return time.perf_counter() - started


def _figures(county: Unit) -> float:
    today = timezone.localdate()
    start = today - timedelta(days=365)
    started = time.perf_counter()
    meeting_figures(scope=county, start=start, end=today, today=today)
    meeting_figures_by(scope=county, start=start, end=today, today=today, level="town")
    meeting_figures_by_month(scope=county, year=today.year, today=today)
    return time.perf_counter() - started


def bench_run(*, villages: int, pdf: bool, progress: Callable[[str], Any]) -> dict[str, Any]:
    county = Unit.objects.filter(kind=UnitKind.COUNTY).order_by("path").first()
    if county is None:
        return {"error": "no county"}
    all_villages = list(
        Unit.objects.subtree(county.path).filter(kind__in=VILLAGE_KINDS).order_by("path")
    )
    # The busiest villages first: their lists are the longest.
    sample = all_villages[:: max(1, len(all_villages) // max(1, villages))][:villages]
    _page(sample[0])  # warm the caches (templates, catalogue) once
    pages = [_page(unit) for unit in sample]
    figures = [_figures(county) for _ in range(5)]
    result: dict[str, Any] = {
        "cases": Case.objects.count(),
        "villages": len(all_villages),
        "lists_page_ms": {
            "median": _ms(statistics.median(pages)),
            "max": _ms(max(pages)),
            "timed": len(pages),
        },
        "meeting_figures_12_months_ms": {
            "median": _ms(statistics.median(figures)),
            "max": _ms(max(figures)),
        },
    }
    if pdf:
        started = time.perf_counter()
        html = [
            printable_html(unit=u, url=public_list_url(u, "https://sanfu.example.gov.cn"))
            for u in all_villages
        ]
        rendered = time.perf_counter() - started
        with PdfPrinter() as printer:
            for number, page in enumerate(html, start=1):
                printer.pdf(page)
                if number % 20 == 0:
                    progress(f"[{number}/{len(html)}] PDFs")
        result["pdf_all_villages_s"] = {
            "total": round(time.perf_counter() - started, 1),
            "html": round(rendered, 1),
        }
    return result

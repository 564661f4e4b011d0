"""Outreach benchmark: seed a county's outreach, then time the pages and the sweep over it.

    DATABASE_URL=... python scripts/bench_outreach.py [--cadres 1000] [--patrollers 10000]
        [--days 365] [--runs 5]

Run it on a throwaway database (scripts/with-postgres.sh makes one): it migrates, loads the
demo county if absent, then writes the roster and `--days` of visits (sanfu.ops.demo.outreach).
On a database seeded earlier it rebuilds the monthly tallies first (as `sanfu outreach tally`
after an upgrade) and prints how long that took. Prints JSON: seconds to seed, visits written,
and the median milliseconds of the county's compliance page over the calendar year so far, a
cadre's "my links" page, and one sweep.
The issue's target size is --cadres 1000 --patrollers 10000 --days 365 (about 3.7 M visits).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanfu.settings")
os.environ.setdefault("SANFU_DEBUG", "true")


def _median_ms(action: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cadres", type=int, default=1000)
    parser.add_argument("--patrollers", type=int, default=10000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import RequestFactory
    from django.urls import reverse
    from django.utils import timezone

    from sanfu.directory.models import User
    from sanfu.ops.demo.county import demo_county_create
    from sanfu.ops.demo.outreach import outreach_demo_create
    from sanfu.outreach import views
    from sanfu.outreach.sweep import outreach_sweep
    from sanfu.outreach.tallies import tally_rebuild

    reverse("outreach:my_links")  # load every view now, not halfway through the run
    call_command("migrate", verbosity=0)
    demo_county_create(password="bench-password-not-for-use")  # noqa: S106 - a throwaway database
    started = time.perf_counter()
    summary = outreach_demo_create(
        say=lambda line: print(line, file=sys.stderr),
        cadres=args.cadres,
        patrollers=args.patrollers,
        days=args.days,
    )
    seed_seconds = round(time.perf_counter() - started, 1)
    print(f"seeded {summary.visits} visits in {seed_seconds} s", file=sys.stderr)
    tally_seconds = None
    if not summary.created:
        # A database seeded before the tallies existed: `sanfu outreach tally`, as on upgrade.
        started = time.perf_counter()
        tally_rebuild()
        tally_seconds = round(time.perf_counter() - started, 1)
    factory = RequestFactory()

    def page(view: Callable[..., object], user: User, path: str) -> Callable[[], object]:
        def run() -> object:
            request = factory.get(path, secure=True)
            request.user = user
            response = view(request)
            assert response.status_code == 200, response.status_code  # type: ignore[attr-defined]  # noqa: S101
            return response

        return run

    leader = User.objects.get(username="demo-leader")
    cadre = User.objects.get(username="demo-village")
    year = f"/outreach/compliance/?period={timezone.localdate().year}"
    result = {
        "cadres": args.cadres,
        "patrollers": args.patrollers,
        "days": args.days,
        "created": summary.created,
        "links": summary.links,
        "visits": summary.visits,
        "seed_seconds": seed_seconds if summary.created else None,
        "tally_rebuild_seconds": tally_seconds,
        "compliance_county_year_ms": _median_ms(page(views.compliance, leader, year), args.runs),
        "my_links_ms": _median_ms(page(views.my_links, cadre, "/outreach/"), args.runs),
        "sweep_ms": _median_ms(outreach_sweep, 1),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

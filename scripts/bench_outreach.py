"""Outreach benchmark: seed a county's outreach, then time the sweep and the pages over it.

    DATABASE_URL=... python scripts/bench_outreach.py [--cadres 1000] [--patrollers 10000]
        [--days 365] [--runs 5] [--compare DIR] [--rounds 2] [--explain]

Run it on a throwaway database (scripts/with-postgres.sh makes one): it migrates, loads the
demo county if absent, then writes the roster and `--days` of visits (sanfu.ops.demo.outreach)
and times one `sanfu sweep --once` over them (the first pass, which sends the period's
reminders, and a second). On a database seeded before the monthly tallies existed it rebuilds
them first (as `sanfu outreach tally` after an upgrade) and prints how long that took.

Then it times, each a median of `--runs`: the county's compliance page over the calendar year
(the county leader), the dashboard's outreach figures for the county over the same year, and a
cadre's "my links" page, after one warming run and `gc.freeze()` as the WSGI entry does.
Each timing round runs in a fresh process; with `--compare DIR` (a checkout of another
version, e.g. a worktree at main) the rounds alternate between that code and this one on the
same database, and both are printed with their ratio. The other code only
reads: its schema may lack this one's newer columns, never the reverse.

`--explain` prints to stderr the slowest queries of one compliance page with EXPLAIN ANALYZE.
The issue's target size is --cadres 1000 --patrollers 10000 --days 365: the issue counts
about 3.7 M visits if everyone visited on cadence; the seed gives each town a done rate of
55-98% (so figures vary and links are overdue), about 3.0 M. The pages read one tally row per
link and month (or year), so their time follows the 12k links, not the visit count.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanfu.settings")
os.environ.setdefault("SANFU_DEBUG", "true")

TIMED = ("compliance_county_year_ms", "dashboard_outreach_year_ms", "my_links_ms")


def _median_ms(action: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 1)


def _ms(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return round((time.perf_counter() - started) * 1000, 1)


def _seed(args: argparse.Namespace) -> dict[str, Any]:
    from django.core.management import call_command

    from sanfu.lib.jobs import jobs_registered
    from sanfu.ops.demo.county import demo_county_create
    from sanfu.ops.demo.outreach import outreach_demo_create
    from sanfu.outreach.models import LinkMonth
    from sanfu.outreach.tallies import tally_rebuild

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
    if summary.created:
        # A server's autovacuum analyzes tables after bulk writes like the seed's, some time
        # later; without the statistics the planner takes the 144k month rows for a few
        # hundred and sorts them on disk. Analyze now, so the timings do not depend on when
        # it wakes.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    tally_seconds = None
    if not summary.created and not LinkMonth.objects.exists():
        # A database seeded before the tallies existed: `sanfu outreach tally`, as on upgrade.
        started = time.perf_counter()
        tally_rebuild()
        tally_seconds = round(time.perf_counter() - started, 1)
    # The first pass as `sanfu sweep --once` runs it (its jobs in order), each job timed: it
    # sends the reminders of the week; then the command itself, which has little left to do.
    jobs = {job.name: _ms(job.run) for job in jobs_registered()}
    with open(os.devnull, "w") as quiet:
        again = _ms(lambda: call_command("sweep", once=True, stdout=quiet))
    return {
        "cadres": args.cadres,
        "patrollers": args.patrollers,
        "days": args.days,
        "created": summary.created,
        "links": summary.links,
        "visits": summary.visits,
        "problems": summary.problems,
        "seed_seconds": seed_seconds if summary.created else None,
        "tally_rebuild_seconds": tally_seconds,
        "sweep_once_first_ms": round(sum(jobs.values()), 1),
        "sweep_once_first_jobs_ms": jobs,
        "sweep_once_again_ms": again,
    }


def _actions() -> dict[str, Callable[[], object]]:
    """The timed reads, as the code at hand (this checkout or `--compare`'s) defines them."""
    from django.test import RequestFactory
    from django.urls import reverse
    from django.utils import timezone

    from sanfu.directory.models import Unit, User
    from sanfu.outreach import views
    from sanfu.workbench.selectors import joined

    reverse("outreach:my_links")  # load every view now, not inside the first timing
    factory = RequestFactory()

    def page(view: Callable[..., Any], user: User, path: str) -> Callable[[], object]:
        def run() -> object:
            request = factory.get(path, secure=True)
            request.user = user
            response = view(request)
            assert response.status_code == 200, response.status_code  # noqa: S101
            return response

        return run

    leader = User.objects.get(username="demo-leader")
    cadre = User.objects.get(username="demo-village")
    county = Unit.objects.get(code="YX", parent__isnull=True)
    year = timezone.localdate().year
    first, last = date(year, 1, 1), date(year, 12, 31)
    return {
        "compliance_county_year_ms": page(
            views.compliance, leader, f"/outreach/compliance/?unit={county.pk}&period={year}"
        ),
        "dashboard_outreach_year_ms": lambda: joined._outreach(leader, county, first, last),
        "my_links_ms": page(views.my_links, cadre, "/outreach/"),
    }


def _time(runs: int) -> dict[str, float]:
    import gc

    actions = _actions()
    for action in actions.values():
        action()  # a first run warms the caches of this process: the server's steady state
    # As sanfu/wsgi.py does after start-up: the process's long-lived objects leave the
    # collector's sight (for either version timed, so both are measured alike).
    gc.freeze()
    return {name: _median_ms(action, runs) for name, action in actions.items()}


def _explain(top: int = 6) -> None:
    from django.db import connection, reset_queries

    action = _actions()["compliance_county_year_ms"]
    action()
    reset_queries()
    action()
    queries = sorted(connection.queries, key=lambda query: -float(query["time"]))
    print(f"compliance page: {len(queries)} queries", file=sys.stderr)
    for query in queries[:top]:
        sql = query["sql"]
        print(f"\n--- {float(query['time']) * 1000:.1f} ms\n{sql[:1500]}", file=sys.stderr)
        if connection.vendor == "postgresql" and sql.lstrip().upper().startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                for (line,) in cursor.fetchall():
                    print(line, file=sys.stderr)


def _round(code: Path, runs: int) -> dict[str, float]:
    """One timing round in a fresh process running the code of `code`."""
    out = subprocess.run(  # noqa: S603 - our own script, our own arguments
        [sys.executable, __file__, "--time-only", "--code", str(code), "--runs", str(runs)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cadres", type=int, default=1000)
    parser.add_argument("--patrollers", type=int, default=10000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2, help="timing rounds per version")
    parser.add_argument("--compare", type=Path, help="a checkout of the version to compare")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--time-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--code", type=Path, default=HERE, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))

    import django

    django.setup()
    if args.time_only:
        print(json.dumps(_time(args.runs)))
        return
    result = _seed(args)
    if args.explain:
        _explain()
    versions = {"new": HERE} | ({"old": args.compare.resolve()} if args.compare else {})
    medians: dict[str, dict[str, list[float]]] = {
        name: {key: [] for key in TIMED} for name in versions
    }
    for _ in range(args.rounds):
        # Alternating, so a change in the machine's load falls on both versions alike.
        for name, code in sorted(versions.items(), reverse=True):
            for key, value in _round(code, args.runs).items():
                medians[name][key].append(value)
    for name in versions:
        result[name] = {key: statistics.median(values) for key, values in medians[name].items()}
    if "old" in result:
        result["old_over_new"] = {
            key: round(result["old"][key] / result["new"][key], 2) for key in TIMED
        }
    result["runs_per_round"] = args.runs
    result["rounds"] = args.rounds
    result["load_average"] = [round(value, 2) for value in os.getloadavg()]
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

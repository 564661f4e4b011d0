"""Server time of the workbench home and the leaders' dashboard, on the database in
DATABASE_URL (PostgreSQL with the demo county and `sanfu seed cases` for a real figure).

    DATABASE_URL=postgres://… .venv/bin/python scripts/bench_web.py [--requests 50] [--json]

The dashboard reads the daily aggregates of `sanfu.insight`: build them once on the benchmark
database with `sanfu insight rebuild` (as `sanfu sweep` keeps them in production).

Each page is requested in-process through Django's test client as a logged-in demo account,
so the time is the server's alone (middleware, view, queries, template), without a network
or a browser. A few warm-up requests come first (connections, template and translation
caches), then `--requests` timed ones; it prints the median and the 95th percentile.
The machine this was written on has 2 cores shared with other work: repeat a run before
trusting a single figure.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanfu.settings")
# In-process requests over plain http; a debug setting would also log every query.
os.environ.setdefault("SANFU_HTTPS", "false")
os.environ.setdefault("SANFU_SECRET_KEY", "bench-" + "x" * 60)
# Production's static storage (hashed names from a manifest) needs collected files.
os.environ.setdefault("SANFU_STATIC_ROOT", str(Path(tempfile.gettempdir()) / "sanfu-bench-static"))

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from sanfu.cases.models import Case, Category  # noqa: E402
from sanfu.directory.models import User  # noqa: E402

WARM_UP = 3
# (label, demo account, path): the county's views are the heaviest a user can ask for.
PAGES = [
    ("workbench home, county dispatcher", "demo-dispatcher", "/workbench/"),
    ("workbench home, town staff", "demo-town", "/workbench/"),
    ("dashboard, whole county, last 12 months", "demo-leader", "/workbench/dashboard/"),
    ("dashboard, one town, last 12 months", "demo-town-leader", "/workbench/dashboard/"),
    # Outreach, projects and the grassroots: the fragment the dashboard loads after itself.
    ("dashboard join, whole county, 12 months", "demo-leader", "/workbench/dashboard/joined/"),
    # Last month's league tables (before publication: every league's standings, computed).
    ("league tables, county, last month", "demo-leader", "/workbench/league/"),
    # A broad category is read from the aggregates' breakdown rows (unit × category × channel).
    (
        "dashboard, county, one broad category",
        "demo-leader",
        "/workbench/dashboard/?category={category}",
    ),
    # A narrower one is read from the narrow rows (unit × category × channel, every level):
    # the busiest level-3 category, and the level-2 category above it.
    (
        "dashboard, county, one level-2 category",
        "demo-leader",
        "/workbench/dashboard/?category={level_2}",
    ),
    (
        "dashboard, county, one level-3 category",
        "demo-leader",
        "/workbench/dashboard/?category={level_3}",
    ),
]


@dataclass(frozen=True)
class Result:
    page: str
    user: str
    path: str
    requests: int
    median_ms: float
    p95_ms: float
    min_ms: float
    max_ms: float


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def measure(label: str, username: str, path: str, requests: int) -> Result:
    client = Client()
    client.force_login(User.objects.get(username=username))
    for _ in range(WARM_UP):
        client.get(path)
    timings: list[float] = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} as {username}: HTTP {response.status_code}")
    return Result(
        page=label,
        user=username,
        path=path,
        requests=requests,
        median_ms=round(statistics.median(timings), 1),
        p95_ms=round(percentile(timings, 0.95), 1),
        min_ms=round(min(timings), 1),
        max_ms=round(max(timings), 1),
    )


def busiest_narrow() -> tuple[int | str, int | str]:
    """The level-3 category with the most cases, and its level-2 parent ("" without one)."""
    busiest = (
        Case.objects.filter(category__level=3)
        .values("category_id", "category__parent_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    if busiest is None:
        return "", ""
    return busiest["category_id"], busiest["category__parent_id"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument(
        "--only", default="", help="measure only the pages whose label contains this text"
    )
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("collectstatic", interactive=False, verbosity=0)
    cases = Case.objects.count()
    print(f"{connection.vendor}, {cases} cases, {args.requests} requests per page", flush=True)
    broad = Category.objects.filter(level=1).order_by("code").values_list("pk", flat=True)
    level_3, level_2 = busiest_narrow()
    for label, username, template in PAGES:
        if args.only not in label:
            continue
        path = template.format(category=broad.first() or "", level_2=level_2, level_3=level_3)
        result = measure(label, username, path, args.requests)
        if args.json:
            print(json.dumps({"cases": cases, **asdict(result)}, ensure_ascii=False), flush=True)
        else:
            print(
                f"{result.page:<42} median {result.median_ms:>8.1f} ms   "
                f"p95 {result.p95_ms:>8.1f} ms",
                flush=True,
            )


if __name__ == "__main__":
    main()

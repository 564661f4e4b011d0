"""Time of the daily aggregates' rebuild and of recomputing one day, on the database in
DATABASE_URL (PostgreSQL with the demo county and `sanfu seed cases` for a real figure).

    DATABASE_URL=postgres://… .venv/bin/python scripts/bench_insight.py [--rebuild] [--days 5]

`--rebuild` first times `insight_rebuild()` over every day from the first case (what
`sanfu insight rebuild` does); then one day a week ago is recomputed `--days` times (what a
sweep pass does after a late reply) and the median is printed. Each figure is printed with the
wall time and the database server's CPU time for it, read from /proc when the server runs on
this machine: on a machine shared with other work the wall time grows, the CPU time much less.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanfu.settings")
os.environ.setdefault("SANFU_SECRET_KEY", "bench-" + "x" * 60)

import django

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from sanfu.cases.models import Case  # noqa: E402
from sanfu.insight.build import insight_rebuild, recompute_days  # noqa: E402
from sanfu.insight.models import DailyParts  # noqa: E402


def server_cpu() -> float | None:
    """CPU seconds of this connection's server process, if it runs here (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(work: Callable[[], object]) -> tuple[float, float | None]:
    cpu = server_cpu()
    started = time.perf_counter()
    work()
    wall = time.perf_counter() - started
    after = server_cpu()
    return wall, None if cpu is None or after is None else after - cpu


def show(label: str, wall: float, cpu: float | None) -> None:
    server = "" if cpu is None else f"   (database server CPU {cpu:.2f} s)"
    print(f"{label:<40} {wall:>9.3f} s wall{server}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--days", type=int, default=5)
    args = parser.parse_args()
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"{connection.vendor}, {Case.objects.count()} cases, load {load}", flush=True)
    if args.rebuild:
        wall, cpu = timed(insight_rebuild)
        show(f"rebuild, {DailyParts.objects.count()} rows", wall, cpu)
    day = timezone.localdate() - timedelta(days=7)
    runs = [timed(lambda: recompute_days([day])) for _ in range(args.days)]
    cpus = [cpu for _, cpu in runs if cpu is not None]
    show(
        f"one day ({day}), median of {args.days}",
        statistics.median(wall for wall, _ in runs),
        statistics.median(cpus) if cpus else None,
    )


if __name__ == "__main__":
    main()

"""Serving the grassroots at scale (issue 16's targets), on the demo county with many cases:

- one village's three lists, the workbench page through HTTP as the town's staff: under 200 ms
  at 1 M cases;
- the county's meeting figures over 12 months (the figures page as the county's leader, and
  the three figures selectors over the last 12 months): under 300 ms;
- every village's and community's lists as PDFs (`sanfu grassroots lists --all --format pdf`,
  one Chromium for all): under 2 minutes for the ~130 of the demo county.

    .venv/bin/python scripts/bench_grassroots.py [--cases 1000000] [--repeat 15] [--no-pdf]
    scripts/with-postgres.sh .venv/bin/python scripts/bench_grassroots.py ...
    DATABASE_URL=sqlite:////tmp/g.sqlite3 .venv/bin/python scripts/bench_grassroots.py --keep

Uses DATABASE_URL when set, else a temporary SQLite file. Seeding (not timed, but printed) is
done once per database and skipped when already there, so a kept database can be measured
again, e.g. by another checkout: the demo county (`sanfu seed demo`, the calendar, the
catalogue, `sanfu seed grassroots` for its year of meetings), then `--cases` cases copied in
one statement (sanfu.ops.synthetic.bulk, as scripts/bench_enterprise_page.py does) over the
villages and ten years — closed but for the last 20 days' and one in 997 older ones — and one
meeting a month in every village for the last 12 months (nine problems each, six of them cases)
on top of the demo's. Prints one JSON object per measure, with the load average.

Measured 2026-12-05 on the shared 2-core machine (load 6-14 from other work, so read the CPU
figures first), 1,000,654 cases, 8,475 of them the village's (49 open), 1,518 meetings,
13,672 problems; main run by the same script from `git archive main` on the same database:

| measure | SQLite main → this branch | PostgreSQL 15 main → this branch |
|---|---|---|
| lists page, median (CPU) | 271 (65) → 158 (51) ms | 270 (100) → 232 (87) ms |
| figures page, median (CPU) | 229 (76) → 194 (63) ms | 332 (115) → 168 (57) ms |
| PDF batch, 118 villages | 67 → 46 s (medians of 3, load 4-7) | 116 s (load 7) → 110 s (load 14) |
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DAYS = 3650
PREFIX = "G"
TITLES = ("村道路灯不亮", "河道垃圾漂浮", "自来水压力小", "夜间施工噪声扰民", "公交站点太远")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF batch")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sanfu-bench-grassroots-"))
    os.environ.setdefault("SANFU_DATA_DIR", str(work))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanfu.settings")
    os.environ.setdefault("SANFU_SECRET_KEY", "bench-" + "x" * 60)
    # In-process requests over plain http, production settings (no query log).
    os.environ.setdefault("SANFU_HTTPS", "false")
    os.environ.setdefault("SANFU_STATIC_ROOT", str(Path(tempfile.gettempdir()) / "sanfu-static"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("collectstatic", interactive=False, verbosity=0)
    show({"database": os.environ["DATABASE_URL"].split(":", 1)[0], "load": load()})
    seed(args.cases)
    measure_page(args.repeat)
    measure_figures(args.repeat)
    if not args.no_pdf:
        measure_pdf(work)
    if args.keep:
        show({"kept": str(work)})
    else:
        shutil.rmtree(work, ignore_errors=True)


def show(result: dict[str, Any]) -> None:
    print(json.dumps(result, ensure_ascii=False), flush=True)


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


# --- seeding ---------------------------------------------------------------------------------


def seed(count: int) -> None:
    from django.core.management import call_command

    from sanfu.cases.models import Case
    from sanfu.directory.models import Unit
    from sanfu.ops.demo.plan import COUNTY_CODE

    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not Unit.objects.filter(code=COUNTY_CODE).exists():
        call_command("seed", "demo", password="bench-" + "p" * 12, **quiet)
        call_command("calendar", "load", **quiet)
        call_command("catalogue", "load", **quiet)
        call_command("seed", "grassroots", **quiet)
        show({"seeded": "demo county and its meetings", "s": round(time.perf_counter() - started)})
    present = Case.objects.filter(number__startswith=PREFIX).count()
    fresh = present < count
    if present < count:
        started = time.perf_counter()
        seed_cases(count - present, first=present)
        show({"seeded": f"{count - present} cases", "s": round(time.perf_counter() - started)})
    started = time.perf_counter()
    if seed_meetings():
        show({"seeded": "monthly meetings", "s": round(time.perf_counter() - started)})
        fresh = True
    if fresh:
        settle()
    show({"cases": Case.objects.count(), "load": load()})


def settle() -> None:
    """What autovacuum does to a table in use, done now: statistics for the planner, and on
    PostgreSQL the visibility map and hint bits. Without it the first measures after seeding
    read freshly written rows unplanned (the figures page 750 ms where it is 100 ms after)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _county() -> Any:
    from sanfu.directory.models import Unit
    from sanfu.ops.demo.plan import COUNTY_CODE

    return Unit.objects.get(code=COUNTY_CODE)


def _villages() -> list[Any]:
    from sanfu.directory.models import VILLAGE_KINDS, Unit

    return list(
        Unit.objects.subtree(_county().path)
        .filter(kind__in=VILLAGE_KINDS, is_active=True)
        .order_by("path")
    )


def seed_cases(count: int, *, first: int) -> None:
    """`count` cases over the villages (row n in village n % V) and ten years up to today."""
    from django.utils import timezone

    from sanfu.cases.models import Case, Category
    from sanfu.ops.synthetic.bulk import bulk_copy_cases, moment_sql, pick_sql

    county = _county()
    villages = _villages()
    now = timezone.now().replace(microsecond=0)
    start = (now - timedelta(days=DAYS)).astimezone(UTC)
    template = Case.objects.create(
        county=county,
        number=f"{PREFIX}TEMPLATE",
        tracking_token=f"{PREFIX}template",
        requester_kind="resident",
        channel="web",
        priority="normal",
        category=Category.objects.filter(level=2).order_by("code").first(),
        title=TITLES[0],
        text="村里反映的问题，请尽快处理。",
        location_unit=villages[0],
        desk_unit=county,
        lead_unit=villages[0].parent,
        state="closed",
        reply_kind="solved",
        reply_text="已处理。",
        received_at=start,
    )
    n = f"(n + {first})"
    day = f"(({n} / {len(villages)}) % {DAYS})"
    second = f"((({n} % 10007) * 7919) % 86400)"  # within 32 bits on PostgreSQL
    still_open = f"({day} >= {DAYS - 20} OR {n} % 997 = 0)"
    bulk_copy_cases(
        template=template,
        count=count,
        prefix=PREFIX,
        varied={
            "number": f"'{PREFIX}' || {n}",
            "tracking_token": f"'{PREFIX}t' || {n}",
            "title": pick_sql(f"{n} / 7", list(TITLES)),
            "location_unit_id": pick_sql(n, [v.pk for v in villages]),
            "received_at": moment_sql(start, days=day, seconds=second),
            "accepted_at": moment_sql(start, days=day, seconds=second),
            "reply_deadline": moment_sql(start, days=f"{day} + 10", seconds=second),
            "state": (
                f"CASE WHEN {still_open} THEN "
                f"{pick_sql(n, ['new', 'assigned', 'in_progress'])} ELSE 'closed' END"
            ),
            "reply_kind": f"CASE WHEN {still_open} THEN '' ELSE 'solved' END",
            "reply_text": f"CASE WHEN {still_open} THEN '' ELSE template.reply_text END",
            "replied_at": (
                f"CASE WHEN {still_open} THEN NULL "
                f"ELSE {moment_sql(start, days=f'{day} + 3', seconds=second)} END"
            ),
            "closed_at": (
                f"CASE WHEN {still_open} THEN NULL "
                f"ELSE {moment_sql(start, days=f'{day} + 10', seconds=second)} END"
            ),
        },
    )
    template.delete()


def seed_meetings() -> bool:
    """One meeting a month in every village for the last 12 months, nine problems each: three
    solved on the spot, six turned into (seeded) cases of that village. False if there."""
    from django.db import transaction
    from django.utils import timezone

    from sanfu.cases.models import Case
    from sanfu.directory.models import User
    from sanfu.grassroots.models import Meeting, MeetingKind, Outcome, Problem

    villages = _villages()
    if Meeting.objects.filter(place="基准会场").exists():
        return False
    convener = User.objects.get(username="demo-village")
    today = timezone.localdate()
    days = [today - timedelta(days=30 * k + 1) for k in range(12)]
    year_ago = timezone.now() - timedelta(days=365)
    kinds = [MeetingKind.SPEAK_UP, MeetingKind.INQUIRY, MeetingKind.CONSULTATION]
    with transaction.atomic():
        meetings = Meeting.objects.bulk_create(
            Meeting(
                village=village,
                kind=kinds[k % 3],
                held_on=day,
                place="基准会场",
                convener=convener,
                created_by=convener,
                residents_present=30,
            )
            for village in villages
            for k, day in enumerate(days)
        )
        problems = []
        for village in villages:
            cases = iter(
                Case.objects.filter(
                    location_unit=village,
                    received_at__gte=year_ago,
                    number__startswith=PREFIX,
                ).values_list("pk", flat=True)[:72]
            )
            for meeting in (m for m in meetings if m.village_id == village.pk):
                at = datetime.combine(meeting.held_on, datetime.min.time(), tzinfo=UTC)
                for i in range(9):
                    case = next(cases, None) if i >= 3 else None
                    problems.append(
                        Problem(
                            meeting=meeting,
                            text=TITLES[i % len(TITLES)],
                            outcome=Outcome.CASE if case else Outcome.ON_THE_SPOT,
                            solved_by="" if case else "村主任",
                            solution="" if case else "当场处理",
                            case_id=case,
                            recorded_by=convener,
                            recorded_at=at,
                        )
                    )
        Problem.objects.bulk_create(problems, batch_size=2000)
    return True


# --- measures --------------------------------------------------------------------------------


def server_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL server process when it runs on this machine
    (0 for SQLite, which runs inside this process and is counted with it)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Timer:
    """Wall time, and CPU time of this process and of its database server: on a shared
    machine the wall time grows with the load, the CPU time much less."""

    def __enter__(self) -> Timer:
        self.server = server_cpu()
        self.cpu = time.process_time()
        self.wall = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu + server_cpu() - self.server


def timed_get(client: Any, url: str, repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up: connections, templates, translations
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    timers = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries, Timer() as timer:
            client.get(url)
        timers.append(timer)
    walls = [t.wall for t in timers]
    return {
        "median_ms": ms(statistics.median(walls)),
        "worst_ms": ms(max(walls)),
        "cpu_median_ms": ms(statistics.median(t.cpu for t in timers)),
        "queries": len(queries),
    }


def measure_page(repeat: int) -> None:
    from django.test import Client
    from django.urls import reverse

    from sanfu.cases.models import Case
    from sanfu.directory.models import Membership, Unit, User
    from sanfu.lib.treepath import path_ids

    user = User.objects.get(username="demo-town")
    town = Membership.objects.filter(user=user).select_related("unit").first().unit  # type: ignore[union-attr]
    village = next(v for v in _villages() if town.pk in path_ids(v.path))
    client = Client()
    client.force_login(user)
    timing = timed_get(client, reverse("grassroots:unit_lists", args=[village.code]), repeat)
    here = Case.objects.filter(location_unit__in=Unit.objects.subtree(village.path))
    show(
        {
            "measure": "one village's three lists page, HTTP as town staff",
            "village": village.code,
            "cases_here": here.count(),
            "open_here": here.filter(state__in=["new", "assigned", "in_progress"]).count(),
            **timing,
            "repeat": repeat,
            "target_ms": 200,
            "load": load(),
        }
    )


def measure_figures(repeat: int) -> None:
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from sanfu.directory.models import User
    from sanfu.grassroots.figures import (
        meeting_figures,
        meeting_figures_by,
        meeting_figures_by_month,
    )
    from sanfu.grassroots.models import Meeting, Problem

    client = Client()
    client.force_login(User.objects.get(username="demo-leader"))
    page = timed_get(client, reverse("grassroots:figures"), repeat)
    county = _county()
    today = timezone.localdate()
    start = today - timedelta(days=365)
    rolling = []
    for _ in range(repeat):
        with Timer() as timer:
            total = meeting_figures(scope=county, start=start, end=today, today=today)
            meeting_figures_by(scope=county, start=start, end=today, today=today, level="town")
            meeting_figures_by_month(scope=county, year=today.year, today=today)
        rolling.append(timer)
    show(
        {
            "measure": "county meeting figures: page (this year) as the county's leader, "
            "and the selectors over the last 12 months",
            "meetings": Meeting.objects.count(),
            "problems": Problem.objects.count(),
            "last_12_months": {"meetings": total.meetings, "problems": total.problems},
            "page": page,
            "selectors_12_months": {
                "median_ms": ms(statistics.median(t.wall for t in rolling)),
                "cpu_median_ms": ms(statistics.median(t.cpu for t in rolling)),
            },
            "repeat": repeat,
            "target_ms": 300,
            "load": load(),
        }
    )


def measure_pdf(work: Path) -> None:
    from django.core.management import call_command

    out, err = io.StringIO(), io.StringIO()
    with Timer() as timer:
        call_command(
            "grassroots",
            "lists",
            "--all",
            "--format",
            "pdf",
            "--output-dir",
            str(work / "pdf"),
            stdout=out,
            stderr=err,
        )
    written = json.loads(out.getvalue())
    show(
        {
            "measure": "sanfu grassroots lists --all --format pdf",
            "units": written["units"],
            "seconds": round(timer.wall, 1),
            "per_unit_ms": ms(timer.wall / max(written["units"], 1)),
            "cpu_s_without_chromium": round(timer.cpu, 1),
            "target_s": 120,
            "load": load(),
        }
    )


if __name__ == "__main__":
    main()

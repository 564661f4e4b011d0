"""Enterprise page benchmark: one enterprise's page (10 years of cases, facts, benefits and
visits) in a database of many cases and visits, through HTTP as its town's staff.

    SANFU_DEBUG=true .venv/bin/python scripts/bench_enterprise_page.py [--cases 1000000]
        [--enterprises 20000] [--mine 2000] [--visits 1000000] [--linked 2000] [--repeat 7]
    scripts/with-postgres.sh .venv/bin/python scripts/bench_enterprise_page.py ...

Uses DATABASE_URL when set, else a temporary SQLite file. The cases are written by one
INSERT … SELECT over a number series (SQLite's recursive CTE, PostgreSQL's generate_series)
copying a template case, so a million rows take a minute or two rather than the hours the
case loop would need; `--mine` of them are the measured enterprise's, spread over ten years,
the rest spread over the other enterprises and the towns. Visits the same way: the
enterprise's chief service officer weekly for ten years (520), and `--visits` more on the
links of `--linked` other enterprises. Seeding is not timed. Prints one
JSON object: the page's median and worst time over `--repeat` loads (after one warm-up),
and its query count. The machine is shared: read the times as an upper bound. Target: the
page under 200 ms at 1 M cases.

Measured 2026-12-05 on the shared 2-core machine (SANFU_DEBUG=true, 1,000,000 cases, 2,001 of
them the enterprise's, 20 queries): PostgreSQL 15 seeded in 248 s, page median 136 ms (worst
154); SQLite seeded in 167 s, page median 318 ms (worst 344) in that run while other work ran,
158 ms when loaded again on the same file.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

START = datetime(2016, 12, 1, tzinfo=UTC)
DAYS = 3650


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--enterprises", type=int, default=20_000)
    parser.add_argument("--mine", type=int, default=2_000)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--linked", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="sanfu-bench-enterprise-page-")
    os.environ.setdefault("SANFU_DATA_DIR", work)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanfu.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    target, user = build(args.enterprises, args.mine)
    seed_cases(args.cases, args.mine, target)
    seed_visits(args.visits, target, cadre(), args.linked)
    seed_seconds = time.perf_counter() - started
    print(json.dumps(measure(target, user, args.repeat, seed_seconds), ensure_ascii=False))


def build(count: int, mine: int) -> tuple[int, object]:
    from sanfu.cases.models import Case
    from sanfu.directory import services
    from sanfu.directory.models import Enterprise, StaffRole, UnitKind, User
    from sanfu.enterprise.models import Benefit, EnterpriseFacts, Policy
    from sanfu.lib.uscc import credit_code_check_char

    county = services.unit_create(kind=UnitKind.COUNTY, name="基准县", code="BX", parent=None)
    towns = [
        services.unit_create(kind=UnitKind.TOWN, name=f"镇{i}", code=f"BX{i:02d}", parent=county)
        for i in range(12)
    ]
    department = services.unit_create(
        kind=UnitKind.DEPARTMENT, name="县经信局", code="BXD1", parent=county
    )
    rows = []
    for i in range(count):
        first17 = f"91330299{i:09d}"
        rows.append(
            Enterprise(
                name=f"基准企业{i}",
                credit_code=first17 + credit_code_check_char(first17),
                town=towns[i % len(towns)],
                industry="manufacturing",
                size="small",
            )
        )
    Enterprise.objects.bulk_create(rows, batch_size=5000)
    target = Enterprise.objects.order_by("pk").first()
    assert target is not None  # noqa: S101 - just created
    EnterpriseFacts.objects.bulk_create(
        EnterpriseFacts(enterprise=target, year=2016 + y, revenue=Decimal(10**7), employees=80)
        for y in range(10)
    )
    policies = Policy.objects.bulk_create(
        Policy(
            code=f"P{p:03d}",
            name=f"政策{p}",
            issuing_unit=department,
            starts_on=date(2016, 1, 1),
            ends_on=date(2026, 12, 31),
            facts_year=2025,
            benefit_kind="subsidy",
            benefit_text="—",
        )
        for p in range(20)
    )
    Benefit.objects.bulk_create(
        Benefit(
            policy=policies[n % len(policies)],
            enterprise=target,
            given_on=date(2016 + n % 10, 1 + n % 12, 1 + n % 28),
            amount=Decimal(1000 + n),
            reference=f"B{n}",
        )
        for n in range(mine // 4)
    )
    user = User.objects.create_user(username="bench-town", password=None)
    services.membership_grant(user=user, unit=target.town, role=StaffRole.TOWN_STAFF)
    Case.objects.create(
        county=county,
        number="TEMPLATE",
        tracking_token="template",  # noqa: S106 - not a secret
        requester_kind="enterprise",
        channel="web",
        priority="normal",
        title="企业诉求",
        text="用电报装进度咨询",
        location_unit=target.town,
        desk_unit=county,
        state="closed",
        received_at=START,
        enterprise=target,
    )
    return target.pk, user


def cadre() -> object:
    from sanfu.directory.models import User

    return User.objects.create_user(username="bench-cadre", password=None)


def seed_cases(count: int, mine: int, target: int) -> None:
    """`count` cases in one statement: copies of the template, numbered, spread over ten
    years; every n-th (n = count / mine) is the target's, the rest the other enterprises'."""
    from sanfu.cases.models import Case
    from sanfu.directory.models import Enterprise, Unit

    enterprises = Enterprise.objects.count()
    towns = list(Unit.objects.filter(kind="town").order_by("pk").values_list("pk", flat=True))
    every = max(count // max(mine, 1), 1)
    copy_rows(
        Case,
        "number = 'TEMPLATE'",
        count,
        {
            "number": "'B' || n",
            "tracking_token": "'t' || n",
            "received_at": _spread("received_at"),
            "enterprise_id": (
                f"CASE WHEN n %% {every} = 0 THEN {target} "
                f"ELSE {target} + 1 + n %% {max(enterprises - 1, 1)} END"
            ),
            "location_unit_id": (
                f"CASE WHEN n %% {every} = 0 THEN location_unit_id ELSE ({_town_case(towns)}) END"
            ),
        },
    )


def seed_visits(count: int, target: int, cadre: object, linked: int) -> None:
    """The target's chief service officer visiting weekly for ten years (520 visits), and
    `count` visits on the links of `linked` other enterprises, in one statement each."""
    from sanfu.directory.models import Enterprise
    from sanfu.outreach.models import Link, LinkRole, Period, TargetKind, Visit

    def link(enterprise: Enterprise) -> Link:
        return Link(
            person=cadre,
            target_kind=TargetKind.ENTERPRISE,
            enterprise=enterprise,
            place=enterprise.village or enterprise.town,
            role=LinkRole.CHIEF_SERVICE,
            starts_on=START.date(),
            cadence_count=1,
            cadence_period=Period.WEEKLY,
        )

    others = Enterprise.objects.select_related("town", "village").exclude(pk=target)
    links = Link.objects.bulk_create(
        [link(Enterprise.objects.select_related("town", "village").get(pk=target))]
        + [link(e) for e in others.order_by("pk")[:linked]],
        batch_size=5000,
    )
    mine, first = links[0], links[1]
    Visit.objects.create(
        client_key="TEMPLATE",
        link=mine,
        visitor=cadre,
        place=mine.place,
        visited_at=START,
        notes="企业生产经营正常，订单充足",
    )
    copy_rows(
        Visit,
        "client_key = 'TEMPLATE'",
        520,
        {"client_key": "'m' || n", "visited_at": _spread("visited_at", step=7)},
    )
    copy_rows(
        Visit,
        "client_key = 'TEMPLATE'",
        count,
        {
            "client_key": "'v' || n",
            "visited_at": _spread("visited_at"),
            "link_id": f"{first.pk} + n %% {max(len(links) - 1, 1)}",
        },
    )


def _spread(column: str, *, step: int = 1) -> str:
    """The template's `column` moved forward by n × `step` days (within ten years) and a few
    hours, in the database's own date arithmetic."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return (
            f"{column} + ((n * {step}) %% {DAYS}) * interval '1 day' "
            "+ (n %% 86400) * interval '1 second'"
        )
    return (
        f"strftime('%%Y-%%m-%%d %%H:%%M:%%S', {column}, '+' || ((n * {step}) %% {DAYS}) "
        "|| ' days', '+' || (n %% 86400) || ' seconds')"
    )


def copy_rows(model: type, template: str, count: int, varied: dict[str, str]) -> None:
    """`count` copies of `model`'s one row matching the SQL condition `template`, made by one
    INSERT … SELECT over a number series n = 1‥count; `varied` gives the SQL expression (in n
    and the template's columns) of each column that differs; the id is the database's."""
    from django.db import connection, transaction

    table = model._meta.db_table  # type: ignore[attr-defined]
    columns, values = [], []
    for field in model._meta.concrete_fields:  # type: ignore[attr-defined]
        if field.primary_key:
            continue
        quoted = connection.ops.quote_name(field.column)  # a visit has a column named "where"
        columns.append(quoted)
        values.append(varied.get(field.column, quoted))
    pg = connection.vendor == "postgresql"
    series = (
        "SELECT generate_series(1, %s) AS n"
        if pg
        else "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < %s) "
        "SELECT n FROM s"
    )
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - our own names
        f"SELECT {', '.join(values)} FROM ({series}) AS series, "
        f"(SELECT * FROM {table} WHERE {template}) AS template"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [count])
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}" if pg else "ANALYZE")


def _town_case(towns: list[int]) -> str:
    whens = " ".join(f"WHEN {i} THEN {pk}" for i, pk in enumerate(towns))
    return f"CASE n %% {len(towns)} {whens} END"


def measure(target: int, user: object, repeat: int, seed_seconds: float) -> dict[str, object]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from sanfu.cases.models import Case
    from sanfu.outreach.models import Visit

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)  # type: ignore[arg-type]
    url = reverse("enterprise:enterprise", args=[target])
    response = client.get(url, secure=True)
    assert response.status_code == 200, response.status_code  # noqa: S101
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            client.get(url, secure=True)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "database": connection.vendor,
        "cases": Case.objects.count(),
        "cases_of_the_enterprise": Case.objects.filter(enterprise_id=target).count(),
        "visits": Visit.objects.count(),
        "visits_of_the_enterprise": Visit.objects.filter(link__enterprise_id=target).count(),
        "seed_seconds": round(seed_seconds, 1),
        "page_ms_median": round(statistics.median(times), 1),
        "page_ms_worst": round(max(times), 1),
        "page_queries": len(queries),
    }


if __name__ == "__main__":
    main()

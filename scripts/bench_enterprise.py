"""Policy matching benchmark: N enterprises against P policies, on a fresh database.

    SANFU_DEBUG=true .venv/bin/python scripts/bench_enterprise.py [--enterprises 100000]
        [--policies 200] [--seed 7]

Uses DATABASE_URL when set (a PostgreSQL test database, say), else a temporary SQLite file.
Builds a synthetic county (bulk inserts, not timed), then times `policies_match()` twice —
the first run writes the "qualified but not received" list, the second finds nothing new —
and one policy's review list query. Prints one JSON object. The machine is shared: read the
seconds as an upper bound. Targets: match under 30 s, one review list under 200 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--policies", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="sanfu-bench-enterprise-")
    os.environ.setdefault("SANFU_DATA_DIR", work)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanfu.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    build(args.enterprises, args.policies, random.Random(args.seed))  # noqa: S311 - test data
    print(json.dumps(measure(), ensure_ascii=False))


def build(count: int, policies: int, rng: random.Random) -> None:
    from sanfu.directory import services
    from sanfu.directory.models import Enterprise, EnterpriseSize, Industry, UnitKind
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
    industries, sizes = Industry.values, EnterpriseSize.values
    rows = []
    for i in range(count):
        first17 = f"91330299{i:09d}"
        rows.append(
            Enterprise(
                name=f"基准企业{i}",
                credit_code=first17 + credit_code_check_char(first17),
                town=rng.choice(towns),
                industry=rng.choice(industries),
                size=rng.choices(sizes, weights=[1, 5, 30, 64])[0],
            )
        )
    Enterprise.objects.bulk_create(rows, batch_size=5000)
    ids = list(Enterprise.objects.values_list("pk", flat=True))
    EnterpriseFacts.objects.bulk_create(
        (
            EnterpriseFacts(
                enterprise_id=pk,
                year=2025,
                revenue=Decimal(int(rng.lognormvariate(14, 1.5))),
                employees=int(rng.lognormvariate(2.5, 1)),
                tax_grade=rng.choice("AABBBMCD"),
            )
            for pk in ids
            if rng.random() < 0.95
        ),
        batch_size=5000,
    )
    made = []
    for p in range(policies):
        made.append(
            Policy(
                code=f"P{p:03d}",
                name=f"政策{p}",
                issuing_unit=department,
                starts_on=date(2026, 1, 1),
                ends_on=date(2026, 12, 31),
                facts_year=2025,
                industries=rng.sample(industries, rng.randint(1, 3)),
                sizes=rng.sample(sizes, rng.randint(1, 2)),
                min_revenue=rng.choice([None, Decimal(rng.randint(1, 50) * 100_000)]),
                min_employees=rng.choice([None, rng.randint(5, 50)]),
                tax_grades=rng.choice([[], ["A"], ["A", "B"]]),
                benefit_kind="subsidy",
                benefit_text="—",
            )
        )
    Policy.objects.bulk_create(made)
    policy_ids = list(Policy.objects.values_list("pk", flat=True))
    Policy.towns.through.objects.bulk_create(
        Policy.towns.through(policy_id=pid, unit_id=rng.choice(towns).pk)
        for pid in policy_ids
        if rng.random() < 0.3
    )
    seen = set()
    benefits = []
    for _ in range(count // 2):
        key = (rng.choice(policy_ids), rng.choice(ids))
        if key not in seen:
            seen.add(key)
            benefits.append(
                Benefit(
                    policy_id=key[0],
                    enterprise_id=key[1],
                    given_on=date(2026, 3, 1),
                    amount=Decimal(1000),
                )
            )
    Benefit.objects.bulk_create(benefits, batch_size=5000)


def measure() -> dict[str, object]:
    from django.db import connection
    from django.db.models import Count

    from sanfu.directory.models import Enterprise
    from sanfu.enterprise.matching import policies_match
    from sanfu.enterprise.models import Policy, PolicyMatch

    started = time.perf_counter()
    first = policies_match()
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    second = policies_match()
    second_seconds = time.perf_counter() - started
    busiest = (
        PolicyMatch.objects.values("policy_id")
        .order_by()
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    policy_id = busiest["policy_id"] if busiest else Policy.objects.values_list("pk", flat=True)[0]
    started = time.perf_counter()
    page = list(
        PolicyMatch.objects.filter(policy_id=policy_id, current=True, state="open")
        .select_related("enterprise", "enterprise__town")
        .order_by("enterprise__name", "pk")[:50]
    )
    total = PolicyMatch.objects.filter(policy_id=policy_id, current=True, state="open").count()
    list_ms = (time.perf_counter() - started) * 1000
    return {
        "database": connection.vendor,
        "enterprises": Enterprise.objects.count(),
        "policies": first.policies,
        "qualified_pairs": first.qualified,
        "qualified_not_received": first.open_pairs,
        "match_seconds_first_run": round(first_seconds, 2),
        "match_seconds_second_run": round(second_seconds, 2),
        "second_run_changes": second.added + second.retired + second.restored,
        "review_list_policy_rows": total,
        "review_list_first_page_ms": round(list_ms, 1),
        "page_rows": len(page),
    }


if __name__ == "__main__":
    main()

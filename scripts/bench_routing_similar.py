"""How fast are similar cases with N cases in the database? Run against PostgreSQL:

    scripts/with-postgres.sh .venv/bin/python scripts/bench_routing_similar.py --count 1000000

Loads what is missing (the demo county, the catalogue, `sanfu seed cases` up to --count), adds
every case to the similar-cases index (with COPY on PostgreSQL: the app's own backfill,
`sanfu routing index`, goes through the ORM and takes longer), then times `similar_cases` for
--queries messages the index has never seen (../shared/data/unlabeled_messages.csv) at random
grids, as a county dispatcher while typing would call it. Prints one JSON line of figures, and
the plan of the candidate query for one of them.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanfu.settings")
os.environ.setdefault("SANFU_DEBUG", "true")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from sanfu.cases.models import Case  # noqa: E402
from sanfu.directory.models import StaffRole, Unit, UnitKind, User  # noqa: E402
from sanfu.routing.keywords import hashed, keyword_weights, signature_text  # noqa: E402
from sanfu.routing.models import CaseSignature  # noqa: E402
from sanfu.routing.names import place_segmenter  # noqa: E402
from sanfu.routing.selectors import similar_cases  # noqa: E402
from sanfu.routing.services import cases_index  # noqa: E402
from sanfu.routing.similar import town_id_of  # noqa: E402

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def ensure_cases(count: int) -> None:
    call_command("migrate", verbosity=0)
    if not Unit.objects.filter(kind=UnitKind.COUNTY).exists():
        log("loading the demo county and the catalogue")
        # A throwaway server's throwaway accounts: nobody logs in to them.
        call_command("seed", "demo", password=secrets.token_urlsafe(12), verbosity=0)
        call_command("catalogue", "load", verbosity=0)
    have = Case.objects.count()
    if have < count:
        log(f"seeding {count - have} cases (have {have})")
        started = time.perf_counter()
        call_command("seed", "cases", count=count - have, seed=7)
        log(f"seeded in {time.perf_counter() - started:.0f} s")


def index_all() -> None:
    missing = Case.objects.exclude(pk__in=CaseSignature.objects.values("case_id"))
    total = missing.count()
    log(f"indexing {total} cases")
    started = time.perf_counter()
    if connection.vendor != "postgresql":
        cases_index(cases=missing.select_related("location_unit").iterator(chunk_size=5000))
    else:
        _index_with_copy(missing)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE routing_caseterm")
            cursor.execute("ANALYZE routing_casesignature")
    log(f"indexed in {time.perf_counter() - started:.0f} s")


def _index_with_copy(missing: Any) -> None:
    """The rows `services.case_index` writes, streamed with COPY (texts repeat: memoised)."""
    paths = dict(Unit.objects.values_list("pk", "path"))
    memo: dict[tuple[str, str], dict[int, float]] = {}
    segmenter = place_segmenter()
    rows = missing.values_list("pk", "title", "text", "location_unit_id", "received_at")
    signatures, terms = io.StringIO(), io.StringIO()
    for done, (pk, title, text, place, received) in enumerate(
        rows.iterator(chunk_size=20_000), start=1
    ):
        key = (title, text)
        if key not in memo:
            memo[key] = hashed(keyword_weights(title, text, segmenter=segmenter))
        weights = memo[key]
        signatures.write(f"{pk}\t{signature_text(weights)}\n")
        town = town_id_of(paths[place])
        for term in weights:
            terms.write(f"{pk}\t{town}\t{term}\t{received.isoformat()}\n")
        if done % 100_000 == 0:
            _copy(signatures, terms)
            signatures, terms = io.StringIO(), io.StringIO()
            log(f"indexed {done}")
    _copy(signatures, terms)


def _copy(signatures: io.StringIO, terms: io.StringIO) -> None:
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy("COPY routing_casesignature (case_id, terms) FROM STDIN") as copy:
            copy.write(signatures.getvalue())
        with raw.copy(
            "COPY routing_caseterm (case_id, town_id, term, received_at) FROM STDIN"
        ) as copy:
            copy.write(terms.getvalue())


def dispatcher() -> User:
    user = User.objects.filter(
        memberships__role=StaffRole.DISPATCHER, memberships__unit__kind=UnitKind.COUNTY
    ).first()
    if user is None:
        raise SystemExit("no county dispatcher: load the demo county first")
    return user


def queries(count: int, seed: int) -> list[tuple[str, str]]:
    with (DATA / "unlabeled_messages.csv").open(encoding="utf-8-sig", newline="") as lines:
        rows = [(r["title"], r["text"]) for r in csv.DictReader(lines)]
    return random.Random(seed).sample(rows, count)  # noqa: S311 - a benchmark's sample


def measure(count: int, seed: int) -> dict[str, Any]:
    user = dispatcher()
    grids = list(Unit.objects.filter(kind=UnitKind.GRID, is_active=True))
    rng = random.Random(seed)  # noqa: S311 - a benchmark's sample
    texts = queries(count, seed)
    # Warm up: the IDF table, jieba's dictionary and the connection are loaded once a process.
    similar_cases(user=user, title=texts[0][0], text=texts[0][1], place=grids[0])
    times, found, started_cpu = [], [], time.process_time()
    for title, text in texts:
        started = time.perf_counter()
        result = similar_cases(user=user, title=title, text=text, place=rng.choice(grids))
        times.append((time.perf_counter() - started) * 1000)
        found.append(len(result))
    times.sort()
    return {
        "engine": connection.vendor,
        "cases": Case.objects.count(),
        "index_rows": _index_rows(),
        "queries": count,
        "ms_p50": round(statistics.median(times), 2),
        "ms_p95": round(times[int(0.95 * (len(times) - 1))], 2),
        "ms_max": round(times[-1], 2),
        "ms_mean": round(statistics.fmean(times), 2),
        "client_cpu_ms_mean": round((time.process_time() - started_cpu) * 1000 / count, 2),
        "mean_results": round(statistics.fmean(found), 2),
        "load_average": os.getloadavg(),
    }


def _index_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'routing_caseterm'")
        row = cursor.fetchone()
    return int(row[0]) if row else -1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-load", action="store_true", help="measure what is there")
    args = parser.parse_args()
    if not args.skip_load:
        ensure_cases(args.count)
        index_all()
    print(json.dumps(measure(args.queries, args.seed)), flush=True)


if __name__ == "__main__":
    main()

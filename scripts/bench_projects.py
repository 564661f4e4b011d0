"""Projects benchmarks (issue 15's targets); prints one JSON object, progress on stderr.

    scripts/with-postgres.sh .venv/bin/python scripts/bench_projects.py \\
        [--projects 50000] [--reports 10] [--targets 2000] [--acks 500] [--repeat 15]

On a fresh database (it migrates, then loads a synthetic county): `--projects` projects over
the last 12 months with `--reports` progress reports each; an open emergency with `--targets`
targets on its board and a warning to `--acks` staff. It measures
- the project list filtered by town and kind (first page and its count), as a leader sees it;
- the project figures for the county over 12 months;
- the emergency board's refresh (the selector and its template) while targets are updated;
- acknowledgements per second through the staff API (each staff member's own token).
Medians over `--repeat` runs, in milliseconds. The machine is shared: read them as upper bounds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanfu.settings")
os.environ.setdefault("SANFU_DEBUG", "true")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from sanfu.api.keys import staff_token_create  # noqa: E402
from sanfu.directory import services as directory  # noqa: E402
from sanfu.directory.models import Membership, StaffRole, Unit, UnitKind, User  # noqa: E402
from sanfu.projects import figures, selectors, services  # noqa: E402
from sanfu.projects.models import (  # noqa: E402
    EarlyWarning,
    Kind,
    Origin,
    ProgressReport,
    Project,
    ProjectPlace,
    Receipt,
    State,
    Target,
)

BATCH = 5000


def say(message: str) -> None:
    print(f"bench projects: {message}", file=sys.stderr, flush=True)


def median_ms(action: Callable[[], object], repeat: int) -> float:
    action()  # warm the caches once, as a live server would be
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def county_tree(towns: int = 12, villages: int = 20) -> tuple[Unit, list[Unit], Unit]:
    county = directory.unit_create(kind=UnitKind.COUNTY, name="基准县", code="BX", parent=None)
    town_units = []
    for t in range(towns):
        town = directory.unit_create(
            kind=UnitKind.TOWN, name=f"基准镇{t}", code=f"BX{t:02d}", parent=county
        )
        town_units.append(town)
        for v in range(villages):
            directory.unit_create(
                kind=UnitKind.VILLAGE, name=f"基准村{t}-{v}", code=f"BX{t:02d}{v:03d}", parent=town
            )
    department = directory.unit_create(
        kind=UnitKind.DEPARTMENT, name="基准局", code="BXD1", parent=county
    )
    return county, town_units, department


def staff(username: str, unit: Unit, role: str) -> User:
    user = User.objects.create_user(username=username, password=None, full_name=username)
    directory.membership_grant(user=user, unit=unit, role=role)
    return user


def load_projects(
    county: Unit, leader: User, department: Unit, count: int, reports: int, rng: random.Random
) -> None:
    villages = list(Unit.objects.filter(kind=UnitKind.VILLAGE))
    now = timezone.now()
    kinds = [Kind.PROBLEM, Kind.PROBLEM, Kind.TASK_FORCE, Kind.CO_BUILDING]
    for start in range(0, count, BATCH):
        rows = []
        for _ in range(min(BATCH, count - start)):
            posed = now - timedelta(days=rng.uniform(1, 365))
            accepted = posed + timedelta(days=rng.uniform(0.5, 10))
            ends = (accepted + timedelta(days=rng.randint(30, 200))).date()
            done = accepted + timedelta(days=rng.randint(20, 220))
            finished = done < now and rng.random() < 0.8
            rows.append(
                Project(
                    county=county,
                    kind=rng.choice(kinds),
                    title=f"基准项目{start}",
                    origin=Origin.GRASSROOTS,
                    posed_by=leader,
                    posed_by_unit=county,
                    posed_at=posed,
                    owning_unit=county,
                    answering_unit=department,
                    state=State.FINISHED if finished else State.IN_PROGRESS,
                    accepted_at=accepted,
                    started_at=accepted,
                    ends_on=ends,
                    finished_at=done if finished else None,
                    finished_on_time=(done.date() <= ends) if finished else None,
                )
            )
        made = Project.objects.bulk_create(rows)
        ProjectPlace.objects.bulk_create(
            [ProjectPlace(project=p, unit=rng.choice(villages)) for p in made]
        )
        Target.objects.bulk_create(
            [
                Target(
                    project=p,
                    label="数量",
                    measure="个",
                    goal=100,
                    achieved=rng.randint(0, 100),
                    opened_at=p.posed_at,
                )
                for p in made
            ]
        )
        report_rows = [
            ProgressReport(
                project=p,
                author=leader,
                unit=department,
                at=p.posed_at + timedelta(days=i),
                text="进展",
            )
            for p in made
            for i in range(reports)
        ]
        ProgressReport.objects.bulk_create(report_rows, batch_size=BATCH)
        say(f"{start + len(made)} projects")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=50_000)
    parser.add_argument("--reports", type=int, default=10)
    parser.add_argument("--targets", type=int, default=2000)
    parser.add_argument("--acks", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--ack-clients", type=int, default=8)
    args = parser.parse_args()
    rng = random.Random(15)  # noqa: S311 - synthetic data
    call_command("migrate", verbosity=0)
    if Project.objects.exists():
        raise SystemExit("bench projects: run it on an empty database")
    county, towns, department = county_tree()
    leader = staff("bench-leader", county, StaffRole.LEADER)
    started = time.perf_counter()
    load_projects(county, leader, department, args.projects, args.reports, rng)
    loaded = time.perf_counter() - started
    if _postgres():
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    town = towns[0]

    def project_list() -> object:
        projects = selectors.project_list(user=leader, town=town, kind=Kind.PROBLEM)
        return list(projects[:50]), projects.count()

    def county_figures() -> object:
        return figures.figures_for(user=leader)

    result: dict[str, Any] = {
        "database": _vendor(),
        "projects": args.projects,
        "progress_reports": args.projects * args.reports,
        "load_seconds": round(loaded, 1),
        "list_by_town_and_kind_ms": median_ms(project_list, args.repeat),
        "figures_12_months_ms": median_ms(county_figures, args.repeat),
    }
    result.update(board_and_acks(leader, towns, args, rng))
    print(json.dumps(result, ensure_ascii=False))


def board_and_acks(
    leader: User, towns: list[Unit], args: argparse.Namespace, rng: random.Random
) -> dict[str, Any]:
    per_town = max(args.targets // len(towns), 1)
    board_targets = [
        services.BoardTarget(f"目标{i}", "个", 100, town, hours=48)
        for town in towns
        for i in range(per_town)
    ]
    project = services.incident_open(
        actor=leader, title="基准台风", incident_kind="typhoon", towns=towns, targets=board_targets
    )
    members = [
        staff(f"bench-ack-{i}", towns[i % len(towns)], StaffRole.TOWN_STAFF)
        for i in range(args.acks)
    ]
    warning = services.warning_send(actor=leader, project_id=project.pk, text="请到岗")
    targets = list(project.targets.values_list("pk", flat=True))
    updater = leader  # may count any town's target

    def render() -> object:
        board = selectors.board(project=project)
        return render_to_string(
            "projects/_board.html", {"board": board, "project": project, "receipt": None}
        )

    # One update lands between refreshes, as on a live board; each is timed on its own.
    update_times, refresh_times = [], []
    render()
    for _ in range(args.repeat):
        start = time.perf_counter()
        services.target_update(actor=updater, target_id=rng.choice(targets), delta=1)
        update_times.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        render()
        refresh_times.append((time.perf_counter() - start) * 1000)
    board_ms = round(statistics.median(refresh_times), 1)
    update_ms = round(statistics.median(update_times), 1)
    ack_start = time.perf_counter()
    for user in members[: args.acks // 2]:
        services.project_warning_acknowledge(actor=user, project_id=project.pk)
    service_rate = (args.acks // 2) / (time.perf_counter() - ack_start)
    tokens = [staff_token_create(user=user, name="bench")[1] for user in members[args.acks // 2 :]]
    # The API's half: a quarter with one client in turn, a quarter with --ack-clients at once
    # (threads, each its own connection: the database's commits overlap as on a live server).
    one, many = tokens[: len(tokens) // 2], tokens[len(tokens) // 2 :]
    statuses: dict[int, int] = {}
    one_rate = _api_acks(project.pk, [one], statuses)
    clients = max(1, args.ack_clients)
    many_rate = _api_acks(project.pk, [many[i::clients] for i in range(clients)], statuses)
    acknowledged = Receipt.objects.filter(warning=warning, acknowledged_at__isnull=False).count()
    return {
        "board_targets": len(targets),
        "board_refresh_ms": board_ms,
        "target_update_ms": update_ms,
        "acks_per_second_service": round(service_rate, 1),
        "acks": args.acks,
        "acks_recorded": acknowledged,
        "acks_per_second_api_one_client": round(one_rate, 1),
        f"acks_per_second_api_{clients}_clients": round(many_rate, 1),
        "ack_statuses": statuses,
        "warning_recipients": Membership.objects.filter(unit__in=towns).count(),
        "warnings": EarlyWarning.objects.count(),
    }


def _api_acks(project_id: int, shares: list[list[str]], statuses: dict[int, int]) -> float:
    """Acknowledgements per second, each share of tokens posted in turn by its own client."""
    from django.db import connection

    lock = threading.Lock()

    def post_all(share: list[str]) -> None:
        client = Client(HTTP_HOST="localhost")
        try:
            for token in share:
                response = client.post(
                    f"/api/projects/{project_id}/acknowledge",
                    HTTP_AUTHORIZATION=f"Bearer {token}",
                    secure=True,
                )
                with lock:
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        finally:
            if len(shares) > 1:
                connection.close()

    start = time.perf_counter()
    if len(shares) == 1:
        post_all(shares[0])
    else:
        threads = [threading.Thread(target=post_all, args=(share,)) for share in shares]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return sum(len(share) for share in shares) / (time.perf_counter() - start)


def _vendor() -> str:
    from django.db import connection

    return connection.vendor


def _postgres() -> bool:
    return _vendor() == "postgresql"


if __name__ == "__main__":
    main()

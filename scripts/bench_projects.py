"""Projects benchmarks (issue 15's targets); prints one JSON object, progress on stderr.

    scripts/with-postgres.sh .venv/bin/python scripts/bench_projects.py \\
        [--projects 50000] [--reports 10] [--targets 2000] [--acks 2000] [--repeat 15] \\
        [--clients 16] [--workers 2] [--threads 4] [--rounds 3] [--compare DIR]

On a fresh database (it migrates, then loads a synthetic county): `--projects` projects over
the last 12 months with `--reports` progress reports each; an open emergency with `--targets`
targets on its board and a warning to `--acks` staff. It measures
- the project list filtered by town and kind (first page and its count), as a leader sees it;
- the project figures for the county over 12 months;
- the emergency board's refresh while targets are updated: the selector and its template, and
  the whole request the wall screen repeats (`board/live/`, a logged-in leader, in-process);
- acknowledgements per second: through the service in a process of its own, and through the
  staff API served by gunicorn (gthread, `--workers` x `--threads`, as `sanfu serve` runs it)
  on the loopback, one client and `--clients` clients at once, each staff member with their
  own fresh token (so every request also records the token's first use). Beside the rates,
  the CPU each acknowledgement cost the server's workers, the database server and the
  clients: the machine is shared, so a rate says what this machine did meanwhile, the CPU
  what the code costs (2 cores give at most 2000 / (server + database) acknowledgements/s).

`--compare DIR` serves the API (and runs the service) from another checkout too, e.g. main:
`git archive main | tar -x -C /tmp/main-src`. The two take turns over `--rounds` rounds on the
same database (every receipt and token reset between turns), and the medians are printed per
checkout. Medians in milliseconds; read them as upper bounds on a shared machine.

2026-12-05, 2 cores at load average 10-15 (other work), PostgreSQL 15, the defaults and
`--repeat 9 --compare` main: server CPU per API acknowledgement 2.4 ms (main 5.1), database
1.0 ms (main 1.4), so 2 idle cores give about 2000 / 3.5 = 570 a second (main 310); measured
under that load 164/s with 16 clients (main 72), the service alone 527/s (main 74).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

# `--compare` runs this script again with another checkout's code first on the path.
CODE = Path(os.environ.get("SANFU_BENCH_CODE", Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(CODE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanfu.settings")
# Production settings (no query log), over plain http on the loopback.
os.environ.setdefault("SANFU_HTTPS", "false")
os.environ.setdefault("SANFU_SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("SANFU_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from sanfu.api.keys import staff_token_create  # noqa: E402
from sanfu.api.models import StaffToken  # noqa: E402
from sanfu.directory import services as directory  # noqa: E402
from sanfu.directory.models import StaffRole, Unit, UnitKind, User  # noqa: E402
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
    parser.add_argument("--acks", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compare", type=Path, help="another checkout, served in turn")
    parser.add_argument("--service-acks", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.service_acks:  # the child process of service_rate()
        print(json.dumps(_service_acks(json.loads(args.service_acks.read_text()))))
        return
    rng = random.Random(15)  # noqa: S311 - synthetic data
    call_command("migrate", verbosity=0)
    if Project.objects.exists():
        raise SystemExit("bench projects: run it on an empty database")
    say(f"load average {_load()}")
    county, towns, department = county_tree()
    leader = staff("bench-leader", county, StaffRole.LEADER)
    started = time.perf_counter()
    load_projects(county, leader, department, args.projects, args.reports, rng)
    loaded = time.perf_counter() - started
    if _postgres():
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
    project, members = emergency(leader, towns, args)
    result.update(board(leader, project, args, rng))
    result.update(acks(project, members, args))
    result["load_average_after"] = _load()
    print(json.dumps(result, ensure_ascii=False, indent=1))


def emergency(
    leader: User, towns: list[Unit], args: argparse.Namespace
) -> tuple[Project, list[User]]:
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
    services.warning_send(actor=leader, project_id=project.pk, text="请到岗")
    return project, members


def board(
    leader: User, project: Project, args: argparse.Namespace, rng: random.Random
) -> dict[str, Any]:
    """The board while it is updated: one update lands before each refresh, as on a live board."""
    targets = list(project.targets.values_list("pk", flat=True))
    client = Client(HTTP_HOST="localhost")
    client.force_login(leader)
    live = f"/projects/{project.pk}/board/live/"

    def render() -> object:
        board = selectors.board(project=project)
        return render_to_string(
            "projects/_board.html", {"board": board, "project": project, "receipt": None}
        )

    def fetch() -> object:
        response = client.get(live)
        assert response.status_code == 200, response.status_code  # noqa: S101
        return response

    timed: dict[str, list[float]] = {"update": [], "render": [], "request": [], "request_cpu": []}
    render(), fetch()
    for _ in range(args.repeat):
        start = time.perf_counter()
        services.target_update(actor=leader, target_id=rng.choice(targets), delta=1)
        timed["update"].append(time.perf_counter() - start)
        start = time.perf_counter()
        render()
        timed["render"].append(time.perf_counter() - start)
        start, cpu = time.perf_counter(), time.process_time()
        fetch()
        timed["request"].append(time.perf_counter() - start)
        timed["request_cpu"].append(time.process_time() - cpu)

    def ms(key: str) -> float:
        return round(statistics.median(timed[key]) * 1000, 1)

    return {
        "board_targets": len(targets),
        "board_refresh_ms": ms("render"),
        "board_refresh_request_ms": ms("request"),
        "board_refresh_request_cpu_ms": ms("request_cpu"),
        "target_update_ms": ms("update"),
    }


# --- acknowledgements -------------------------------------------------------------------------


def acks(project: Project, members: list[User], args: argparse.Namespace) -> dict[str, Any]:
    """Acknowledgement rates for this checkout and, in turn, the `--compare` one."""
    warning = project.warnings.get()
    tokens = {}
    for user in members:
        tokens[user.pk] = staff_token_create(user=user, name="bench")[1]
    checkouts = {"this": CODE}
    if args.compare:
        checkouts["compare"] = args.compare.resolve()
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name in checkouts}
    statuses: Counter[int] = Counter()
    for number in range(args.rounds):
        for name, code in checkouts.items():
            say(f"acknowledgements, round {number + 1}, {name} ({code})")
            rounds[name].append(ack_round(code, project, warning, tokens, args, statuses))
    result: dict[str, Any] = {
        "acks": len(members),
        "warning_recipients": Receipt.objects.filter(warning=warning).count(),
        "ack_statuses": dict(statuses),
        "ack_server": f"gunicorn gthread {args.workers} workers x {args.threads} threads",
        "ack_rounds": args.rounds,
    }
    for name, code in checkouts.items():
        result[f"acks_{name}"] = {"code": str(code)} | {
            key: round(statistics.median(r[key] for r in rounds[name]), 2)
            for key in rounds[name][0]
        }
    return result


def _reset(warning: EarlyWarning) -> None:
    """Every receipt unanswered and every token never used, as when the warning went out."""
    Receipt.objects.filter(warning=warning).update(acknowledged_at=None)
    StaffToken.objects.update(last_used_at=None)


def ack_round(
    code: Path,
    project: Project,
    warning: EarlyWarning,
    tokens: dict[int, str],
    args: argparse.Namespace,
    statuses: Counter[int],
) -> dict[str, float]:
    users = list(tokens)
    _reset(warning)
    figures = {"service_per_second": round(service_rate(code, project.pk, users), 1)}
    _recorded(warning, len(users))
    _reset(warning)
    one = [tokens[pk] for pk in users[: len(users) // 4]]
    with Server(code, args.workers, args.threads) as server:
        figures |= {f"api_1_client_{k}": v for k, v in server.acks(project.pk, one, 1).items()}
        _reset(warning)
        many = list(tokens.values())
        figures |= {
            f"api_{args.clients}_clients_{k}": v
            for k, v in server.acks(project.pk, many, args.clients).items()
        }
        statuses.update(server.statuses)
    _recorded(warning, len(users))
    return figures


def _recorded(warning: EarlyWarning, expected: int) -> None:
    recorded = Receipt.objects.filter(warning=warning, acknowledged_at__isnull=False).count()
    if recorded != expected:
        raise SystemExit(f"bench projects: {recorded} of {expected} acknowledgements recorded")


def service_rate(code: Path, project_id: int, users: list[int]) -> float:
    """Acknowledgements per second through the service, one after another, in a process that
    runs `code` (so a `--compare` checkout is measured with its own service)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as job:
        json.dump({"project": project_id, "users": users}, job)
    try:
        out = subprocess.run(  # noqa: S603 - this script, again
            [sys.executable, __file__, "--service-acks", job.name],
            env=os.environ | {"SANFU_BENCH_CODE": str(code), "PYTHONPATH": str(code)},
            check=True,
            capture_output=True,
            text=True,
        )
    finally:
        Path(job.name).unlink()
    return float(json.loads(out.stdout.strip().splitlines()[-1])["rate"])


def _service_acks(job: dict[str, Any]) -> dict[str, float]:
    actors = list(User.objects.filter(pk__in=job["users"]))
    services.project_warning_acknowledge(actor=actors[0], project_id=job["project"])  # warm
    start = time.perf_counter()
    for actor in actors[1:]:
        services.project_warning_acknowledge(actor=actor, project_id=job["project"])
    return {"rate": (len(actors) - 1) / (time.perf_counter() - start)}


class Server:
    """gunicorn serving `code` on a free loopback port, as `sanfu serve` would (gthread)."""

    def __init__(self, code: Path, workers: int, threads: int) -> None:
        self.code, self.workers, self.threads = code, workers, threads
        self.statuses: Counter[int] = Counter()

    def __enter__(self) -> Server:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn, on the loopback
            [
                str(gunicorn),
                "sanfu.wsgi:application",
                f"--chdir={self.code}",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={self.workers}",
                f"--threads={self.threads}",
                "--worker-class=gthread",
                "--access-logfile=-",  # as `sanfu serve` logs, to nowhere here
                "--log-level=warning",
            ],
            env=os.environ | {"PYTHONPATH": str(self.code)},
            stdout=subprocess.DEVNULL,
        )
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait()

    def acks(self, project_id: int, tokens: list[str], clients: int) -> dict[str, float]:
        """`tokens` acknowledged over `clients` kept-alive connections, each in a thread; the
        rate and the CPU milliseconds per acknowledgement of server, database and clients."""
        path = f"/api/projects/{project_id}/acknowledge"
        lock = threading.Lock()
        for _ in range(4 * self.workers):  # each worker loads lazily: a few 401s warm them
            self._post(path, "warm-up")

        def run(share: list[str]) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            seen: Counter[int] = Counter()
            for token in share:
                seen[self._post(path, token, conn)] += 1
            conn.close()
            with lock:
                self.statuses.update(seen)

        threads = [threading.Thread(target=run, args=(tokens[i::clients],)) for i in range(clients)]
        cpu = _cpu_seconds(self.process.pid), _database_cpu_seconds(), time.process_time()
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        spent = time.perf_counter() - start
        used = (
            _cpu_seconds(self.process.pid) - cpu[0],
            _database_cpu_seconds() - cpu[1],
            time.process_time() - cpu[2],
        )
        per = 1000 / len(tokens)
        return {
            "per_second": round(len(tokens) / spent, 1),
            "server_cpu_ms": round(used[0] * per, 2),
            "database_cpu_ms": round(used[1] * per, 2),
            "client_cpu_ms": round(used[2] * per, 2),
        }

    def _post(self, path: str, token: str, conn: http.client.HTTPConnection | None = None) -> int:
        own = conn is None
        conn = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.request(
            "POST",
            path,
            headers={
                "Host": "127.0.0.1",
                "Authorization": f"Bearer {token}",
                "Content-Length": "0",
            },
        )
        response = conn.getresponse()
        response.read()
        if own:
            conn.close()
        return response.status


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process's children (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _database_cpu_seconds() -> float:
    """CPU time of the PostgreSQL server's processes when it runs on this machine (its
    postmaster.pid names the parent), else 0."""
    if not _postgres():
        return 0.0
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW data_directory")
            folder = cursor.fetchone()[0]
        pid = int(Path(folder, "postmaster.pid").read_text().split()[0])
        return _cpu_seconds(pid)
    except (OSError, ValueError, IndexError):
        return 0.0


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _vendor() -> str:
    return connection.vendor


def _postgres() -> bool:
    return _vendor() == "postgresql"


if __name__ == "__main__":
    main()

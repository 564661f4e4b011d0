"""The survey half of scripts/bench_frontdoor.py (it needs Django and a database)."""

from __future__ import annotations

import json
import os
import random
import re
import secrets
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

QUESTIONS = 30
FORM = "application/x-www-form-urlencoded"


class KeepSms:
    """An SMS backend that keeps the last code per phone, so the bench can type it in."""

    codes: dict[str, str] = {}

    def send(self, phone: str, text: str) -> None:
        found = re.search(r"\d{6}", text)
        if found:
            KeepSms.codes[phone] = found.group(0)


def _setup() -> None:
    if "DATABASE_URL" not in os.environ:
        folder = tempfile.mkdtemp(prefix="sanfu-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        os.environ.setdefault("SANFU_DATA_DIR", folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanfu.settings")
    # Production settings (no DEBUG: it would keep every query in memory and slow the pages).
    os.environ.setdefault("SANFU_SECRET_KEY", secrets.token_urlsafe(40))
    os.environ["SANFU_ALLOWED_HOSTS"] = "testserver"
    os.environ["SANFU_SMS_BACKEND"] = "bench_frontdoor_surveys.KeepSms"
    os.environ["SANFU_NOTIFY_TRANSPORTS"] = "sms"
    import django

    django.setup()
    from django.conf import settings

    # Pages name static files; without a collectstatic run there is no manifest to look in.
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _survey() -> Any:
    from django.utils import timezone

    from sanfu.directory import services
    from sanfu.directory.models import StaffRole, UnitKind, User
    from sanfu.frontdoor import surveys

    stamp = str(int(time.time()))
    county = services.unit_create(
        kind=UnitKind.COUNTY, name=f"测试县{stamp}", code=f"B{stamp}", parent=None
    )
    for n in range(5):
        services.unit_create(
            kind=UnitKind.TOWN, name=f"第{n}镇", code=f"B{stamp}{n:02d}", parent=county
        )
    author = User.objects.create_user(username=f"bench-{stamp}", password=None)
    services.membership_grant(user=author, unit=county, role=StaffRole.LEADER)
    today = timezone.localdate()
    survey = surveys.survey_create(
        actor=author,
        area=county,
        title_zh="基准测试问卷",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=1),
    )
    kinds = ["single", "multiple", "scale", "text"]
    for number in range(QUESTIONS):
        kind = kinds[number % 4]
        surveys.question_add(
            actor=author,
            survey_id=survey.pk,
            kind=kind,
            label_zh=f"第{number + 1}题",
            choices=surveys.choices_parse("甲\n乙\n丙\n丁")
            if kind in ("single", "multiple")
            else None,
            required=kind != "text",
        )
    return surveys.survey_publish(actor=author, survey_id=survey.pk), author


def _form(rng: random.Random, towns: list[int]) -> dict[str, Any]:
    data: dict[str, Any] = {"town": rng.choice(towns)}
    kinds = ["single", "multiple", "scale", "text"]
    for number in range(1, QUESTIONS + 1):
        kind = kinds[(number - 1) % 4]
        if kind == "single":
            data[f"q{number}"] = str(rng.randrange(4))
        elif kind == "multiple":
            data[f"q{number}"] = [str(i) for i in range(4) if rng.random() < 0.5] or ["0"]
        elif kind == "scale":
            data[f"q{number}"] = str(rng.randint(1, 5))
        else:
            data[f"q{number}"] = rng.choice(["路灯不亮", "停车难", "很好", "希望延长办事时间"])
    return data


def _answers_through_the_portal(
    survey: Any, count: int, rng: random.Random, start: int = 0
) -> dict[str, Any]:
    from django.test import Client

    from sanfu.frontdoor.surveys import towns_of

    towns = [t.pk for t in towns_of(survey)]
    client = Client()
    url = f"/surveys/{survey.pk}/"
    spent = 0.0
    for n in range(count):
        phone = f"139{start + n:08d}"
        # Each resident on their own phone network: the code limits count per address.
        address = f"10.{(start + n) // 65536 % 256}.{(start + n) // 256 % 256}.{(start + n) % 256}"
        sent = client.post(
            url, {"action": "code", "phone": phone}, secure=True, REMOTE_ADDR=address
        )
        assert sent.status_code == 200, sent.content[:300]  # noqa: S101 - a bench's sanity check
        data = _form(rng, towns) | {"phone": phone, "code": KeepSms.codes[phone]}
        started = time.perf_counter()
        # As a browser sends a form: urlencoded, not the test client's default multipart.
        answered = client.post(
            url,
            urlencode(data, doseq=True),
            content_type=FORM,
            secure=True,
            REMOTE_ADDR=address,
        )
        spent += time.perf_counter() - started
        assert answered.status_code == 302, answered.content[:300]  # noqa: S101
    return {
        "answers": count,
        "seconds": round(spent, 2),
        "answers_per_second": round(count / spent, 1),
    }


def _fill(survey: Any, total: int, rng: random.Random) -> None:
    """Responses up to `total`, their answer rows written as tuples (as the portal writes them)."""
    from django.db import connection, transaction

    from sanfu.frontdoor.models import Answer, Response

    questions = list(survey.questions.order_by("number"))
    towns = [t.pk for t in survey.area.children.all()]
    have = Response.objects.filter(survey=survey).count()
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(Answer._meta.db_table)} "  # noqa: S608 - the model's own names
        '("response_id", "question_id", "choice", "value", "text") VALUES (%s, %s, %s, %s, %s)'
    )
    batch = 2000
    while have < total:
        size = min(batch, total - have)
        with transaction.atomic():
            responses = Response.objects.bulk_create(
                Response(
                    survey=survey,
                    town_id=rng.choice(towns),
                    anonymous=True,
                    sender=f"bench{have + i}",
                )
                for i in range(size)
            )
            rows: list[tuple[int, int, int | None, int | None, str]] = []
            for response in responses:
                for question in questions:
                    pk = response.pk
                    if question.kind == "single":
                        rows.append((pk, question.pk, rng.randrange(4), None, ""))
                    elif question.kind == "multiple":
                        rows.extend(
                            (pk, question.pk, i, None, "") for i in range(4) if rng.random() < 0.5
                        )
                    elif question.kind == "scale":
                        rows.append((pk, question.pk, None, rng.randint(1, 5), ""))
                    else:
                        rows.append((pk, question.pk, None, None, "停车难"))
            with connection.cursor() as cursor:
                cursor.executemany(sql, rows)
        have += size


def _results_page(survey: Any, author: Any) -> dict[str, Any]:
    from django.test import Client

    from sanfu.frontdoor.models import Answer, Response

    client = Client()
    client.force_login(author)
    url = f"/frontdoor/surveys/{survey.pk}/results/"
    started = time.perf_counter()
    first = client.get(url, secure=True)  # the first view after the fill
    first_ms = (time.perf_counter() - started) * 1000
    assert first.status_code == 200  # noqa: S101
    times = []
    for _ in range(5):
        started = time.perf_counter()
        page = client.get(url, secure=True)
        times.append((time.perf_counter() - started) * 1000)
        assert page.status_code == 200  # noqa: S101
    return {
        "responses": Response.objects.filter(survey=survey).count(),
        "answer_rows": Answer.objects.filter(question__survey=survey).count(),
        "results_page_ms_first": round(first_ms, 1),
        "results_page_ms_median": round(sorted(times)[2], 1),
        "results_page_ms_max": round(max(times), 1),
    }


def survey_bench(*, answers: int, results: int) -> None:
    _setup()
    from django.db import connection

    rng = random.Random(1)  # noqa: S311 - a repeatable benchmark, not a secret
    survey, author = _survey()
    figures: dict[str, Any] = {"database": connection.vendor, "questions": QUESTIONS}
    figures["portal"] = _answers_through_the_portal(survey, answers, rng)
    started = time.perf_counter()
    _fill(survey, results, rng)
    figures["fill_seconds"] = round(time.perf_counter() - started, 1)
    figures["results"] = _results_page(survey, author)
    print(json.dumps(figures, ensure_ascii=False, indent=2))


# --- several clients over HTTP, against gunicorn ----------------------------------------------


class FileSms:
    """The served process's SMS backend: appends `phone code` lines to $SANFU_BENCH_CODES."""

    def send(self, phone: str, text: str) -> None:
        found = re.search(r"\d{6}", text)
        if found:
            with open(os.environ["SANFU_BENCH_CODES"], "a", encoding="utf-8") as out:
                out.write(f"{phone} {found.group(0)}\n")


def make_app() -> Any:
    """gunicorn's factory (`bench_frontdoor_surveys:make_app()`): the site without collected
    static files, as _setup serves it."""
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    from django.conf import settings

    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    return application


class Resident:
    """One resident's connection: the page's cookie and token, a code, then the answer."""

    def __init__(self, port: int, number: int) -> None:
        self.port = port
        self.phone = f"137{number:08d}"
        self.address = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
        self.cookie = ""
        self.token = ""

    def _send(self, conn: Any, method: str, path: str, body: str = "") -> tuple[int, bytes]:
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            "Origin": f"https://127.0.0.1:{self.port}",
            "Cookie": self.cookie,
        }
        if body:
            headers["Content-Type"] = FORM
        conn.request(method, path, body=body.encode() if body else None, headers=headers)
        reply = conn.getresponse()
        data = reply.read()
        for value in reply.headers.get_all("Set-Cookie") or []:
            if value.startswith("csrftoken="):
                self.cookie = value.split(";", 1)[0]
        return reply.status, data

    def ask_code(self, conn: Any, path: str) -> None:
        status, page = self._send(conn, "GET", path)
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert status == 200, status  # noqa: S101 - a bench's sanity check
        assert found, page[:300]  # noqa: S101
        self.token = found.group(1).decode()
        body = urlencode({"csrfmiddlewaretoken": self.token, "action": "code", "phone": self.phone})
        status, page = self._send(conn, "POST", path, body)
        assert status == 200, page[:300]  # noqa: S101

    def answer(self, conn: Any, path: str, data: dict[str, Any]) -> float:
        """Post the answers; the seconds from sending to the whole reply read."""
        body = urlencode(data | {"csrfmiddlewaretoken": self.token}, doseq=True)
        started = time.perf_counter()
        status, page = self._send(conn, "POST", path, body)
        took = time.perf_counter() - started
        assert status == 302, (status, page[:300])  # noqa: S101
        return took


def _in_threads(clients: int, work: list[Any], act: Any, port: int) -> float:
    import http.client
    import threading

    chunks = [work[i::clients] for i in range(clients)]

    def run(chunk: list[Any]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for item in chunk:
            act(conn, item)
        conn.close()

    threads = [threading.Thread(target=run, args=(chunk,)) for chunk in chunks]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def http_bench(*, answers: int, clients: int, workers: int, threads: int) -> None:
    """`answers` residents, spread over `clients` connections, against gunicorn with
    `workers` × `threads`: asking for codes is set-up; the answers' POSTs are timed."""
    import socket
    import subprocess
    import sys

    _setup()
    from sanfu.frontdoor.surveys import towns_of

    survey, _author = _survey()
    towns = [t.pk for t in towns_of(survey)]
    folder = Path(tempfile.mkdtemp(prefix="sanfu-bench-codes-"))
    env = os.environ | {
        "SANFU_SMS_BACKEND": "bench_frontdoor_surveys.FileSms",
        "SANFU_BENCH_CODES": str(folder / "codes.txt"),
        "SANFU_TRUST_PROXY_HEADERS": "true",
        "SANFU_ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONPATH": str(Path(__file__).resolve().parent),
    }
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, on the loopback
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "bench_frontdoor_surveys:make_app()",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            f"--threads={threads}",
            "--worker-class=gthread",
            "--log-level=warning",
        ],
        env=env,
    )
    try:
        path = f"/surveys/{survey.pk}/"
        _wait_for(port)
        residents = [Resident(port, n) for n in range(answers)]
        _in_threads(clients, residents, lambda conn, r: r.ask_code(conn, path), port)
        codes = dict(line.split() for line in (folder / "codes.txt").read_text().splitlines())
        rng = random.Random(1)  # noqa: S311 - a repeatable benchmark, not a secret
        work = [
            (r, _form(rng, towns) | {"phone": r.phone, "code": codes[r.phone]}) for r in residents
        ]
        cpu_before = _server_cpu_seconds(server.pid)
        latencies: list[float] = []  # list.append is atomic: the client threads share it
        spent = _in_threads(
            clients,
            work,
            lambda conn, w: latencies.append(w[0].answer(conn, path, w[1])),
            port,
        )
        cpu = _server_cpu_seconds(server.pid) - cpu_before
    finally:
        server.terminate()
        server.wait()
    from django.db import connection

    print(
        json.dumps(
            {
                "database": connection.vendor,
                "questions": QUESTIONS,
                "server": f"gunicorn gthread {workers} workers × {threads} threads",
                "clients": clients,
                "answers": answers,
                "seconds": round(spent, 2),
                "answers_per_second": round(answers / spent, 1),
                # What the server's workers spent per answer, whatever else runs on the
                # machine: the throughput one core would give is 1000 / this.
                "server_cpu_ms_per_answer": round(cpu * 1000 / answers, 1),
                # Each POST as its client saw it, queueing behind the other clients included.
                "latency_ms_p50": round(_percentile(latencies, 0.50) * 1000, 1),
                "latency_ms_p99": round(_percentile(latencies, 0.99) * 1000, 1),
                # The machine's load after the run (1, 5, 15 minutes): others' work shares it.
                "load_average": [round(n, 2) for n in os.getloadavg()],
            },
            indent=2,
        )
    )


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def _server_cpu_seconds(pid: int) -> float:
    """User and system CPU time of gunicorn's workers (Linux /proc; the master is idle)."""
    ticks = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    total = 0
    for child in children:
        fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _wait_for(port: int) -> None:
    import socket

    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")

"""Time and peak memory of refusing each hostile workbook, by the command and by the web upload.

    .venv/bin/python scripts/bench_hostile_xlsx.py [--folder DIR]

Makes the hostile set (tests/lib/hostile_workbooks.py) and a throw-away SQLite database with
one source body, then runs each file in a process of its own under /usr/bin/time:
`sanfu assistance import --source BENCH01 --file …` and a POST to /assistance/imports/ through
Django's test client (the whole request: upload parsing, the form, the refusal page). Prints
seconds and peak resident memory (MB, the whole process, Django included) per file and way.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.lib.hostile_workbooks import HOSTILE, hostile_workbook, plain_workbook  # noqa: E402

SANFU = str(Path(sys.executable).with_name("sanfu"))

_SETUP = """
import django; django.setup()
from sanfu.directory import services
from sanfu.directory.models import StaffRole, Unit, UnitKind, User
county = services.unit_create(kind=UnitKind.COUNTY, name="县", code="BENCH", parent=None)
body = services.unit_create(kind=UnitKind.DEPARTMENT, name="民政局", code="BENCH01", parent=county)
user = User.objects.create_user(username="bench", password="x" * 20, full_name="bench")
services.membership_grant(user=user, unit=body, role=StaffRole.DEPARTMENT_HANDLER)
"""

_POST = """
import resource, sys, time, django; django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from sanfu.directory.models import Unit, User
client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", SERVER_NAME="localhost")
client.force_login(User.objects.get(username="bench"))
source = Unit.objects.get(code="BENCH01").pk
def post(path):
    data = open(path, "rb").read()
    file = SimpleUploadedFile("upload.xlsx", data)
    return client.post("/assistance/imports/", {"source": source, "file": file})
post(sys.argv[2])  # warm: URLs, templates, catalogues loaded
warm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
started = time.monotonic()
response = post(sys.argv[1])
took = time.monotonic() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(response.status_code, warm, peak, f"{took:.2f}", file=sys.stderr)
"""

_COMMAND = """
import io, resource, sys, time, django; django.setup()
from django.core.management import CommandError, call_command
def run(path):
    try:
        call_command("assistance", "import", "--source", "BENCH01", "--file", path,
                     stdout=io.StringIO(), stderr=io.StringIO())
        return "imported"
    except CommandError as error:
        return str(error)
run(sys.argv[2])  # warm
warm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
started = time.monotonic()
said = run(sys.argv[1])
took = time.monotonic() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(said, file=sys.stderr)
print("-", warm, peak, f"{took:.2f}", file=sys.stderr)
"""


def _run(script: str, path: Path, plain: Path, env: dict[str, str]) -> list[str]:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script, str(path), str(plain)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return [line for line in done.stderr.strip().splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folder", type=Path, default=Path(tempfile.mkdtemp()))
    folder: Path = parser.parse_args().folder
    folder.mkdir(parents=True, exist_ok=True)
    data_dir = tempfile.mkdtemp()
    env = {
        **os.environ,
        "SANFU_DEBUG": "true",
        "SANFU_DATA_DIR": data_dir,
        "DATABASE_URL": f"sqlite:///{data_dir}/bench.sqlite3",
        "DJANGO_SETTINGS_MODULE": "sanfu.settings",
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run([SANFU, "migrate", "-v", "0"], env=env, check=True)  # noqa: S603
    subprocess.run([sys.executable, "-c", _SETUP], env=env, check=True)  # noqa: S603
    plain = plain_workbook(folder)
    print("Each way runs in a process of its own, warmed by a plain workbook first; seconds of")
    print("the import (or the whole request), peak RSS of the process before and after, MB.")
    header = ("workbook", "file MB", "cmd s", "warm", "peak", "web s", "warm", "peak", "status")
    print("{:<20}{:>7} {:>6}{:>6}{:>6} {:>6}{:>6}{:>6} {:>6}".format(*header))
    for name in HOSTILE:
        path = hostile_workbook(name, folder)
        command = _run(_COMMAND, path, plain, env)
        web = _run(_POST, path, plain, env)
        _, c_warm, c_peak, c_took = command[-1].split()[-4:]
        status, w_warm, w_peak, w_took = web[-1].split()[-4:]
        size = path.stat().st_size / 1e6
        row = (name, size, c_took, c_warm, c_peak, w_took, w_warm, w_peak, status)
        print("{:<20}{:>7.1f} {:>6}{:>6}{:>6} {:>6}{:>6}{:>6} {:>6}".format(*row))
        print(f"    {command[-2][-100:]}")


if __name__ == "__main__":
    main()

"""Login throttling under parallel guessing: do the accounts get more tries than allowed?

    .venv/bin/python scripts/bench_login_throttle.py [--guessers 20] [--seconds 60]

Twenty threads (each its own client and address) post wrong passwords to /accounts/login/ for
three staff accounts, as fast as the server answers, for the given time; the whole request
runs (middleware, form, backend, throttle table). The script counts how many passwords reached
the hasher per account, then logs in an account nobody guessed at, with its right password,
from another address. Uses a throw-away SQLite file unless DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_DATA = tempfile.mkdtemp()
os.environ.setdefault("SANFU_DEBUG", "true")
os.environ.setdefault("SANFU_DATA_DIR", _DATA)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_DATA}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanfu.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.backends import ModelBackend  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402

from sanfu.directory import logins  # noqa: E402
from sanfu.directory.models import User  # noqa: E402

PASSWORD = "right-horse-battery-1957"  # noqa: S105 - a throw-away database's
TARGETS = ("target-1", "target-2", "target-3")
HOST = "localhost"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--guessers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    for name in (*TARGETS, "bystander"):
        User.objects.create_user(username=name, password=PASSWORD, full_name=name)

    checked: Counter[str] = Counter()
    lock = threading.Lock()
    original = ModelBackend.authenticate

    def counted(self: ModelBackend, request: object, **kwargs: object) -> object:
        with lock:
            checked[str(kwargs.get("username"))] += 1
        return original(self, request, **kwargs)  # type: ignore[arg-type]

    ModelBackend.authenticate = counted  # type: ignore[method-assign]
    tries: Counter[str] = Counter()
    stop = time.monotonic() + options.seconds

    def guess(number: int) -> None:
        client = Client(REMOTE_ADDR=f"10.0.{number // 250}.{number % 250 + 1}", SERVER_NAME=HOST)
        n = 0
        while time.monotonic() < stop:
            target = TARGETS[n % len(TARGETS)]
            answer = client.post(
                "/accounts/login/", {"username": target, "password": f"guess-{number}-{n}"}
            )
            with lock:
                tries["in" if answer.status_code == 302 else "refused"] += 1
            n += 1
        connections.close_all()

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(options.guessers)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.monotonic() - started
    bystander = Client(REMOTE_ADDR="10.200.0.1", SERVER_NAME=HOST).post(
        "/accounts/login/", {"username": "bystander", "password": PASSWORD}
    )
    target = Client(REMOTE_ADDR="10.200.0.2", SERVER_NAME=HOST).post(
        "/accounts/login/", {"username": TARGETS[0], "password": PASSWORD}
    )
    total = sum(tries.values())
    rate = total / took
    print(f"{options.guessers} guessers, {took:.1f} s, {total} wrong-password posts ({rate:.0f}/s)")
    print(f"allowed: {logins.LOGIN_ACCOUNT_TRIES} tries per account per {logins.LOGIN_WINDOW}")
    for name in TARGETS:
        print(f"  {name}: {checked[name]} passwords checked")
    print(f"  logged in by a guess: {tries['in']}")
    unguessed = "logs in" if bystander.status_code == 302 else "REFUSED"
    guessed = "LOGS IN" if target.status_code == 302 else "refused (locked)"
    print(f"right password, unguessed account: {unguessed}")
    print(f"right password, guessed account: {guessed}")
    worst = max(checked[name] for name in TARGETS)
    ok = worst <= logins.LOGIN_ACCOUNT_TRIES and tries["in"] == 0 and bystander.status_code == 302
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

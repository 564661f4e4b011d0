"""The demo's database, loaded in one process: `scripts/demo.sh` runs it before serving.

    DATABASE_URL=sqlite:///… SANFU_DATA_DIR=… .venv/bin/python scripts/demo_load.py

Each step was its own `sanfu …` command, and every one paid Django's start (settings, apps,
the URL map, the catalogues: a few CPU seconds each, tens of seconds on a loaded machine) for
a dozen steps. Here the steps run in order in one process, each still the same management
command, so what the demo shows is exactly what the commands load. Steps that only need doing
once (two years of cases, the similar-cases index) leave a marker in the data folder, as before.
Prints each step's wall and CPU seconds on stderr, so the next slow step is easy to find.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanfu.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.backends.signals import connection_created  # noqa: E402

CASES = 5000


def step(*args: str, quiet: bool = False) -> None:
    started, started_cpu = time.perf_counter(), time.process_time()
    out = StringIO() if quiet else sys.stdout
    call_command(*args, stdout=out)
    seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    print(f"demo load: {' '.join(args)}: {seconds:.1f} s ({cpu:.1f} s CPU)", file=sys.stderr)


def once(marker: str, *args: str) -> None:
    done = Path(settings.DATA_DIR) / marker
    if not done.exists():
        step(*args, quiet=True)
        done.touch()


def train_beside() -> subprocess.Popen[bytes] | None:
    """Smart routing, once: the category router from the labelled messages shipped with the
    code (sanfu/routing/data/README.md). It reads only the catalogue from the database, so it
    trains on the second core while the rest is loaded (it was a minute or more on its own)."""
    if (Path(settings.DATA_DIR) / "routing" / "router.npz").exists():
        return None
    sanfu = Path(sys.executable).parent / "sanfu"
    data = "sanfu/routing/data/routing_train.csv.gz"
    return subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        [str(sanfu), "routing", "train", "--data", data], stdout=subprocess.DEVNULL
    )


def load_pragmas(sender: object, connection: Any, **kwargs: object) -> None:
    """SQLite settings for this one process, on top of the project's (sanfu/lib/env.py): a
    256 MB page cache, as the seeds write a million index entries (outreach's visits above
    all) and the default 2 MB cache reads the same index pages again and again; and no sync
    at each commit (the database stays in WAL mode; only a machine crash during the first
    start could lose the load, and the next `make demo` loads it again)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # KiB
            cursor.execute("PRAGMA synchronous = OFF")


def main() -> None:
    connection_created.connect(load_pragmas)
    step("migrate", "--no-input", quiet=True)
    step("seed", "demo")
    step("calendar", "load")
    step("catalogue", "load")
    training = train_beside()
    step("seed", "assistance")
    step("seed", "frontdoor")
    step("seed", "enterprise")
    step("seed", "projects")
    step("seed", "outreach")
    # The history tells each matter with messages the router helps to place
    # (ops/synthetic/fitting.py): the same history on every first start, so wait for it.
    if training is not None and training.wait() != 0:
        raise SystemExit("demo load: sanfu routing train failed")
    # Two years of history, once: `seed cases` adds more on every run, the demo wants them once.
    once("cases-seeded", "seed", "cases", "--count", str(CASES))
    # The similar-cases index over the seeded history.
    once("cases-indexed", "routing", "index")
    # A year of village meetings and the burden ledger (the lists are generated from them).
    step("seed", "grassroots", quiet=True)


if __name__ == "__main__":
    main()

"""Running the installed `sanfu` command as an operator would, in a clean environment."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

SANFU = str(Path(sys.executable).with_name("sanfu"))


def clean_environment(**overrides: str) -> dict[str, str]:
    """The test process's environment without anything that configures sanfu or pytest."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SANFU_", "DJANGO_", "PYTEST_")) and key != "DATABASE_URL"
    }
    environment.update(overrides)
    return environment


def production_environment(data_dir: Path, **overrides: str) -> dict[str, str]:
    settings = {
        "SANFU_SECRET_KEY": secrets.token_urlsafe(50),
        "SANFU_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'sanfu.sqlite3'}",
        "SANFU_ALLOWED_HOSTS": "sanfu.example.gov.cn",
    }
    return clean_environment(**{**settings, **overrides})


def run_sanfu(
    *args: str, env: dict[str, str], timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    # The timeout only stops a hung command; a fresh migrate took over two minutes on the shared
    # 2-core machine at load 12, so it is generous.
    return subprocess.run(  # noqa: S603 - our own command with fixed arguments
        [SANFU, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )

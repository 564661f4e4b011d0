"""Small typed readers for configuration from the environment.

Every problem raises ImproperlyConfigured with a message that starts with the variable's name,
so start-up can stop with one line that tells the operator what to fix.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}: expected true or false, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected a whole number, got {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}: must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_daily_span(name: str, default: str) -> tuple[timedelta, timedelta]:
    """`HH:MM-HH:MM` (e.g. office hours, 08:30-17:30) as the two times' offsets from midnight.

    The end may be 24:00 (a day that runs to midnight), and must come after the start.
    """
    raw = os.environ.get(name)
    value = default if raw is None or not raw.strip() else raw.strip()
    parts = value.split("-")
    if len(parts) != 2:
        raise ImproperlyConfigured(f"{name}: expected HH:MM-HH:MM, like 08:30-17:30, got {value!r}")
    start, end = (_clock_offset(name, part.strip(), value) for part in parts)
    if start >= end:
        raise ImproperlyConfigured(f"{name}: the end must come after the start, got {value!r}")
    return start, end


def _clock_offset(name: str, part: str, whole: str) -> timedelta:
    hours, sep, minutes = part.partition(":")
    if not (sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ImproperlyConfigured(f"{name}: expected HH:MM-HH:MM, like 08:30-17:30, got {whole!r}")
    offset = timedelta(hours=int(hours), minutes=int(minutes))
    if int(minutes) >= 60 or offset > timedelta(hours=24):
        raise ImproperlyConfigured(f"{name}: {part!r} is not a time of day (00:00 to 24:00)")
    return offset


def parse_database_url(url: str, *, name: str = "DATABASE_URL") -> dict[str, Any]:
    """Turn `sqlite:///path` or `postgres://user:pass@host:port/db?opt=v` into Django's dict.

    Written here rather than taken from dj-database-url so that every error names the variable
    and SQLite always gets the write-ahead-log settings the embedded default relies on.
    """
    if not url:
        raise ImproperlyConfigured(f"{name}: is empty")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        return _sqlite_config(parts.netloc, parts.path, name=name)
    if scheme in {"postgres", "postgresql", "pgsql"}:
        return _postgres_config(parts, name=name)
    raise ImproperlyConfigured(
        f"{name}: unsupported scheme {scheme or '(none)'!r}; use sqlite:///path or postgres://…"
    )


def _sqlite_config(netloc: str, path: str, *, name: str) -> dict[str, Any]:
    if netloc:
        raise ImproperlyConfigured(
            f"{name}: a SQLite URL has three slashes before a relative path "
            "(sqlite:///var/sanfu.sqlite3) and four before an absolute one"
        )
    file = unquote(path[1:]) if path.startswith("/") else unquote(path)
    if not file:
        raise ImproperlyConfigured(f"{name}: the SQLite URL names no file")
    if file != ":memory:":
        parent = Path(file).resolve().parent
        if not parent.is_dir():
            raise ImproperlyConfigured(f"{name}: the folder {parent} does not exist")
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": file,
        "OPTIONS": {
            # IMMEDIATE takes the write lock at BEGIN, so concurrent writers wait for
            # busy_timeout instead of failing with "database is locked" halfway through.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA busy_timeout=20000;"
                "PRAGMA temp_store=MEMORY;"
            ),
        },
    }


def _postgres_config(parts: Any, *, name: str) -> dict[str, Any]:
    database = unquote(parts.path.lstrip("/"))
    if not database:
        raise ImproperlyConfigured(f"{name}: the PostgreSQL URL names no database")
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{name}: the port is not a number") from None
    options = dict(parse_qsl(parts.query))
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": database,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": unquote(parts.hostname or ""),
        "PORT": str(port or ""),
        "OPTIONS": options,
    }


SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE = 5


def secret_key_check(name: str, key: str) -> str:
    """The key, or ImproperlyConfigured if it is short, repetitive or Django's insecure
    placeholder (the limits of Django's own deployment check, enforced at start-up)."""
    if len(key) < SECRET_KEY_MIN_LENGTH:
        raise ImproperlyConfigured(
            f"{name}: is {len(key)} characters; give at least {SECRET_KEY_MIN_LENGTH} random "
            "ones (python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE or key.startswith("django-insecure"):
        raise ImproperlyConfigured(
            f"{name}: is not random; generate one with "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    return key

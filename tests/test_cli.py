"""The `sanfu` command and the settings it starts with, as an operator meets them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_helpers import clean_environment, production_environment, run_sanfu


def test_help_lists_the_projects_commands(tmp_path: Path):
    result = run_sanfu("--help", env=production_environment(tmp_path))
    assert result.returncode == 0, result.stderr
    for command in ("serve", "seed", "migrate", "createsuperuser"):
        assert command in result.stdout


def test_a_missing_secret_stops_start_up_with_one_line_naming_it(tmp_path: Path):
    result = run_sanfu("check", env=clean_environment(SANFU_DATA_DIR=str(tmp_path)))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "SANFU_SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "url",
    [
        "mysql://root@localhost/sanfu",
        "sqlite://relative/missing/slash.sqlite3",
        "sqlite:////no/such/folder/sanfu.sqlite3",
        "postgres://user@localhost:notaport/sanfu",
        "postgres://user@localhost/",
    ],
)
def test_an_unusable_database_url_stops_start_up_with_one_line_naming_it(tmp_path: Path, url: str):
    result = run_sanfu("check", env=production_environment(tmp_path, DATABASE_URL=url))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "DATABASE_URL" in result.stderr


def test_a_bad_boolean_names_its_variable(tmp_path: Path):
    result = run_sanfu("check", env=production_environment(tmp_path, SANFU_HTTPS="maybe"))
    assert result.returncode == 2
    assert "SANFU_HTTPS" in result.stderr


def test_the_deployment_check_is_clean_with_production_settings(tmp_path: Path):
    result = run_sanfu(
        "check", "--deploy", "--fail-level", "WARNING", env=production_environment(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "key",
    ["sanfu-secret13", "a" * 60, "django-insecure-" + "x1y2z3w4v5" * 5],
)
def test_a_weak_secret_stops_start_up_with_one_line_naming_it(tmp_path: Path, key: str):
    result = run_sanfu("check", env=production_environment(tmp_path, SANFU_SECRET_KEY=key))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "SANFU_SECRET_KEY" in result.stderr


def test_malformed_working_hours_stop_start_up_with_one_line_naming_them(tmp_path: Path):
    result = run_sanfu(
        "check", env=production_environment(tmp_path, SANFU_WORKING_HOURS="8.30 to 17.30")
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "SANFU_WORKING_HOURS: expected HH:MM-HH:MM" in result.stderr

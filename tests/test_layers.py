"""The layers are enforced by the check command (scripts/check_layers.py), not hoped for."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECK = ROOT / "scripts" / "check_layers.py"


def _check(package: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, str(CHECK), str(package)], capture_output=True, text=True, check=False
    )


def test_the_project_has_no_upward_import() -> None:
    result = _check(ROOT / "sanfu")
    assert result.returncode == 0, result.stdout


def test_it_fails_on_a_lower_app_importing_a_higher_one(tmp_path: Path) -> None:
    package = tmp_path / "sanfu"
    shutil.copytree(ROOT / "sanfu", package, ignore=shutil.ignore_patterns("locale", "static"))
    (package / "cases" / "uses_workbench.py").write_text(
        "def f() -> None:\n    from sanfu.workbench import views  # noqa: F401\n", encoding="utf-8"
    )
    (package / "directory" / "uses_outreach.py").write_text(
        "from sanfu import outreach  # noqa: F401\n", encoding="utf-8"
    )
    result = _check(package)
    assert result.returncode == 1
    assert "cases -> workbench" in result.stdout
    assert "directory -> outreach" in result.stdout
    assert "2 upward import(s)" in result.stdout


def test_a_domain_app_may_use_another_but_not_the_web_apps(tmp_path: Path) -> None:
    package = tmp_path / "sanfu"
    for app, text in {
        "outreach": "from sanfu.cases import services\n",
        "projects": "from sanfu.outreach import selectors\n",
        "grassroots": "from sanfu.portal import views\n",
    }.items():
        (package / app).mkdir(parents=True)
        (package / app / "mod.py").write_text(text, encoding="utf-8")
    result = _check(package)
    assert result.stdout.splitlines()[:-1] == [
        f"{package}/grassroots/mod.py:1 grassroots -> portal"
    ]

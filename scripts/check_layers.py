"""Imports between sanfu's apps run downward only (docs/architecture.md):

    lib < directory < notify < cases < domain apps < api, portal, workbench < ops

Every import counts, inside functions too; migrations are left out (they name historical
models, not code). A domain app is any app not named here (routing, assistance, insight,
outreach, projects, …): domain apps may use each other. Prints each upward import as
`path:line source -> target` and exits 1 when there is one.

    python scripts/check_layers.py [PACKAGE_DIR]
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

LAYERS: dict[str, int] = {
    "lib": 0,
    "directory": 1,
    "notify": 2,
    "cases": 3,
    "api": 5,
    "portal": 5,
    "workbench": 5,
    "ops": 6,
}
DOMAIN = 4
# Modules of the project package itself (settings, root urls, the console entry point) wire
# everything together and stand above the apps.
TOP = {"settings", "urls", "wsgi", "asgi", "cli", "__main__", "__init__"}


def layer(app: str) -> int:
    return LAYERS.get(app, DOMAIN)


def _imported(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # `from sanfu import cases` names the app in the imported names.
            if node.module == "sanfu":
                found.extend((node.lineno, f"sanfu.{alias.name}") for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return found


def upward_imports(package: Path) -> list[str]:
    problems: list[str] = []
    name = package.name
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package).parts
        if len(parts) < 2 or "migrations" in parts:
            continue
        source = parts[0]
        for line, module in _imported(ast.parse(path.read_text(encoding="utf-8"))):
            bits = module.split(".")
            if bits[0] != name or len(bits) < 2 or bits[1] in TOP:
                continue
            target = bits[1]
            if target != source and layer(target) > layer(source):
                problems.append(f"{path}:{line} {source} -> {target}")
    return problems


def main(argv: list[str]) -> int:
    package = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "sanfu"
    problems = upward_imports(package)
    for problem in problems:
        print(problem)
    print(f"layers: {len(problems)} upward import(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

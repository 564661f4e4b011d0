"""The Chinese translation catalogues: extract, check and compile.

    python scripts/messages.py extract [APP]   # refresh the catalogue(s) from the code
    python scripts/messages.py compile [APP]   # write django.mo (no GNU msgfmt needed)
    python scripts/messages.py check           # fail if a string is untranslated or a .mo stale

There is one catalogue for the project (sanfu/locale) and one per app that has a `locale`
folder of its own (sanfu/<app>/locale): Django's makemessages files each string under the
nearest `locale` folder, and apps built side by side do not edit one file at once.

Source strings are English; Chinese is the default language, so every string must have its
Chinese translation before it lands.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "sanfu"
LANGUAGE = "zh_Hans"


def catalogues(app: str | None = None) -> list[Path]:
    base = PACKAGE / app if app else PACKAGE
    return sorted(base.glob(f"**/locale/{LANGUAGE}/LC_MESSAGES/django.po"))


def extract(app: str | None = None) -> None:
    """makemessages in the package (every catalogue) or in one app (its catalogue only)."""
    folder = PACKAGE / app if app else PACKAGE
    (folder / "locale").mkdir(exist_ok=True)
    env = {**os.environ, "SANFU_DEBUG": "true"}
    subprocess.run(  # noqa: S603
        [
            str(Path(sys.executable).with_name("sanfu")),
            "makemessages",
            f"--locale={LANGUAGE}",
            "--no-obsolete",
            "--add-location=file",
            "--verbosity=0",
        ],
        cwd=folder,
        env=env,
        check=True,
    )
    # gettext wraps long strings its own way and polib (which compile and every hand edit use)
    # another; saving through polib keeps the catalogue in one shape, so a diff shows only what
    # changed in the strings.
    for path in catalogues(app):
        polib.pofile(str(path)).save()


def compile_catalogues(app: str | None = None) -> None:
    for path in catalogues(app):
        catalogue = polib.pofile(str(path))
        catalogue.metadata_is_fuzzy = False
        catalogue.save()
        catalogue.save_as_mofile(str(path.with_suffix(".mo")))


def _keys(catalogue: polib.POFile) -> set[tuple[str | None, str]]:
    return {(entry.msgctxt, entry.msgid) for entry in catalogue}


def check() -> int:
    committed = {path: path.read_bytes() for path in catalogues()}
    # Extract into the working copies to see which strings the code uses now, then put the
    # committed catalogues back: a check must not leave the tree changed.
    try:
        extract()
        in_code = {path: _keys(polib.pofile(str(path))) for path in catalogues()}
    finally:
        for path in catalogues():
            if path in committed:
                path.write_bytes(committed[path])
            else:
                path.unlink()
    problems: list[str] = []
    for path, keys in in_code.items():
        name = path.relative_to(ROOT)
        if path not in committed:
            problems.append(f"{name} is missing: run `make messages` and translate it")
            continue
        catalogue = polib.pofile(str(path))
        problems += [
            f"{name}: not in the catalogue: {m!r}" for _c, m in sorted(keys - _keys(catalogue))
        ]
        problems += [f"{name}: untranslated: {e.msgid!r}" for e in catalogue.untranslated_entries()]
        problems += [f"{name}: fuzzy: {e.msgid!r}" for e in catalogue.fuzzy_entries()]
        problems += _stale(path, catalogue)
    for problem in problems:
        print(f"translations: {problem}", file=sys.stderr)
    return 1 if problems else 0


def _stale(path: Path, catalogue: polib.POFile) -> list[str]:
    compiled_path = path.with_suffix(".mo")
    if not compiled_path.exists():
        return [f"{compiled_path.relative_to(ROOT)} is missing: run `make messages`"]
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(compiled_path))}
    expected = {
        (e.msgctxt, e.msgid): e.msgstr for e in catalogue.translated_entries() if not e.msgid_plural
    }
    if any(compiled.get(key) != value for key, value in expected.items()):
        return [f"{compiled_path.relative_to(ROOT)} is older than its .po: run `make messages`"]
    return []


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    app = sys.argv[2] if len(sys.argv) > 2 else None
    if command == "extract":
        extract(app)
    elif command == "compile":
        compile_catalogues(app)
    elif command == "check":
        raise SystemExit(check())
    else:
        raise SystemExit(f"usage: {sys.argv[0]} extract|compile [APP] | check")

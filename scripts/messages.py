"""The Chinese translation catalogue: extract, check and compile.

    python scripts/messages.py extract   # refresh sanfu/locale/zh_Hans/LC_MESSAGES/django.po
    python scripts/messages.py compile   # write django.mo from it (no GNU msgfmt needed)
    python scripts/messages.py check     # fail if a string is untranslated or the .mo is stale

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
CATALOGUE = ROOT / "sanfu" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")


def extract() -> None:
    env = {**os.environ, "SANFU_DEBUG": "true"}
    subprocess.run(  # noqa: S603
        [
            str(Path(sys.executable).with_name("sanfu")),
            "makemessages",
            "--locale=zh_Hans",
            "--no-obsolete",
            "--add-location=file",
            "--verbosity=0",
        ],
        cwd=ROOT / "sanfu",
        env=env,
        check=True,
    )


def compile_catalogue() -> None:
    catalogue = polib.pofile(str(CATALOGUE))
    catalogue.metadata_is_fuzzy = False
    catalogue.save()
    catalogue.save_as_mofile(str(COMPILED))


def check() -> int:
    catalogue = polib.pofile(str(CATALOGUE))
    # Extract into the working copy to see which strings the code uses now, then put the
    # committed catalogue back: a check must not leave the tree changed.
    committed = CATALOGUE.read_bytes()
    try:
        extract()
        in_code = {(e.msgctxt, e.msgid) for e in polib.pofile(str(CATALOGUE))}
    finally:
        CATALOGUE.write_bytes(committed)
    known = {(e.msgctxt, e.msgid) for e in catalogue}
    problems = [f"not in the catalogue: {msgid!r}" for _ctx, msgid in sorted(in_code - known)]
    problems += [f"untranslated: {entry.msgid!r}" for entry in catalogue.untranslated_entries()]
    problems += [f"fuzzy: {entry.msgid!r}" for entry in catalogue.fuzzy_entries()]
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(COMPILED))}
    expected = {
        (e.msgctxt, e.msgid): e.msgstr for e in catalogue.translated_entries() if not e.msgid_plural
    }
    if any(compiled.get(key) != value for key, value in expected.items()):
        problems.append(f"{COMPILED.name} is older than {CATALOGUE.name}: run `make messages`")
    for problem in problems:
        print(f"translations: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "extract":
        extract()
    elif command == "compile":
        compile_catalogue()
    elif command == "check":
        raise SystemExit(check())
    else:
        raise SystemExit(f"usage: {sys.argv[0]} extract|compile|check")

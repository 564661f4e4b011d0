"""The `sanfu` console command: Django's management commands with the project's settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanfu.settings")
    args = ["sanfu", *(sys.argv[1:] if argv is None else argv)]

    from django.core.exceptions import ImproperlyConfigured

    try:
        # Read the settings now, so a bad variable stops start-up with one line that names
        # it instead of a traceback from deep inside whichever command ran first.
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        print(f"sanfu: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None

    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()

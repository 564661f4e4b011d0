"""`sanfu seed demo [--password P]`: load the demo county 云溪县 once; again, it changes nothing."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError
from django.utils.translation import gettext as _

from sanfu.directory.demo import DemoSummary, demo_county_create
from sanfu.lib.env import env_str
from sanfu.lib.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Load the demo county (云溪县: towns, villages, grids, departments, enterprises, "
        "residents and a staff account for every role). Does nothing if it is already loaded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["demo"], help="what to load: only 'demo' for now")
        parser.add_argument(
            "--password",
            help="password of every demo account (default: $SANFU_DEMO_PASSWORD, else a "
            "random one, printed once)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password: str | None = options["password"]
        if password is not None and not password.strip():
            raise CommandError(_("--password: must not be empty"))
        password = password or env_str("SANFU_DEMO_PASSWORD") or None
        generated = password is None
        if password is None:
            password = secrets.token_urlsafe(9)
        try:
            summary = demo_county_create(password=password)
        except (ApplicationError, IntegrityError) as exc:
            # Nothing was written: the whole load is one transaction.
            reason = exc.message if isinstance(exc, ApplicationError) else str(exc)
            raise CommandError(
                _("the demo county was not loaded: %(reason)s") % {"reason": reason}
            ) from exc
        line = _summary_line(summary)
        if not summary.created:
            line = _("%(summary)s (already loaded; nothing changed)") % {"summary": line}
        elif generated:
            # Printed once, because it is stored nowhere in plain text.
            line = _("%(summary)s; password of every demo account: %(password)s") % {
                "summary": line,
                "password": password,
            }
        self.stdout.write(line)


def _summary_line(summary: DemoSummary) -> str:
    return _(
        "demo county %(county)s: %(towns)d towns, %(villages)d villages, %(grids)d grids, "
        "%(departments)d departments, %(social_organisations)d social organisations, "
        "%(enterprises)d enterprises, %(households)d households, %(residents)d residents, "
        "%(staff)d staff"
    ) % {
        "county": summary.county,
        "towns": summary.towns,
        "villages": summary.villages,
        "grids": summary.grids,
        "departments": summary.departments,
        "social_organisations": summary.social_organisations,
        "enterprises": summary.enterprises,
        "households": summary.households,
        "residents": summary.residents,
        "staff": summary.staff,
    }

"""`sanfu seed demo [--password P]`: load the demo county 云溪县 once; again, it changes nothing.

`sanfu seed cases --count N [--seed S] [--data-dir DIR]`: add N synthetic cases to it.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError
from django.utils.translation import gettext as _

from sanfu.lib.errors import ApplicationError
from sanfu.ops.demo.assistance import assistance_demo_create
from sanfu.ops.demo.county import DemoSummary, demo_county_create
from sanfu.ops.demo.enterprise import enterprise_demo_create
from sanfu.ops.demo.frontdoor import frontdoor_demo_create
from sanfu.ops.demo.grassroots import grassroots_demo_create
from sanfu.ops.demo.projects import projects_demo_create
from sanfu.ops.synthetic import Progress, seed_cases

SEEDS = [
    "demo",
    "cases",
    "assistance",
    "frontdoor",
    "enterprise",
    "projects",
    "grassroots",
    "outreach",
]


class Command(BaseCommand):
    help = (
        "demo: load the demo county (云溪县: towns, villages, grids, departments, enterprises, "
        "residents and a staff account for every role); does nothing if it is already loaded. "
        "cases: add synthetic cases over the past two years to the demo county, in every state "
        "of the loop, with real citizens' messages and replies (needs the demo county and the "
        "catalogue); every run adds more cases. assistance: the demo county's assistance "
        "programmes, aid files imported from its bodies, persons and findings (needs the demo "
        "county); loaded once. frontdoor: the common administrative services, the first town's six "
        "modules, a survey with answers and a cleared report (needs the demo county and the "
        "catalogue); loaded once. enterprise: the demo county's enterprise facts, policies and "
        "benefits, projects and approvals, idle houses, service menu (needs the demo county); "
        "loaded once. projects: a year of the demo county's projects, a co-building "
        "community and a finished typhoon board (needs the demo county); loaded once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "what",
            choices=SEEDS,
            help="what to load: " + ", ".join(SEEDS),
        )
        parser.add_argument(
            "--password",
            help="demo: password of every demo account (default: $SANFU_DEMO_PASSWORD, else a "
            "random one, printed once)",
        )
        parser.add_argument(
            "--count", type=int, default=1000, help="cases: how many to add (default 1000)"
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help="cases: random seed; the same seed draws the same cases, at the same times "
            "before now (default 1)",
        )
        parser.add_argument(
            "--data-dir",
            type=Path,
            help="cases: folder with replied_messages.csv, unlabeled_messages.csv and "
            "hotspot_messages.csv (default: $SANFU_SAMPLE_DATA, else ../shared/data beside "
            "the repository, else the sample shipped with sanfu)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "cases":
            self._cases(options)
            return
        if options["what"] == "assistance":
            self._assistance()
            return
        if options["what"] == "frontdoor":
            self._frontdoor()
            return
        if options["what"] == "enterprise":
            self._enterprise()
            return
        if options["what"] == "projects":
            self._projects()
            return
        if options["what"] == "grassroots":
            self._grassroots()
            return
        if options["what"] == "outreach":
            self._outreach()
            return
        password: str | None = options["password"]
        if password is not None and not password.strip():
            raise CommandError(_("--password: must not be empty"))
        password = password or settings.DEMO_PASSWORD or None
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

    def _cases(self, options: dict[str, Any]) -> None:
        def report(progress: Progress) -> None:
            rate = progress.done / progress.seconds if progress.seconds else 0.0
            self.stderr.write(
                f"seed cases: {progress.done}/{progress.total} "
                f"({100 * progress.done / progress.total:.1f}%), {rate:.0f} cases/s",
                style_func=_plain,
            )

        try:
            summary = seed_cases(
                count=options["count"],
                seed=options["seed"],
                data_dir=options["data_dir"],
                progress=report,
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))

    def _projects(self) -> None:
        def say(message: str) -> None:
            self.stderr.write(f"seed projects: {message}", style_func=_plain)

        try:
            summary = projects_demo_create(say=say)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))

    def _assistance(self) -> None:
        def say(message: str) -> None:
            self.stderr.write(f"seed assistance: {message}", style_func=_plain)

        try:
            summary = assistance_demo_create(say=say)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))

    def _frontdoor(self) -> None:
        def say(message: str) -> None:
            self.stderr.write(f"seed frontdoor: {message}", style_func=_plain)

        try:
            summary = frontdoor_demo_create(say=say)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))

    def _enterprise(self) -> None:
        def say(message: str) -> None:
            self.stderr.write(f"seed enterprise: {message}", style_func=_plain)

        try:
            summary = enterprise_demo_create(say=say)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))

    def _grassroots(self) -> None:
        def say(message: str) -> None:
            self.stderr.write(f"seed grassroots: {message}", style_func=_plain)

        try:
            summary = grassroots_demo_create(say=say)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))

    def _outreach(self) -> None:
        # The demo county's roster (leaders, ~1,000 cadres, a party member per grid) and two
        # years of visits; loaded once.
        from sanfu.ops.demo.outreach import outreach_demo_create

        def say(message: str) -> None:
            self.stderr.write(f"seed {message}", style_func=_plain)

        try:
            summary = outreach_demo_create(say=say)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(summary.__dict__, ensure_ascii=False))


def _plain(text: str) -> str:
    # Progress is not an error: no red on a terminal.
    return text


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

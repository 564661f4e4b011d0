"""`sanfu calendar load [--year Y ...] [--replace]` and `sanfu calendar show --year Y`.

`load` copies China's official holidays and weekend working days (调休) from the
chinese-calendar package into the calendar tables. The package raises for a year it has no
official schedule for, so a year is loaded only once the State Council has announced it; until
then an administrator enters it in the admin, and `load` leaves such a hand-entered year alone.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from dataclasses import replace as replace_fields
from datetime import date
from typing import Any

import chinese_calendar
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from sanfu.cases.models import CalendarDay, CalendarYear, DayKind

PACKAGE_NAME = "chinese-calendar"
# The earliest year worth loading by default: no open case is older.
FIRST_DEFAULT_YEAR = 2020


class Outcome(enum.Enum):
    LOADED = "loaded"
    UNCHANGED = "unchanged"
    KEPT = "kept"


@dataclass(frozen=True)
class YearLoad:
    year: int
    outcome: Outcome
    holidays: int
    workdays: int
    kept_source: str = ""


def package_source() -> str:
    return f"{PACKAGE_NAME} {chinese_calendar.__version__}"


def package_years() -> frozenset[int]:
    """The years the package has the official schedule of (it raises for any other)."""
    return frozenset(day.year for day in chinese_calendar.holidays)


def package_schedule(year: int) -> dict[date, tuple[str, str]]:
    """Date -> (kind, name) for the holidays and weekend working days of `year`."""
    chinese_names = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}
    schedule: dict[date, tuple[str, str]] = {}
    for kind, days in (
        (DayKind.HOLIDAY, chinese_calendar.holidays),
        (DayKind.WORKDAY, chinese_calendar.workdays),
    ):
        for day, english in days.items():
            if day.year == year:
                schedule[day] = (str(kind), str(chinese_names.get(english, english))[:50])
    return schedule


def _entered_by_hand(year_row: CalendarYear | None, days: dict[date, CalendarDay]) -> bool:
    if year_row is not None:
        return not year_row.source.startswith(f"{PACKAGE_NAME} ")
    # Days with no year row: an administrator is entering a schedule not yet confirmed.
    return bool(days)


def _sync_days(current: dict[date, CalendarDay], wanted: dict[date, tuple[str, str]]) -> bool:
    """Make the year's rows equal `wanted`, touching only rows that differ."""
    stale = [day for day in current if day not in wanted]
    if stale:
        CalendarDay.objects.filter(date__in=stale).delete()
    changed = bool(stale)
    for day, (kind, name) in sorted(wanted.items()):
        row = current.get(day)
        if row is None:
            CalendarDay.objects.create(date=day, kind=kind, name=name)
            changed = True
        elif (row.kind, row.name) != (kind, name):
            row.kind, row.name = kind, name
            row.save(update_fields=["kind", "name"])
            changed = True
    return changed


def _year_load(year: int, *, replace: bool) -> YearLoad:
    wanted = package_schedule(year)
    holidays = sum(1 for kind, _name in wanted.values() if kind == DayKind.HOLIDAY)
    result = YearLoad(year, Outcome.UNCHANGED, holidays, len(wanted) - holidays)
    source = package_source()
    year_row = CalendarYear.objects.filter(year=year).first()
    current = {row.date: row for row in CalendarDay.objects.filter(date__year=year)}
    if not replace and _entered_by_hand(year_row, current):
        kept_source = year_row.source if year_row is not None else ""
        return replace_fields(result, outcome=Outcome.KEPT, kept_source=kept_source)
    changed = _sync_days(current, wanted)
    if year_row is None:
        CalendarYear.objects.create(year=year, source=source)
        changed = True
    elif changed or year_row.source != source:
        # Only on a change, so that a second run leaves even `loaded_at` as it was.
        year_row.source = source
        year_row.save(update_fields=["source", "loaded_at"])
        changed = True
    return replace_fields(result, outcome=Outcome.LOADED) if changed else result


@transaction.atomic
def calendar_years_load(*, years: list[int], replace: bool = False) -> list[YearLoad]:
    """Load the package's schedule of `years`, all or nothing.

    A year entered by hand (its `CalendarYear.source` does not name the package, or it has
    days but no year row yet) is kept unless `replace`: the administrator's entry may be newer
    or more local than the package's.
    """
    unknown = sorted(set(years) - package_years())
    if unknown:
        raise CommandError(
            _(
                "%(source)s has no official schedule for %(years)s: enter it in the admin "
                "(calendar days, then the calendar year)"
            )
            % {"source": package_source(), "years": ", ".join(map(str, unknown))}
        )
    return [_year_load(year, replace=replace) for year in sorted(set(years))]


class Command(BaseCommand):
    help = (
        "The working-day calendar: load China's official holidays and weekend working days "
        "from the chinese-calendar package, or show a year."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser(
            "load",
            help="copy the package's schedule into the calendar tables (safe to run again)",
        )
        load.add_argument(
            "--year",
            type=int,
            action="append",
            dest="years",
            help=f"a year to load; repeatable (default: every year the package knows from "
            f"{FIRST_DEFAULT_YEAR} on)",
        )
        load.add_argument(
            "--replace",
            action="store_true",
            help="also replace years an administrator entered by hand",
        )
        show = actions.add_parser("show", help="print a year's holidays and weekend working days")
        show.add_argument("--year", type=int, required=True, dest="year")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            self._load(options["years"], replace=options["replace"])
        else:
            self._show(options["year"])

    def _load(self, years: list[int] | None, *, replace: bool) -> None:
        if not years:
            years = sorted(y for y in package_years() if y >= FIRST_DEFAULT_YEAR)
        for result in calendar_years_load(years=years, replace=replace):
            self.stdout.write(_load_line(result))

    def _show(self, year: int) -> None:
        year_row = CalendarYear.objects.filter(year=year).first()
        if year_row is None:
            status = _("%(year)d: not confirmed; deadlines that reach into it are flagged") % {
                "year": year
            }
        else:
            status = _("%(year)d: confirmed (source: %(source)s)") % {
                "year": year,
                "source": year_row.source or _("not given"),
            }
        self.stdout.write(status)
        for day in CalendarDay.objects.filter(date__year=year).order_by("date"):
            self.stdout.write(f"{day.date.isoformat()} {day.kind} {day.name}".rstrip())


def _load_line(result: YearLoad) -> str:
    values = {
        "year": result.year,
        "source": package_source(),
        "holidays": result.holidays,
        "workdays": result.workdays,
        "kept": result.kept_source or _("no calendar year yet"),
    }
    if result.outcome is Outcome.LOADED:
        return (
            _(
                "%(year)d: loaded from %(source)s (%(holidays)d holidays, "
                "%(workdays)d weekend working days)"
            )
            % values
        )
    if result.outcome is Outcome.UNCHANGED:
        return _("%(year)d: unchanged (%(source)s)") % values
    return (
        _(
            "%(year)d: kept as entered by hand (source: %(kept)s); pass --replace to take "
            "%(source)s's schedule instead"
        )
        % values
    )

"""比学赶超: each month a county ranks its towns and its departments on one composite score.

The score is the weighted sum of three rates of the month, as 12345 assessment ranks
districts: response (sign-for within the limit), resolution (the requesters' "solved") and
satisfaction (every rating given), with the county's weights (e.g. 20/40/40), each rate an
exact fraction. A unit with fewer facts behind any of the three than the county's sample
minimum is listed without a rank. A published month is written once, with the weights and the
counts it was computed from, and never changes; each line keeps the unit's rank the month
before, so movement reads from the table itself.

The same mechanism ranks other domains on one rate each — outreach (visits done against due),
projects (finished on time) — through `league_register`: an app (or insight on its behalf,
league_sources.py) registers a `RateLeague` that counts (part, whole) per unit for a month, and
publication freezes those tables beside the case tables, with their own sample minimum.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from sanfu.cases.figures import Parts, Rate, case_figures, empty, rate, to_figures
from sanfu.cases.policies import Capability, acting_unit
from sanfu.directory.models import TOWN_KINDS, Unit, UnitKind, User
from sanfu.insight.build import as_of
from sanfu.insight.models import LeagueEntry, LeagueRules, LeagueTable
from sanfu.insight.selectors import unit_month_parts
from sanfu.lib.errors import Conflict, ValidationFailed


def month_bounds(month: date) -> tuple[datetime, datetime]:
    first = month.replace(day=1)
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    zone = timezone.get_current_timezone()
    return datetime.combine(first, time.min, tzinfo=zone), datetime.combine(
        after, time.min, tzinfo=zone
    )


def previous_month(month: date) -> date:
    first = month.replace(day=1)
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


# Per unit id: (part, whole) of the league's rate for the month.
Counts = dict[int, tuple[int, int]]


@dataclass(frozen=True)
class RateLeague:
    """A league on one rate of another domain, published monthly beside the case tables."""

    name: str
    label: Promise
    how: Promise
    places_table: str
    departments_table: str
    min_sample: int
    # (viewer, county, the units ranked, first day of the month) -> counts per unit.
    counts: Callable[[User, Unit, list[Unit], date], Counts]
    # Where the facts behind a unit's line are listed: (unit id, month) -> a path, or "".
    facts_url: Callable[[int, date], str] = lambda unit_id, month: ""


_RATE_LEAGUES: dict[str, RateLeague] = {}


def league_register(league: RateLeague) -> None:
    """Let a domain's rate be ranked monthly (at start-up, from an app config's ready())."""
    _RATE_LEAGUES[league.name] = league


def rate_leagues() -> list[RateLeague]:
    return list(_RATE_LEAGUES.values())


@dataclass(frozen=True)
class RateLine:
    unit: Unit
    table: str
    rate: Rate | None
    eligible: bool


def _rate_lines(
    league: RateLeague, *, viewer: User, county: Unit, month: date
) -> list[tuple[RateLine, int | None]]:
    """A rate league's lines of the month, each table ranked on the exact fraction (ties: the
    larger sample, then the name); units below the league's sample minimum unranked, last."""
    units = league_units(county)
    counts = league.counts(viewer, county, [unit for unit, _kind in units], month)
    result: list[tuple[RateLine, int | None]] = []
    for kind, table in (
        (LeagueTable.PLACES, league.places_table),
        (LeagueTable.DEPARTMENTS, league.departments_table),
    ):
        lines = []
        for unit, unit_kind in units:
            if unit_kind != kind:
                continue
            part, whole = counts.get(unit.pk, (0, 0))
            lines.append(RateLine(unit, table, rate(part, whole), whole >= league.min_sample))
        eligible = sorted(
            (line for line in lines if line.eligible and line.rate is not None),
            key=lambda line: (
                -(line.rate.fraction if line.rate else 0),
                -(line.rate.whole if line.rate else 0),
                line.unit.name,
            ),
        )
        rest = sorted(
            (line for line in lines if line not in eligible), key=lambda one: one.unit.name
        )
        result.extend((line, number) for number, line in enumerate(eligible, start=1))
        result.extend((line, None) for line in rest)
    return result


def rate_league_preview(
    *, viewer: User, county: Unit, month: date
) -> list[tuple[RateLeague, list[tuple[RateLine, int | None]]]]:
    """What each rate league would publish for the month now."""
    month = month.replace(day=1)
    return [
        (league, _rate_lines(league, viewer=viewer, county=county, month=month))
        for league in rate_leagues()
    ]


def league_rules(*, county: Unit) -> LeagueRules:
    rules, _created = LeagueRules.objects.get_or_create(county=county)
    return rules


@dataclass(frozen=True)
class Line:
    unit: Unit
    table: str
    response: Rate | None
    resolution: Rate | None
    satisfaction: Rate | None
    composite: Fraction | None  # None: below the sample minimum

    def sample(self) -> int:
        rates = (self.response, self.resolution, self.satisfaction)
        return min((rate.whole if rate else 0) for rate in rates)


def month_parts(units: list[Unit], month: date) -> dict[int, Parts] | None:
    """The month's parts of every unit from the daily aggregates, in one grouped query — or
    None while the aggregates have not caught up with the month's end (then each line is
    counted from the facts). They equal `case_figures` part for part; reading them turns a
    county's 60 lines from a minute of scans into milliseconds."""
    end = month_bounds(month)[1]
    moment = as_of()
    if moment is None or moment < end:
        return None
    found = unit_month_parts(
        unit_ids=[unit.pk for unit in units],
        first=month.replace(day=1),
        after=timezone.localtime(end).date(),
    )
    return {unit_id: parts for (unit_id, _month), parts in found.items()}


def _line(
    unit: Unit,
    table: str,
    month: date,
    rules: LeagueRules,
    kept: dict[int, Parts] | None = None,
) -> Line:
    start, end = month_bounds(month)
    if kept is None:
        figures = case_figures(unit=unit, start=start, end=end)
    else:
        figures = to_figures(kept.get(unit.pk, empty()))
    rates = (figures.response_rate, figures.resolution_rate, figures.satisfaction_rate)
    weights = (rules.response_weight, rules.resolution_weight, rules.satisfaction_weight)
    composite: Fraction | None = None
    if all(rate is not None and rate.whole >= rules.min_sample for rate in rates):
        composite = sum(
            (weight * rate.fraction for weight, rate in zip(weights, rates, strict=True) if rate),
            Fraction(0),
        )
    return Line(unit, table, *rates, composite=composite)


def _ranked(lines: list[Line]) -> list[tuple[Line, int | None]]:
    """Ranked on the exact composite (ties: the larger sample, then the name)."""
    eligible = sorted(
        (line for line in lines if line.composite is not None),
        key=lambda line: (-(line.composite or 0), -line.sample(), line.unit.name),
    )
    rest = sorted(
        (line for line in lines if line.composite is None), key=lambda line: line.unit.name
    )
    return [(line, number) for number, line in enumerate(eligible, start=1)] + [
        (line, None) for line in rest
    ]


def league_units(county: Unit) -> list[tuple[Unit, str]]:
    units = Unit.objects.filter(parent=county, is_active=True).order_by("path")
    return [
        (unit, LeagueTable.PLACES if unit.kind in TOWN_KINDS else LeagueTable.DEPARTMENTS)
        for unit in units
        if unit.kind in TOWN_KINDS or unit.kind == UnitKind.DEPARTMENT
    ]


def _score(composite: Fraction | None) -> Decimal | None:
    if composite is None:
        return None
    exact = Decimal(composite.numerator) / Decimal(composite.denominator)
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@transaction.atomic
def league_publish(*, actor: User, county: Unit, month: date) -> list[LeagueEntry]:
    """Publish a month's league tables of the county: once, after the month has ended."""
    acting_unit(actor, Capability.SUPERVISE, county)
    month = month.replace(day=1)
    if month_bounds(month)[1] > timezone.now():
        raise ValidationFailed(_("Only a month that has ended can be published."), field="month")
    # The rules row, locked: two publications of one month wait for each other.
    rules = league_rules(county=county)
    LeagueRules.objects.select_for_update().filter(pk=rules.pk).first()
    if LeagueEntry.objects.filter(county=county, month=month).exists():
        raise Conflict(_("This month's league table is published; it never changes."))
    before = {
        (table, unit_id): rank
        for table, unit_id, rank in LeagueEntry.objects.filter(
            county=county, month=previous_month(month)
        ).values_list("table", "unit_id", "rank")
    }
    now = timezone.now()
    entries: list[LeagueEntry] = []
    units = league_units(county)
    kept = month_parts([unit for unit, _kind in units], month)
    for table in (LeagueTable.PLACES, LeagueTable.DEPARTMENTS):
        lines = [_line(unit, kind, month, rules, kept) for unit, kind in units if kind == table]
        for line, rank in _ranked(lines):
            entries.append(
                LeagueEntry(
                    county=county,
                    month=month,
                    table=table,
                    unit=line.unit,
                    rank=rank,
                    previous_rank=before.get((table, line.unit.pk)),
                    score=_score(line.composite),
                    response_part=line.response.part if line.response else 0,
                    response_whole=line.response.whole if line.response else 0,
                    resolution_part=line.resolution.part if line.resolution else 0,
                    resolution_whole=line.resolution.whole if line.resolution else 0,
                    satisfaction_part=line.satisfaction.part if line.satisfaction else 0,
                    satisfaction_whole=line.satisfaction.whole if line.satisfaction else 0,
                    response_weight=rules.response_weight,
                    resolution_weight=rules.resolution_weight,
                    satisfaction_weight=rules.satisfaction_weight,
                    min_sample=rules.min_sample,
                    published_at=now,
                    published_by=actor,
                )
            )
    for league in rate_leagues():
        for rate_line, rank in _rate_lines(league, viewer=actor, county=county, month=month):
            found = rate_line.rate
            entries.append(
                LeagueEntry(
                    county=county,
                    month=month,
                    table=rate_line.table,
                    unit=rate_line.unit,
                    rank=rank,
                    previous_rank=before.get((rate_line.table, rate_line.unit.pk)),
                    score=found.percent if found and rank is not None else None,
                    rate_part=found.part if found else 0,
                    rate_whole=found.whole if found else 0,
                    response_weight=rules.response_weight,
                    resolution_weight=rules.resolution_weight,
                    satisfaction_weight=rules.satisfaction_weight,
                    min_sample=league.min_sample,
                    published_at=now,
                    published_by=actor,
                )
            )
    LeagueEntry.objects.bulk_create(entries)
    return entries


def league_table(*, county: Unit, month: date) -> list[LeagueEntry]:
    """A published month's lines of the case tables, each in rank order (unranked last)."""
    return _entries(
        county=county, month=month, tables=[LeagueTable.PLACES, LeagueTable.DEPARTMENTS]
    )


def rate_league_table(*, county: Unit, month: date) -> list[LeagueEntry]:
    """A published month's lines of the rate leagues' tables (outreach, projects)."""
    tables = [
        t for league in rate_leagues() for t in (league.places_table, league.departments_table)
    ]
    return _entries(county=county, month=month, tables=tables)


def _entries(*, county: Unit, month: date, tables: list[str]) -> list[LeagueEntry]:
    entries = LeagueEntry.objects.filter(
        county=county, month=month.replace(day=1), table__in=tables
    ).select_related("unit")
    order = {table: number for number, table in enumerate(LeagueTable.values)}
    return sorted(
        entries,
        key=lambda e: (order.get(e.table, 99), e.rank is None, e.rank or 0, e.unit.name),
    )


def league_preview(*, county: Unit, month: date) -> list[tuple[Line, int | None]]:
    """The lines the month would be published with now (an unpublished month moves)."""
    rules = league_rules(county=county)
    result: list[tuple[Line, int | None]] = []
    units = league_units(county)
    kept = month_parts([unit for unit, _kind in units], month)
    for table in (LeagueTable.PLACES, LeagueTable.DEPARTMENTS):
        lines = [_line(unit, kind, month, rules, kept) for unit, kind in units if kind == table]
        result.extend(_ranked(lines))
    return result

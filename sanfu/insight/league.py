"""比学赶超: each month a county ranks its towns and its departments on one composite score.

The score is the weighted sum of three rates of the month, as 12345 assessment ranks
districts: response (sign-for within the limit), resolution (the requesters' "solved") and
satisfaction (every rating given), with the county's weights (e.g. 20/40/40), each rate an
exact fraction. A unit with fewer facts behind any of the three than the county's sample
minimum is listed without a rank. A published month is written once, with the weights and the
counts it was computed from, and never changes; each line keeps the unit's rank the month
before, so movement reads from the table itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.cases.figures import Rate, case_figures
from sanfu.cases.policies import Capability, acting_unit
from sanfu.directory.models import TOWN_KINDS, Unit, UnitKind, User
from sanfu.insight.models import LeagueEntry, LeagueRules, LeagueTable
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


def _line(unit: Unit, table: str, month: date, rules: LeagueRules) -> Line:
    start, end = month_bounds(month)
    figures = case_figures(unit=unit, start=start, end=end)
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
    before = dict(
        LeagueEntry.objects.filter(county=county, month=previous_month(month)).values_list(
            "unit_id", "rank"
        )
    )
    now = timezone.now()
    entries: list[LeagueEntry] = []
    for table in LeagueTable.values:
        lines = [
            _line(unit, kind, month, rules) for unit, kind in league_units(county) if kind == table
        ]
        for line, rank in _ranked(lines):
            entries.append(
                LeagueEntry(
                    county=county,
                    month=month,
                    table=table,
                    unit=line.unit,
                    rank=rank,
                    previous_rank=before.get(line.unit.pk),
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
    LeagueEntry.objects.bulk_create(entries)
    return entries


def league_table(*, county: Unit, month: date) -> list[LeagueEntry]:
    """A published month's lines, each table in rank order (unranked last)."""
    entries = LeagueEntry.objects.filter(county=county, month=month.replace(day=1)).select_related(
        "unit"
    )
    return sorted(
        entries,
        key=lambda e: (e.table != LeagueTable.PLACES, e.rank is None, e.rank or 0, e.unit.name),
    )


def league_preview(*, county: Unit, month: date) -> list[tuple[Line, int | None]]:
    """The lines the month would be published with now (an unpublished month moves)."""
    rules = league_rules(county=county)
    result: list[tuple[Line, int | None]] = []
    for table in LeagueTable.values:
        lines = [
            _line(unit, kind, month, rules) for unit, kind in league_units(county) if kind == table
        ]
        result.extend(_ranked(lines))
    return result

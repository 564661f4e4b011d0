"""The leaders' dashboard (驾驶舱): the loop's figures for a unit's subtree and a period, by
month, by town and department (ranked, with a minimum sample), by category and channel, and
the cases behind any number.

The figures come from the daily aggregates of `sanfu.insight` (a few hundred rows instead of a
county's cases), as fresh as their last refresh, which the page shows — for a broad category
too, and for a narrower one on the county's dashboard (the aggregates keep the narrow
categories for the county, towns and departments). Otherwise, and before the aggregates are
first built, they are computed from the cases themselves, with the same definitions, in one
grouped query per table. The cases behind a number are always read live.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from fractions import Fraction
from typing import Any

from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Substr, TruncMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sanfu.cases import figures as parts
from sanfu.cases.figures import Figures, scoped_cases
from sanfu.cases.models import Case, Category, Channel
from sanfu.directory.models import TOWN_KINDS, VILLAGE_KINDS, Unit, UnitKind, User
from sanfu.directory.querysets import scope_paths
from sanfu.insight import build as insight_build
from sanfu.insight import selectors as insight
from sanfu.lib.treepath import SEGMENT_WIDTH, path_depth

# A unit with fewer cases than this behind a rate is shown, but not ranked: two cases both
# answered on time say little about a town.
MIN_SAMPLE = 20
DASHBOARD_KINDS = frozenset(
    {UnitKind.COUNTY, UnitKind.DEPARTMENT} | set(TOWN_KINDS) | set(VILLAGE_KINDS)
)


def month_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day.replace(day=1), time.min))


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass(frozen=True)
class Scope:
    unit: Unit
    start: datetime
    end: datetime
    category: Category | None = None

    def cases(self) -> QuerySet[Case]:
        return scoped_cases(unit=self.unit, category=self.category)

    @property
    def last_day(self) -> date:
        return timezone.localtime(self.end).date() - timedelta(days=1)

    @property
    def first_day(self) -> date:
        return timezone.localtime(self.start).date()

    @property
    def after_day(self) -> date:
        return timezone.localtime(self.end).date()

    def months(self) -> list[date]:
        months: list[date] = []
        day = self.first_day.replace(day=1)
        while month_start(day) < self.end:
            months.append(day)
            day = next_month(day)
        return months


def dashboard_units(*, user: User) -> QuerySet[Unit]:
    return Unit.objects.visible_to(user).filter(kind__in=DASHBOARD_KINDS, is_active=True)


def dashboard_allowed(*, user: User) -> bool:
    """Whether the dashboard and league tables have a unit to show this person: a grid worker
    (a grid is below the dashboard's units) or an account without a role has none."""
    return dashboard_units(user=user).exists()


def default_unit(*, user: User) -> Unit | None:
    """The user's topmost unit: a county leader sees the county, a town's the town."""
    units = list(dashboard_units(user=user).order_by("path")[:200])
    return min(units, key=lambda unit: (path_depth(unit.path), unit.path), default=None)


class Rank(StrEnum):
    SATISFACTION = "satisfaction_rate"
    ON_TIME = "on_time_rate"
    RESPONSE = "response_rate"
    RESOLUTION = "resolution_rate"


RANK_LABELS: dict[Rank, Promise] = {
    Rank.SATISFACTION: _("Satisfaction rate"),
    Rank.ON_TIME: _("On-time rate (requester)"),
    Rank.RESPONSE: _("Response rate"),
    Rank.RESOLUTION: _("Resolution rate (requester)"),
}
# The cases each rate is taken over, to judge whether a unit has enough of them.
RANK_SAMPLE = {
    Rank.SATISFACTION: "rated",
    Rank.ON_TIME: "timed",
    Rank.RESPONSE: "signed",
    Rank.RESOLUTION: "said_whether",
}


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    figures: Figures
    sample: int = 0
    rank: int | None = None
    unit: Unit | None = None
    month: date | None = None


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    figures: Figures
    trend: list[Row]
    places: list[Row]
    departments: list[Row]
    categories: list[Row]
    channels: list[Row]
    # What stands open now, whatever the period: not a flow of the period.
    backlog: parts.Backlog
    # When the aggregates the figures come from were refreshed; None when computed live.
    as_of: datetime | None = None
    # The scope's own row (本级): what it counts that none of its places counts, so the places
    # and it add up to the whole; None when the unit has no places under it.
    own: Row | None = None
    # Closed months of the period recomputed by an explicit rebuild: (month, when, why).
    rebuilt: list[tuple[date, datetime, str]] = field(default_factory=list)


def dashboard(*, scope: Scope, rank_by: Rank = Rank.SATISFACTION) -> Dashboard:
    as_of = insight_build.as_of()
    # Until the aggregates are first built (a fresh install) the figures come from the cases;
    # so do they for a narrow category where its rows are not kept (a town's or a village's
    # dashboard: few cases), or not yet (before the rebuild that made them).
    narrow = scope.category is not None and scope.category.level > 1
    kept = not narrow or insight.narrow_rows_kept(unit=scope.unit, first=scope.first_day)
    if as_of is not None and kept:
        return _from_aggregates(scope=scope, rank_by=rank_by, as_of=as_of)
    backlog = parts.backlog(unit=scope.unit, category=scope.category)
    places, departments, own = _ranking_and_own(scope=scope, rank_by=rank_by)
    categories, channels = breakdown(scope=scope)
    by_month = _month_parts(scope)
    # The months partition the period and every part is additive: their sum is the total,
    # without another pass over the cases.
    total = parts.empty()
    for month_parts in by_month.values():
        parts.add(total, month_parts)
    return Dashboard(
        scope=scope,
        figures=parts.to_figures(total),
        trend=_trend_rows(by_month),
        places=places,
        departments=departments,
        categories=categories,
        channels=channels,
        backlog=backlog,
        own=own,
        rebuilt=_rebuilt(scope),
    )


def _rebuilt(scope: Scope) -> list[tuple[date, datetime, str]]:
    return insight.rebuilt_months(first=scope.first_day, after=scope.after_day)


def _own_row(unit: Unit, children: list[Unit], own: parts.Parts) -> Row | None:
    if not any(child.kind != UnitKind.DEPARTMENT for child in children):
        return None
    label = gettext("%(unit)s (own)") % {"unit": unit.name}
    return Row(key="own", label=label, figures=parts.to_figures(own), unit=unit)


def _children(unit: Unit) -> list[Unit]:
    return list(unit.children.filter(is_active=True, kind__in=DASHBOARD_KINDS).order_by("path"))


def _from_aggregates(*, scope: Scope, rank_by: Rank, as_of: datetime) -> Dashboard:
    unit = scope.unit
    category_id = scope.category.pk if scope.category else None
    # A level 2 or 3 category is kept in the narrow grains, with its whole subtree.
    narrow = scope.category is not None and scope.category.level > 1
    children = _children(unit)
    by_unit_month = insight.unit_month_parts(
        unit_ids=[unit.pk, *(child.pk for child in children)],
        first=scope.first_day,
        after=scope.after_day,
        category_id=category_id,
        narrow=narrow,
    )
    total = parts.empty()
    trend_rows: list[Row] = []
    for month in scope.months():
        month_parts = by_unit_month.get((unit.pk, month), parts.empty())
        parts.add(total, month_parts)
        trend_rows.append(
            Row(
                key=f"{month:%Y-%m}",
                label=f"{month:%Y-%m}",
                figures=parts.to_figures(month_parts),
                month=month,
            )
        )
    paths = {child.pk: child.path for child in children}
    child_totals: dict[str, parts.Parts] = defaultdict(parts.empty)
    for (unit_id, _month), month_parts in by_unit_month.items():
        if unit_id in paths:
            parts.add(child_totals[paths[unit_id]], month_parts)
    places, departments = _rank_children(children, child_totals, rank_by)
    by_category: dict[Any, parts.Parts] = defaultdict(parts.empty)
    by_channel: dict[str, parts.Parts] = defaultdict(parts.empty)
    for broad_id, channel, group in insight.breakdown_parts(
        unit_id=unit.pk,
        first=scope.first_day,
        after=scope.after_day,
        category_id=category_id,
        narrow=narrow,
    ):
        parts.add(by_category[broad_id], group)
        parts.add(by_channel[channel], group)
    categories, channels = _breakdown_rows(by_category, by_channel)
    return Dashboard(
        scope=scope,
        figures=parts.to_figures(total),
        trend=trend_rows,
        places=places,
        departments=departments,
        categories=categories,
        channels=channels,
        backlog=parts.backlog(unit=unit, category=scope.category),
        as_of=as_of,
        own=_own_row(
            unit,
            children,
            insight.own_parts(
                unit_id=unit.pk,
                first=scope.first_day,
                after=scope.after_day,
                category_id=category_id,
                narrow=narrow,
            ),
        ),
        rebuilt=_rebuilt(scope),
    )


Keys = Callable[[parts.Family], dict[str, Any]]


def _grouped(scope: Scope, keys: Keys) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every family's facts in the scope and period, grouped by `keys`: (family, group)."""
    for family, source in parts.FAMILY_SOURCES.items():
        facts = parts.scoped(
            family, unit=scope.unit, start=scope.start, end=scope.end, category=scope.category
        )
        grouped = facts.values(**keys(source)).annotate(**parts.family_aggregates(family))
        for group in grouped.order_by():
            yield family, group


def _month_parts(scope: Scope) -> dict[date, parts.Parts]:
    """Each month's parts; each fact falls in the month of its own date."""
    totals = {month: parts.empty() for month in scope.months()}
    for family, group in _grouped(scope, lambda source: {"m": TruncMonth(source.date)}):
        moment = group["m"]
        month = timezone.localtime(moment).date() if timezone.is_aware(moment) else moment
        if isinstance(month, datetime):
            month = month.date()
        if month in totals:
            parts.add(totals[month], group, parts.FAMILIES[family])
    return totals


def _trend_rows(totals: dict[date, parts.Parts]) -> list[Row]:
    return [
        Row(key=f"{m:%Y-%m}", label=f"{m:%Y-%m}", figures=parts.to_figures(totals[m]), month=m)
        for m in totals
    ]


def trend(*, scope: Scope) -> list[Row]:
    """One row per month of the period; each count falls in the month of its own date."""
    return _trend_rows(_month_parts(scope))


def _child_key_length(unit: Unit) -> int:
    return (path_depth(unit.path) + 1) * (SEGMENT_WIDTH + 1)


def ranking(*, scope: Scope, rank_by: Rank) -> tuple[list[Row], list[Row]]:
    """The units directly under the scope's unit: places (towns, or villages under a town)
    and departments, each list ranked by `rank_by` among units with enough cases."""
    places, departments, _own = _ranking_and_own(scope=scope, rank_by=rank_by)
    return places, departments


def _ranking_and_own(*, scope: Scope, rank_by: Rank) -> tuple[list[Row], list[Row], Row | None]:
    """`ranking`, and the scope's own row: the facts that no place under it counts."""
    length = _child_key_length(scope.unit)
    children = _children(scope.unit)
    places = {child.path for child in children if child.kind != UnitKind.DEPARTMENT}
    own = parts.empty()

    def keys(source: parts.Family) -> dict[str, Any]:
        lead = (
            Substr(f"{source.unit}__path", 1, length)
            if source.unit
            else Value("", output_field=CharField())
        )
        return {"place": Substr(source.of_case("location_unit__path"), 1, length), "lead": lead}

    totals: dict[str, parts.Parts] = defaultdict(parts.empty)
    for family, group in _grouped(scope, keys):
        names = parts.FAMILIES[family]
        # A fact counts for the unit where its case lies and, if another, for the unit that
        # did it: the same "placed in or done by" as case_figures for that unit.
        if group["place"]:
            parts.add(totals[group["place"]], group, names)
        if group["lead"] and group["lead"] != group["place"]:
            parts.add(totals[group["lead"]], group, names)
        if group["place"] not in places and group["lead"] not in places:
            parts.add(own, group, names)
    ranked_places, departments = _rank_children(children, totals, rank_by)
    return ranked_places, departments, _own_row(scope.unit, children, own)


def _rank_children(
    children: list[Unit], totals: dict[str, parts.Parts], rank_by: Rank
) -> tuple[list[Row], list[Row]]:
    rows = [
        Row(
            key=str(child.pk),
            label=child.name,
            figures=parts.to_figures(totals.get(child.path, parts.empty())),
            sample=totals.get(child.path, parts.empty())[RANK_SAMPLE[rank_by]],
            unit=child,
        )
        for child in children
    ]
    places = _ranked([r for r in rows if r.unit and r.unit.kind != UnitKind.DEPARTMENT], rank_by)
    departments = _ranked(
        [r for r in rows if r.unit and r.unit.kind == UnitKind.DEPARTMENT], rank_by
    )
    return places, departments


def _ranked(rows: list[Row], rank_by: Rank) -> list[Row]:
    """Ranked on the exact fraction (ties by the larger sample, then the name); units below
    the sample minimum are listed after, unranked."""

    def value(row: Row) -> Fraction | None:
        rate: parts.Rate | None = getattr(row.figures, rank_by.value)
        return None if rate is None else rate.fraction

    eligible = [r for r in rows if r.sample >= MIN_SAMPLE and value(r) is not None]
    eligible.sort(key=lambda r: (-(value(r) or 0), -r.sample, r.label))
    rest = sorted((r for r in rows if r not in eligible), key=lambda r: (-r.sample, r.label))
    ranked = [
        Row(r.key, r.label, r.figures, r.sample, number, r.unit)
        for number, r in enumerate(eligible, start=1)
    ]
    return ranked + rest


def breakdown(*, scope: Scope) -> tuple[list[Row], list[Row]]:
    """By broad category (level 1, with everything under it) and by channel."""

    def keys(source: parts.Family) -> dict[str, Any]:
        case = source.of_case
        return {
            "chan": F(case("channel")),
            "broad": Coalesce(
                case("category__parent__parent_id"),
                case("category__parent_id"),
                case("category_id"),
            ),
        }

    by_category: dict[Any, parts.Parts] = defaultdict(parts.empty)
    by_channel: dict[str, parts.Parts] = defaultdict(parts.empty)
    for family, group in _grouped(scope, keys):
        names = parts.FAMILIES[family]
        parts.add(by_category[group["broad"]], group, names)
        parts.add(by_channel[group["chan"]], group, names)
    return _breakdown_rows(by_category, by_channel)


def _breakdown_rows(
    by_category: dict[Any, parts.Parts], by_channel: dict[str, parts.Parts]
) -> tuple[list[Row], list[Row]]:
    names = dict(
        Category.objects.filter(pk__in=[k for k in by_category if k]).values_list("pk", "name")
    )
    categories = [
        Row(
            key=str(key or ""),
            label=names.get(key, "") if key else str(_("No category")),
            figures=parts.to_figures(counts),
        )
        for key, counts in by_category.items()
    ]
    channels = [
        Row(key=key, label=str(Channel(key).label), figures=parts.to_figures(counts))
        for key, counts in by_channel.items()
        if key in Channel.values
    ]
    categories.sort(key=lambda row: -row.figures.received)
    channels.sort(key=lambda row: -row.figures.received)
    return categories, channels


class Figure(StrEnum):
    RECEIVED = "received"
    ACCEPTED = "accepted"
    HANDLED = "handled"
    LATE = "late"
    RATED = "rated"
    SIGNED = "signed"
    OPEN = "open"
    OVERDUE = "overdue"


FIGURE_LABELS: dict[Figure, Promise] = {
    Figure.RECEIVED: _("Received in the period"),
    Figure.ACCEPTED: _("Accepted in the period"),
    Figure.HANDLED: _("Answered in the period (on-time, on-the-spot rates)"),
    Figure.LATE: _("Answered late in the period, by the case's deadline"),
    Figure.RATED: _("Rated in the period (satisfaction and resolution rates)"),
    Figure.SIGNED: _("Signed for in the period (response rate)"),
    Figure.OPEN: _("Open now, whenever received"),
    Figure.OVERDUE: _("Open now and past the reply deadline"),
}
# The facts behind each period figure: their family, and what they require on top of it.
DRILL_FACTS: dict[Figure, tuple[str, Q]] = {
    Figure.RECEIVED: ("received", Q()),
    Figure.ACCEPTED: ("accepted", Q()),
    Figure.HANDLED: ("replied", Q()),
    Figure.LATE: ("replied", Q(on_time=False)),
    Figure.RATED: ("rated", Q()),
    Figure.SIGNED: ("signed", Q()),
}
BACKLOG_FIGURES: dict[Figure, str] = {Figure.OPEN: "open", Figure.OVERDUE: "overdue"}


def drill_down(*, user: User, scope: Scope, figure: Figure, channel: str = "") -> QuerySet[Case]:
    """The cases behind a number of the dashboard; a rate's are those it is taken over."""
    if figure in BACKLOG_FIGURES:
        cases = scope.cases().filter(parts.BACKLOG_CONDITIONS[BACKLOG_FIGURES[figure]])
    else:
        family, extra = DRILL_FACTS[figure]
        facts = parts.scoped(
            family, unit=scope.unit, start=scope.start, end=scope.end, category=scope.category
        ).filter(extra)
        case_id = "pk" if parts.FAMILY_SOURCES[family].model is Case else "case_id"
        cases = Case.objects.filter(pk__in=facts.values(case_id))
    # The figures' scope is a unit's subtree; the person's view of it still bounds the list —
    # unless the unit lies within what they may see, as the dashboard's form ensures: then
    # every case placed there or worked on there is visible to them already.
    paths = scope_paths(user)
    if paths is not None and not any(scope.unit.path.startswith(path) for path in paths):
        cases = cases & Case.objects.visible_to(user)
    if channel:
        cases = cases.filter(channel=channel)
    return cases.order_by("-received_at", "-id")

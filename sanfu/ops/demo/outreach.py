"""Outreach for the demo county 云溪县 (`sanfu seed outreach`): a roster and its visits.

- every leader leads (领衔) a town, visiting monthly;
- `cadres` cadres (town staff and village cadres, made for the purpose) each serve two
  enterprises weekly — chief service officer (首席服务官) of the first — and every tenth also a
  village, monthly;
- one party member per grid patrols it daily (`demo-grid` among them);
- `days` of visits up to `today`, each period visited with a probability that depends on the
  town (some towns keep up, some do not), so compliance figures vary by town and some links
  are overdue; a few visits found a problem solved on the spot.

Deterministic (seeded random), idempotent (nothing is written when the demo county already has
links), and written in bulk: the services write one visit per call, far too slow for millions.
The rows are the ones the services would write: same places, same checklist versions.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from sanfu.directory.models import Enterprise, Membership, StaffRole, Unit, UnitKind, User
from sanfu.outreach.compliance import VisitCounts
from sanfu.outreach.models import (
    ChecklistVersion,
    Link,
    LinkRole,
    Period,
    ProblemOutcome,
    TargetKind,
    Visit,
    VisitProblem,
)
from sanfu.outreach.periods import period_of
from sanfu.outreach.tallies import tally_rebuild

COUNTY_CODE = "YX"
BATCH = 5000
ROSTER_START_DAYS = 760  # the roster begins a little before the first visits
SPOT_PROBLEMS = ("企业门口路灯损坏，已联系电力所当场修复", "垃圾清运不及时，已通知保洁当场清运")


@dataclass(frozen=True)
class OutreachDemoSummary:
    created: bool
    links: int
    visits: int
    problems: int


def _summary(county: Unit, *, created: bool) -> OutreachDemoSummary:
    links = Link.objects.filter(place__path__descendant=county.path)
    return OutreachDemoSummary(
        created=created,
        links=links.count(),
        visits=Visit.objects.filter(link__in=links).count(),
        problems=VisitProblem.objects.filter(link__in=links).count(),
    )


def outreach_demo_create(
    *,
    say: Callable[[str], None] = print,
    seed: int = 1,
    cadres: int = 1000,
    patrollers: int | None = None,
    days: int = 730,
    today: date | None = None,
) -> OutreachDemoSummary:
    """Write the demo roster and visits unless the demo county has links already."""
    county = Unit.objects.filter(code=COUNTY_CODE, parent__isnull=True).first()
    if county is None:
        raise LookupError("load the demo county first: sanfu seed demo")
    if Link.objects.filter(place__path__descendant=county.path).exists():
        return _summary(county, created=False)
    today = today or timezone.localdate()
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
    with transaction.atomic():
        links = _roster(county, rng, cadres=cadres, patrollers=patrollers, today=today)
        say(f"outreach: {len(links)} links")
        counts: dict[int, VisitCounts] = defaultdict(VisitCounts)
        with _indexes_built_after():
            visits = _visits(links, rng, days=days, today=today, say=say, counts=counts)
        say(f"outreach: {visits} visits")
        # The visits went in around the visit service: count them into the monthly tallies,
        # from the days just written (reading half a million rows back costs more than this).
        tallies = tally_rebuild(link_ids=[link.pk for link in links], counts=counts)
        say(f"outreach: {tallies} monthly tallies")
    return _summary(county, created=True)


@contextmanager
def _indexes_built_after() -> Iterator[None]:
    """On SQLite, into an empty visits table (the first load, in its transaction): drop the
    table's plain indexes and build them again after the half a million rows, each in one
    sorted pass, instead of keeping six indexes up to date row by row (the inserts' largest
    cost). The same indexes, from the same statements; the unique key stays throughout."""
    table = Visit._meta.db_table
    if connection.vendor != "sqlite" or Visit.objects.exists():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
            "AND sql IS NOT NULL",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql)


def _units(county: Unit, *kinds: str) -> list[Unit]:
    return list(
        Unit.objects.filter(path__descendant=county.path, kind__in=kinds, is_active=True).order_by(
            "path"
        )
    )


def _made_staff(prefix: str, count: int, units: list[Unit], role: str) -> list[User]:
    """`count` accounts that cannot log in (no usable password), each with `role` at a unit."""
    existing = User.objects.filter(username__startswith=f"{prefix}-").count()
    if existing < count:
        unusable = make_password(None)
        users = User.objects.bulk_create(
            User(
                username=f"{prefix}-{index:05d}",
                full_name=f"{prefix}-{index:05d}",
                password=unusable,
            )
            for index in range(existing + 1, count + 1)
        )
        Membership.objects.bulk_create(
            Membership(user=user, unit=units[index % len(units)], role=role)
            for index, user in enumerate(users)
        )
    return list(User.objects.filter(username__startswith=f"{prefix}-").order_by("username"))[:count]


def _link(
    person: User, target: Enterprise | Unit, place: Unit, role: str, period: str, start: date
) -> Link:
    fields: dict[str, object] = (
        {"target_kind": TargetKind.ENTERPRISE, "enterprise": target}
        if isinstance(target, Enterprise)
        else {"target_kind": TargetKind.UNIT, "target_unit": target}
    )
    return Link(
        person=person,
        place=place,
        role=role,
        starts_on=start,
        cadence_count=1,
        cadence_period=period,
        **fields,
    )


def _roster(
    county: Unit, rng: random.Random, *, cadres: int, patrollers: int | None, today: date
) -> list[Link]:
    start = today - timedelta(days=ROSTER_START_DAYS)
    towns = _units(county, UnitKind.TOWN, UnitKind.STREET)
    villages = _units(county, UnitKind.VILLAGE, UnitKind.COMMUNITY)
    grids = _units(county, UnitKind.GRID)
    enterprises = list(
        Enterprise.objects.filter(town__path__descendant=county.path)
        .select_related("town", "village")
        .order_by("pk")
    )
    links: list[Link] = []
    leaders = User.objects.filter(
        memberships__role=StaffRole.LEADER, memberships__unit__path__descendant=county.path
    ).distinct()
    for index, leader in enumerate(leaders.order_by("pk")):
        town = towns[index % len(towns)]
        links.append(_link(leader, town, town, LinkRole.LEADS, Period.MONTHLY, start))
    staff = _made_staff("cadre", cadres, towns + villages, StaffRole.TOWN_STAFF)
    demo_cadre = User.objects.filter(username="demo-village").first()
    if demo_cadre is not None:
        staff[0] = demo_cadre
    for index, cadre in enumerate(staff):
        for offset, role in ((0, LinkRole.CHIEF_SERVICE), (1, LinkRole.LINKAGE)):
            if not enterprises:
                break
            enterprise = enterprises[(2 * index + offset) % len(enterprises)]
            place = enterprise.village or enterprise.town
            links.append(_link(cadre, enterprise, place, role, Period.WEEKLY, start))
        if index % 10 == 0 and villages:
            village = villages[rng.randrange(len(villages))]
            links.append(_link(cadre, village, village, LinkRole.LINKAGE, Period.MONTHLY, start))
    members = _made_staff("party", patrollers or len(grids), grids, StaffRole.GRID_WORKER)
    demo_grid = User.objects.filter(username="demo-grid").first()
    if demo_grid is not None and members:
        members[0] = demo_grid
    for index, member in enumerate(members):
        grid = grids[index % len(grids)]
        links.append(_link(member, grid, grid, LinkRole.LINKAGE, Period.DAILY, start))
    # Two links of one person to one target (a repeated enterprise) would break the roster's rule.
    seen: set[tuple[int | None, int | None, int | None, str]] = set()
    unique = []
    for link in links:
        key = (link.person_id, link.enterprise_id, link.target_unit_id, link.role)
        if key not in seen:
            seen.add(key)
            unique.append(link)
    return Link.objects.bulk_create(unique, batch_size=BATCH)


def _town_rates(links: list[Link], rng: random.Random) -> dict[str, float]:
    """How well each town keeps up: between 55 % and 98 % of periods visited."""
    towns = sorted({_town_of(link) for link in links})
    return {town: rng.uniform(0.55, 0.98) for town in towns}


def _town_of(link: Link) -> str:
    # The second segment of a tree path is the town (the first is the county).
    return link.place.path.split(".")[1]


def _periods(period: str, first: date, last: date) -> Iterator[tuple[date, date]]:
    span = period_of(period, first)
    while span.first <= last:
        yield max(span.first, first), min(span.last, last)
        span = period_of(period, span.last + timedelta(days=1))


# The visit's columns as written in bulk; the rest take their defaults below.
VISIT_COLUMNS = (
    "client_key",
    "link_id",
    "visitor_id",
    "place_id",
    "visited_at",
    "checklist_id",
    "answers",
    "where",
    "companions",
    "notes",
    "outside_term",
    "recorded_at",
)


def _visits(
    links: list[Link],
    rng: random.Random,
    *,
    days: int,
    today: date,
    say: Callable[[str], None],
    counts: dict[int, VisitCounts],
) -> int:
    """Rows as tuples, written with COPY on PostgreSQL and executemany on SQLite: a model
    instance per visit costs more than the insert itself at millions of rows. Each visit's
    local day is counted into `counts` (none is outside its link's term)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    first = today - timedelta(days=days)
    now = timezone.now()
    checklists = {
        version.template.kind: version
        for version in ChecklistVersion.objects.select_related("template").order_by("number")
    }
    rates = _town_rates(links, rng)
    batch: list[tuple[object, ...]] = []
    problems: list[tuple[str, str, datetime]] = []
    written = 0
    for link in links:
        kind = (
            "enterprise"
            if link.enterprise_id
            else ("grid" if link.cadence_period == "daily" else "village")
        )
        checklist = checklists.get(kind)
        answers = json.dumps(
            {checklist.questions[0]["key"]: "正常"} if checklist else {}, ensure_ascii=False
        )
        rate = rates[_town_of(link)]
        for number, (start, end) in enumerate(_periods(link.cadence_period, first, today)):
            # The current period is still open: visited less often so far.
            if rng.random() > (rate if end < today else rate / 2):
                continue
            day = start + timedelta(days=rng.randrange((end - start).days + 1))
            at = datetime.combine(day, time(8 + rng.randrange(10), rng.randrange(60)), tzinfo=zone)
            if at > now:
                continue
            key = f"demo-{link.pk}-{number}"
            found = counts[link.pk]
            found.recorded[day] = found.recorded.get(day, 0) + 1
            found.counted[day] = found.counted.get(day, 0) + 1
            batch.append(
                (
                    key,
                    link.pk,
                    link.person_id,
                    link.place_id,
                    at,
                    checklist.pk if checklist else None,
                    answers,
                    "",
                    "",
                    "",
                    False,
                    now,
                )
            )
            if rng.random() < 0.03:
                problems.append((key, SPOT_PROBLEMS[rng.randrange(len(SPOT_PROBLEMS))], at))
            if len(batch) >= BATCH:
                written += _flush(batch, problems)
                batch, problems = [], []
                if written % 100_000 < BATCH:
                    say(f"outreach: {written} visits")
    return written + _flush(batch, problems)


def _flush(batch: list[tuple[object, ...]], problems: list[tuple[str, str, datetime]]) -> int:
    table = Visit._meta.db_table
    columns = ", ".join(connection.ops.quote_name(name) for name in VISIT_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(VISIT_COLUMNS))
            # SQLite stores times as UTC text, as Django writes them; psycopg takes them as is.
            adapt = connection.ops.adapt_datetimefield_value
            recorded = adapt(batch[0][11]) if batch else None  # type: ignore[arg-type]
            rows: list[Any] = [
                (*row[:4], adapt(row[4]), *row[5:11], recorded)  # type: ignore[arg-type]
                for row in batch
            ]
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608 - names from the model, values bound
    if problems:
        ids = {
            key: (pk, link_id)
            for key, pk, link_id in Visit.objects.filter(
                client_key__in=[key for key, _text, _at in problems]
            ).values_list("client_key", "pk", "link_id")
        }
        VisitProblem.objects.bulk_create(
            VisitProblem(
                visit_id=ids[key][0],
                link_id=ids[key][1],
                text=text.split("，")[0],
                outcome=ProblemOutcome.ON_THE_SPOT,
                solution=text,
                found_at=at,
            )
            for key, text, at in problems
        )
    return len(batch)

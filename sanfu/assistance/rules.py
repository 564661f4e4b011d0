"""The rules engine: eligibility, and duplicate, excessive and missed aid, on plain data.

No ORM here: everything comes in as the frozen dataclasses below and goes out as `Draft`s, so
the rules can be tested on hand-made cases and run on the synthetic county without a database.
`sanfu.assistance.findings` feeds it from the database and stores what it finds.

Periods: an aid covers the programme period (month, quarter or year) that contains the day it
was given. Two aids for one need from different bodies whose periods overlap are duplicate aid
(unless the need's cap allows that many bodies); amounts within one period are summed against
the programme's cap (its amount when no cap is set), the household cap and the need's cap
across programmes.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

MONTH, QUARTER, YEAR = "month", "quarter", "year"
DUPLICATE, EXCESSIVE, MISSED = "duplicate", "excessive", "missed"
# How far back "receives nothing for that need" looks, from the reference day.
MISSED_WINDOW_DAYS = 365


@dataclass(frozen=True)
class Rule:
    """A programme as the rules see it."""

    code: str
    need: str
    body_id: int
    period: str
    amount: Decimal | None = None
    household_level: bool = False
    max_income_per_head: Decimal | None = None
    required_status: str = ""
    max_disability_grade: int | None = None
    min_age: int | None = None
    max_age: int | None = None
    cap_per_person: Decimal | None = None
    cap_per_household: Decimal | None = None
    active: bool = True

    @property
    def targeted(self) -> bool:
        """Whether the rules pick people out by need (not by age alone): only such
        programmes can be 'missed' — everyone over 80 is not a finding."""
        return bool(
            self.required_status
            or self.max_disability_grade is not None
            or self.max_income_per_head is not None
        )


@dataclass(frozen=True)
class Cap:
    """A cap across every programme of one need."""

    need: str
    period: str
    cap_per_person: Decimal | None = None
    cap_per_household: Decimal | None = None
    max_bodies: int = 1


@dataclass(frozen=True)
class Facts:
    """What the sources (or an applicant) say about a person."""

    statuses: frozenset[str] = frozenset()
    disability_grade: int | None = None
    income_per_head: Decimal | None = None
    birth_date: date | None = None


@dataclass(frozen=True)
class Aid:
    record_id: int
    person_id: int
    programme: str  # Rule.code
    given_on: date
    amount: Decimal | None = None
    household: str = ""
    probability: float | None = None


@dataclass(frozen=True)
class PersonFacts:
    person_id: int
    facts: Facts
    household: str = ""
    anchor: int = 0  # the person's lowest record id: stable across re-linking


@dataclass(frozen=True)
class Draft:
    """A finding before it is stored; `key` makes storing it twice a no-op."""

    kind: str
    need: str
    period: str
    person_id: int | None
    household: str
    programme: str
    body_ids: frozenset[int]
    record_ids: tuple[int, ...]
    evidence: dict[str, object] = field(default_factory=dict, compare=False)

    @property
    def key(self) -> str:
        scope = self.household if self.person_id is None else ""
        anchor = ",".join(str(r) for r in self.record_ids)
        raw = f"{self.kind}|{self.need}|{self.period}|{self.programme}|{scope}|{anchor}"
        return hashlib.sha256(raw.encode()).hexdigest()


# --- periods -------------------------------------------------------------------------------


def period_label(period: str, day: date) -> str:
    if period == MONTH:
        return f"{day.year}-{day.month:02d}"
    if period == QUARTER:
        return f"{day.year}Q{(day.month - 1) // 3 + 1}"
    if period == YEAR:
        return str(day.year)
    raise ValueError(f"unknown period: {period!r}")


def period_bounds(period: str, day: date) -> tuple[date, date]:
    """First and last day of the period that contains `day`."""
    if period == MONTH:
        start = day.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    elif period == QUARTER:
        start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        end = (start + timedelta(days=95)).replace(day=1) - timedelta(days=1)
    elif period == YEAR:
        start, end = date(day.year, 1, 1), date(day.year, 12, 31)
    else:
        raise ValueError(f"unknown period: {period!r}")
    return start, end


# --- eligibility ---------------------------------------------------------------------------

# Reasons a rule is not met; the pages translate them.
UNMET_INCOME = "income"
UNMET_INCOME_UNKNOWN = "income_unknown"
UNMET_STATUS = "status"
UNMET_DISABILITY = "disability"
UNMET_AGE_MIN = "age_min"
UNMET_AGE_MAX = "age_max"
UNMET_AGE_UNKNOWN = "age_unknown"


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def unmet_rules(rule: Rule, facts: Facts, *, on: date) -> list[str]:
    """Which of the programme's rules `facts` do not meet (empty: eligible). An unknown fact
    never meets a rule that needs it."""
    unmet: list[str] = []
    if rule.max_income_per_head is not None:
        if facts.income_per_head is None:
            unmet.append(UNMET_INCOME_UNKNOWN)
        elif facts.income_per_head > rule.max_income_per_head:
            unmet.append(UNMET_INCOME)
    if rule.required_status and rule.required_status not in facts.statuses:
        unmet.append(UNMET_STATUS)
    if rule.max_disability_grade is not None and (
        facts.disability_grade is None or facts.disability_grade > rule.max_disability_grade
    ):
        unmet.append(UNMET_DISABILITY)
    if rule.min_age is not None or rule.max_age is not None:
        if facts.birth_date is None:
            unmet.append(UNMET_AGE_UNKNOWN)
        else:
            age = age_on(facts.birth_date, on)
            if rule.min_age is not None and age < rule.min_age:
                unmet.append(UNMET_AGE_MIN)
            if rule.max_age is not None and age > rule.max_age:
                unmet.append(UNMET_AGE_MAX)
    return unmet


def eligible_programmes(rules: Iterable[Rule], facts: Facts, *, on: date) -> list[Rule]:
    return [rule for rule in rules if rule.active and not unmet_rules(rule, facts, on=on)]


# --- duplicate aid -------------------------------------------------------------------------


def _record(aid: Aid, rule: Rule) -> dict[str, object]:
    return {
        "record": aid.record_id,
        "person": aid.person_id,
        "body": rule.body_id,
        "programme": rule.code,
        "amount": None if aid.amount is None else str(aid.amount),
        "given_on": aid.given_on.isoformat(),
        "probability": aid.probability,
    }


def _overlap(a: tuple[date, date], b: tuple[date, date]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _components(items: Sequence[tuple[Aid, Rule]]) -> list[list[int]]:
    """Groups of aids linked by overlapping periods from different bodies (union-find)."""
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    spans = [period_bounds(rule.period, aid.given_on) for aid, rule in items]
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if items[i][1].body_id != items[j][1].body_id and _overlap(spans[i], spans[j]):
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(items)):
        groups[root(i)].append(i)
    return [group for group in groups.values() if len(group) > 1]


def find_duplicates(
    aids: Iterable[Aid], rules: dict[str, Rule], caps: dict[str, Cap]
) -> list[Draft]:
    """One person — or one household through several members — given one need by more bodies
    than allowed (one, unless the need's cap says otherwise) in overlapping periods."""
    by_person: dict[tuple[int, str], list[tuple[Aid, Rule]]] = defaultdict(list)
    by_household: dict[tuple[str, str], list[tuple[Aid, Rule]]] = defaultdict(list)
    for aid in aids:
        rule = rules[aid.programme]
        by_person[(aid.person_id, rule.need)].append((aid, rule))
        if aid.household and rule.household_level:
            by_household[(aid.household, rule.need)].append((aid, rule))
    drafts: list[Draft] = []
    for (person_id, need), items in sorted(by_person.items()):
        drafts += _duplicate_drafts(items, need, caps, person_id=person_id, household="")
    for (household, need), items in sorted(by_household.items()):
        if len({aid.person_id for aid, _rule in items}) < 2:
            continue  # one member only: the person-level check has it
        drafts += _duplicate_drafts(items, need, caps, person_id=None, household=household)
    return drafts


def _duplicate_drafts(
    items: list[tuple[Aid, Rule]],
    need: str,
    caps: dict[str, Cap],
    *,
    person_id: int | None,
    household: str,
) -> list[Draft]:
    allowed = caps[need].max_bodies if need in caps else 1
    items = sorted(items, key=lambda item: (item[0].given_on, item[0].record_id))
    drafts = []
    for group in _components(items):
        members = [items[i] for i in group]
        bodies = frozenset(rule.body_id for _aid, rule in members)
        if len(bodies) <= allowed:
            continue
        if person_id is None and len({aid.person_id for aid, _rule in members}) < 2:
            continue
        first = min(members, key=lambda item: item[0].given_on)
        drafts.append(
            Draft(
                kind=DUPLICATE,
                need=need,
                period=period_label(first[1].period, first[0].given_on),
                person_id=person_id,
                household=household or first[0].household,
                programme="",
                body_ids=bodies,
                record_ids=tuple(sorted(aid.record_id for aid, _rule in members)),
                evidence={
                    "scope": "person" if person_id is not None else "household",
                    "bodies": len(bodies),
                    "allowed_bodies": allowed,
                    "records": [_record(aid, rule) for aid, rule in members],
                },
            )
        )
    return drafts


# --- excessive aid -------------------------------------------------------------------------


def _sum(items: Iterable[tuple[Aid, Rule]]) -> Decimal:
    return sum((aid.amount or Decimal(0) for aid, _rule in items), Decimal(0))


def find_excessive(
    aids: Iterable[Aid], rules: dict[str, Rule], caps: dict[str, Cap]
) -> list[Draft]:
    """Amounts over a cap in one period: a programme's per person (its amount when no cap is
    set: paid twice in one month is over) and per household, and a need's across programmes."""
    groups: dict[tuple[str, str, str, str], list[tuple[Aid, Rule]]] = defaultdict(list)
    for aid in aids:
        rule = rules[aid.programme]
        if aid.amount is None:
            continue  # goods: counted by the duplicate rule, not summed
        groups[
            ("programme", rule.code, f"p{aid.person_id}", period_label(rule.period, aid.given_on))
        ].append((aid, rule))
        if aid.household:
            groups[
                (
                    "programme",
                    rule.code,
                    f"h{aid.household}",
                    period_label(rule.period, aid.given_on),
                )
            ].append((aid, rule))
        cap = caps.get(rule.need)
        if cap is not None:
            label = period_label(cap.period, aid.given_on)
            groups[("need", rule.need, f"p{aid.person_id}", label)].append((aid, rule))
            if aid.household:
                groups[("need", rule.need, f"h{aid.household}", label)].append((aid, rule))
    drafts = []
    for (level, name, who, label), items in sorted(groups.items()):
        limit = _limit(level, name, who, rules, caps)
        total = _sum(items)
        if limit is None or total <= limit:
            continue
        if who.startswith("h") and len({aid.person_id for aid, _rule in items}) < 2:
            continue  # one member: the person-level cap says it already
        first_aid, first_rule = items[0]
        drafts.append(
            Draft(
                kind=EXCESSIVE,
                need=first_rule.need,
                period=label,
                person_id=int(who[1:]) if who.startswith("p") else None,
                household=who[1:] if who.startswith("h") else first_aid.household,
                programme=name if level == "programme" else "",
                body_ids=frozenset(rule.body_id for _aid, rule in items),
                record_ids=tuple(sorted(aid.record_id for aid, _rule in items)),
                evidence={
                    "scope": "person" if who.startswith("p") else "household",
                    "cap_of": level,
                    "cap": str(limit),
                    "total": str(total),
                    "records": [_record(aid, rule) for aid, rule in items],
                },
            )
        )
    return drafts


def _limit(
    level: str, name: str, who: str, rules: dict[str, Rule], caps: dict[str, Cap]
) -> Decimal | None:
    household = who.startswith("h")
    if level == "need":
        cap = caps[name]
        return cap.cap_per_household if household else cap.cap_per_person
    rule = rules[name]
    if household:
        return rule.cap_per_household
    if rule.cap_per_person is not None:
        return rule.cap_per_person
    # A household-level payment goes to one member; its amount is per household.
    return rule.amount


# --- missed aid ----------------------------------------------------------------------------


def find_missed(
    persons: Iterable[PersonFacts], aids: Iterable[Aid], rules: dict[str, Rule], *, on: date
) -> list[Draft]:
    """Someone who meets a targeted programme's rules and got nothing for that need (from any
    body; for a household-level programme, nothing to any member) in the year before `on`."""
    since = on - timedelta(days=MISSED_WINDOW_DAYS)
    got: set[tuple[str, str]] = set()
    for aid in aids:
        if since <= aid.given_on <= on:
            need = rules[aid.programme].need
            got.add((f"p{aid.person_id}", need))
            if aid.household:
                got.add((f"h{aid.household}", need))
    targeted = sorted(
        (rule for rule in rules.values() if rule.active and rule.targeted), key=lambda r: r.code
    )
    drafts = []
    for person in sorted(persons, key=lambda p: p.person_id):
        by_need: dict[str, list[Rule]] = defaultdict(list)
        for rule in targeted:
            if not unmet_rules(rule, person.facts, on=on):
                by_need[rule.need].append(rule)
        for need, eligible in sorted(by_need.items()):
            if (f"p{person.person_id}", need) in got:
                continue
            if (
                person.household
                and any(r.household_level for r in eligible)
                and (f"h{person.household}", need) in got
            ):
                continue
            drafts.append(
                Draft(
                    kind=MISSED,
                    need=need,
                    period=str(on.year),
                    person_id=person.person_id,
                    household=person.household,
                    programme=eligible[0].code,
                    body_ids=frozenset(rule.body_id for rule in eligible),
                    record_ids=(person.anchor,),
                    evidence={
                        "scope": "person",
                        "programmes": [rule.code for rule in eligible],
                        "facts": {
                            "statuses": sorted(person.facts.statuses),
                            "disability_grade": person.facts.disability_grade,
                            "income_per_head": None
                            if person.facts.income_per_head is None
                            else str(person.facts.income_per_head),
                        },
                        "since": since.isoformat(),
                        "records": [],
                    },
                )
            )
    return drafts


def find_all(
    *,
    persons: Iterable[PersonFacts],
    aids: Sequence[Aid],
    rules: dict[str, Rule],
    caps: dict[str, Cap],
    on: date,
) -> list[Draft]:
    return [
        *find_duplicates(aids, rules, caps),
        *find_excessive(aids, rules, caps),
        *find_missed(persons, aids, rules, on=on),
    ]

"""How well findings survive record linkage: aid planted on a synthetic county, found twice.

`findings_bench` gives every synthetic person aid (or none) through their records, plants
duplicate, excessive and missed aid on known persons, then runs the rules engine twice: once
with the true persons (the generator's truth) and once with the persons the linkage found.
Precision and recall of each kind of finding compare the second with the first, so they
measure what matching errors do to the findings — a false merge makes a false duplicate, a
missed link hides one. Plain data only: no database.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sanfu.assistance import rules

if TYPE_CHECKING:
    from sanfu.assistance.linkage.synthetic import SyntheticCounty

NEEDS = ("subsistence", "medical", "education", "temporary")
ON = date(2025, 12, 31)
# Shares of persons with each planted situation; the rest get ordinary aid from one body.
PLANT = {"duplicate": 0.06, "excessive": 0.05, "missed": 0.05}


def _rules(sources: list[str]) -> dict[str, rules.Rule]:
    """One programme per body and need, plus the targeted ones missed aid is judged on."""
    table: dict[str, rules.Rule] = {}
    for body, _source in enumerate(sources):
        for need in NEEDS:
            code = f"{need}-{body}"
            period = "month" if need == "subsistence" else "year"
            table[code] = rules.Rule(
                code=code, need=need, body_id=body, period=period, amount=Decimal(500)
            )
    table["disability-care"] = rules.Rule(
        code="disability-care",
        need="disability",
        body_id=0,
        period="month",
        amount=Decimal(200),
        max_disability_grade=2,
    )
    table["medical-low-income"] = rules.Rule(
        code="medical-low-income",
        need="medical",
        body_id=0,
        period="year",
        amount=Decimal(500),
        required_status="low_income",
    )
    return table


def _number(record_id: str) -> int:
    return int("".join(c for c in record_id if c.isdigit()))


def _plant(
    county: SyntheticCounty, seed: int
) -> tuple[list[tuple[str, str, date, Decimal]], dict[str, rules.Facts]]:
    """Aid as (record_id, programme, day, amount) and facts by record_id."""
    rng = random.Random(f"findings-bench-{seed}")  # noqa: S311 - reproducible, not secret
    sources = {name: body for body, name in enumerate(county.sources)}
    by_person: dict[str, list[str]] = defaultdict(list)
    source_of = {}
    for record in county.records:
        by_person[county.truth[record.record_id]].append(record.record_id)
        source_of[record.record_id] = sources[record.source]
    aid: list[tuple[str, str, date, Decimal]] = []
    facts: dict[str, rules.Facts] = {}
    for key in sorted(by_person):
        records = sorted(by_person[key])
        need = rng.choice(NEEDS)
        day = date(2025, rng.randint(1, 12), rng.randint(1, 28))
        draw = rng.random()
        bodies = {source_of[r] for r in records}
        if draw < PLANT["duplicate"] and len(bodies) < 2:
            aid.append((records[0], f"{need}-{source_of[records[0]]}", day, Decimal(500)))
        elif draw < PLANT["duplicate"]:
            first = records[0]
            second = next(r for r in records if source_of[r] != source_of[first])
            aid += [(r, f"{need}-{source_of[r]}", day, Decimal(500)) for r in (first, second)]
        elif draw < PLANT["duplicate"] + PLANT["excessive"]:
            aid.append((records[0], f"{need}-{source_of[records[0]]}", day, Decimal(900)))
        elif draw < PLANT["duplicate"] + PLANT["excessive"] + PLANT["missed"]:
            # Certified by one body, helped by none for that need.
            if rng.random() < 0.5:
                facts[records[0]] = rules.Facts(disability_grade=1)
            else:
                facts[records[0]] = rules.Facts(statuses=frozenset({"low_income"}))
        else:
            aid.append((records[0], f"{need}-{source_of[records[0]]}", day, Decimal(500)))
    return aid, facts


def _keys(drafts: list[rules.Draft], kind: str) -> set[tuple[str, str, tuple[int, ...]]]:
    return {(d.kind, d.need, d.record_ids) for d in drafts if d.kind == kind}


def _run(
    person_of: Mapping[str, str],
    aid: list[tuple[str, str, date, Decimal]],
    facts: dict[str, rules.Facts],
    table: dict[str, rules.Rule],
) -> list[rules.Draft]:
    ids: dict[str, int] = {}
    aids = [
        rules.Aid(
            record_id=_number(record),
            person_id=ids.setdefault(person_of[record], len(ids)),
            programme=programme,
            given_on=day,
            amount=amount,
        )
        for record, programme, day, amount in aid
    ]
    merged: dict[int, tuple[rules.Facts, int]] = {}
    for record in sorted(facts):
        person = ids.setdefault(person_of[record], len(ids))
        before, anchor = merged.get(person, (rules.Facts(), _number(record)))
        fact = facts[record]
        grades = [g for g in (before.disability_grade, fact.disability_grade) if g is not None]
        merged[person] = (
            rules.Facts(
                statuses=before.statuses | fact.statuses,
                disability_grade=min(grades) if grades else None,
            ),
            anchor,
        )
    persons = [
        rules.PersonFacts(person_id=person, facts=fact, anchor=anchor)
        for person, (fact, anchor) in merged.items()
    ]
    return rules.find_all(persons=persons, aids=aids, rules=table, caps={}, on=ON)


def findings_bench(
    county: SyntheticCounty, person_of: Mapping[str, str], *, seed: int
) -> dict[str, object]:
    """Precision and recall of each kind of finding with the linkage's persons against the
    findings with the true persons, on aid planted on `county`."""
    table = _rules(county.sources)
    aid, facts = _plant(county, seed)
    truth = _run(county.truth, aid, facts, table)
    found = _run(person_of, aid, facts, table)
    result: dict[str, object] = {"aid_records": len(aid), "fact_records": len(facts)}
    for kind in (rules.DUPLICATE, rules.EXCESSIVE, rules.MISSED):
        expected, got = _keys(truth, kind), _keys(found, kind)
        hits = len(expected & got)
        result[kind] = {
            "true": len(expected),
            "found": len(got),
            "precision": round(hits / len(got), 4) if got else 1.0,
            "recall": round(hits / len(expected), 4) if expected else 1.0,
        }
    return result

"""Findings from the groups the database flags are the findings of the engine on every record.

`findings_drafts` loads only the aid of persons and households whose sums or counts may break
a rule; on a county of random aid (monthly, quarterly and yearly programmes, person and
household caps, need caps, households of several members, two bodies per need) it must find
exactly what the rules engine finds when it is given every record.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from sanfu.assistance import rules
from sanfu.assistance.findings import findings_drafts, load_inputs
from sanfu.assistance.models import (
    Beneficiary,
    Need,
    Period,
    Person,
    Programme,
    RecordKind,
    SourceRecord,
)
from sanfu.assistance.programmes import (
    ProgrammeSpec,
    caps_all,
    need_cap_save,
    programme_save,
    rules_all,
)
from tests.assistance.conftest import Bodies

ON = date(2025, 12, 31)


def _county(bodies: Bodies, seed: int) -> None:
    rng = random.Random(seed)
    specs = [
        # code, need, body, period, amount, beneficiary, cap per person, cap per household
        ("M1", Need.MEDICAL, bodies.civil, Period.YEAR, "3000", Beneficiary.PERSON, "3500", None),
        ("T1", Need.TEMPORARY, bodies.civil, Period.QUARTER, "500", Beneficiary.HOUSEHOLD,
         None, "600"),
        ("T2", Need.TEMPORARY, bodies.charity, Period.MONTH, "300", Beneficiary.HOUSEHOLD,
         None, None),
        ("E1", Need.EDUCATION, bodies.charity, Period.YEAR, None, Beneficiary.PERSON, None, None),
        ("E2", Need.EDUCATION, bodies.civil, Period.QUARTER, "1000", Beneficiary.PERSON,
         None, "1500"),
    ]  # fmt: skip
    for code, need, body, period, amount, beneficiary, per_person, per_household in specs:
        programme_save(
            spec=ProgrammeSpec(
                code=code, name=code, need=need, body=body, period=period,
                amount=Decimal(amount) if amount else None,
                in_kind="" if amount else "书包",
                beneficiary=beneficiary,
                cap_per_person=Decimal(per_person) if per_person else None,
                cap_per_household=Decimal(per_household) if per_household else None,
            )
        )  # fmt: skip
    need_cap_save(need=Need.TEMPORARY, period=Period.YEAR, cap_per_person=Decimal("700"),
                  cap_per_household=Decimal("900"))  # fmt: skip
    # Households of four, each member with little aid: a household's aid together breaks
    # caps no member's aid breaks alone.
    _aid(rng, persons=150, household=lambda n: f"H{n // 4}" if n < 120 else "",
         counts=[0, 1, 1, 2, 2, 3], factors=["0.5", "1", "1", "1", "1.5"])  # fmt: skip


def _aid(
    rng: random.Random,
    *,
    persons: int,
    household: Callable[[int], str],
    counts: list[int],
    factors: list[str],
) -> None:
    """Persons (some registered low-income or disabled) with random aid from every programme
    in 2025 (amounts its amount times one of `factors`), written straight to the tables as if
    imported and linked."""
    programmes = list(Programme.objects.select_related("body").order_by("code"))
    records: list[SourceRecord] = []
    for n in range(persons):
        person = Person.objects.create(
            name=f"人{n}",
            household=household(n),
            statuses=["low_income"] if rng.random() < 0.3 else [],
            disability_grade=rng.choice([1, 3]) if rng.random() < 0.2 else None,
        )
        for _each in range(rng.choice(counts)):
            programme = rng.choice(programmes)
            amount = None
            if programme.amount is not None:
                amount = programme.amount * Decimal(rng.choice(factors))
            records.append(
                SourceRecord(
                    source=programme.body,
                    natural_key=f"k{len(records)}",
                    kind=RecordKind.AID,
                    name=person.name,
                    phone="13800138000",
                    programme=programme,
                    amount=amount,
                    given_on=date(2025, rng.randint(1, 12), rng.randint(1, 28)),
                    person=person,
                    match_probability=0.99,
                )
            )
    SourceRecord.objects.bulk_create(records)


def test_the_flagged_groups_give_the_findings_of_every_record(bodies: Bodies) -> None:
    for seed in (1, 2, 3):
        SourceRecord.objects.all().delete()
        Person.objects.all().delete()
        if seed == 1:
            _county(bodies, seed)
        else:
            _more_records(seed)
        persons, aids = load_inputs()
        everything = rules.find_all(
            persons=persons, aids=aids, rules=rules_all(), caps=caps_all(), on=ON
        )
        flagged = findings_drafts(on=ON)
        kinds = {(d.kind, d.evidence["scope"], d.evidence.get("cap_of")) for d in everything}
        assert kinds >= {
            ("duplicate", "person", None),
            ("duplicate", "household", None),
            ("excessive", "person", "programme"),
            ("excessive", "person", "need"),
            ("excessive", "household", "programme"),
            ("excessive", "household", "need"),
            ("missed", "person", None),
        }, kinds
        assert sorted(flagged, key=lambda d: d.key) == sorted(everything, key=lambda d: d.key)
        assert [d.evidence for d in sorted(flagged, key=lambda d: d.key)] == [
            d.evidence for d in sorted(everything, key=lambda d: d.key)
        ]
        assert len(aids) > 100


def _more_records(seed: int) -> None:
    """The same programmes, other persons and aid: households of four with one member alone."""
    rng = random.Random(seed)
    _aid(rng, persons=80, household=lambda n: f"H{n // 4}" if n % 5 else "",
         counts=list(range(8)), factors=["0.4", "1", "1.2"])  # fmt: skip

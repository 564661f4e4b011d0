"""The rules engine on hand-made cases: plain data in, findings out, no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sanfu.assistance.rules import (
    DUPLICATE,
    EXCESSIVE,
    MISSED,
    Aid,
    Cap,
    Facts,
    PersonFacts,
    Rule,
    find_all,
    find_duplicates,
    find_excessive,
    find_missed,
    period_label,
    unmet_rules,
)

CIVIL, CHARITY, TOWN = 1, 2, 3
RULES = {
    "DB": Rule(code="DB", need="subsistence", body_id=CIVIL, period="month", amount=Decimal(800),
               household_level=True, max_income_per_head=Decimal(900)),
    "YL": Rule(code="YL", need="medical", body_id=CIVIL, period="year", amount=Decimal(3000),
               required_status="low_income"),
    "CS": Rule(code="CS", need="medical", body_id=CHARITY, period="year", amount=Decimal(2000)),
    "CJ": Rule(code="CJ", need="disability", body_id=CIVIL, period="month", amount=Decimal(200),
               max_disability_grade=2),
    "LS": Rule(code="LS", need="temporary", body_id=TOWN, period="year", amount=Decimal(1000),
               cap_per_person=Decimal(1500)),
    "OLD": Rule(code="OLD", need="elderly_care", body_id=TOWN, period="month", amount=Decimal(100),
                min_age=80),
}  # fmt: skip
CAPS = {"medical": Cap(need="medical", period="year", cap_per_person=Decimal(4000))}
JULY = date(2025, 7, 10)


def aid(
    record: int,
    person: int,
    programme: str,
    day: date = JULY,
    amount: int | None = None,
    household: str = "",
) -> Aid:
    value = Decimal(amount) if amount is not None else RULES[programme].amount
    return Aid(
        record_id=record,
        person_id=person,
        programme=programme,
        given_on=day,
        amount=value,
        household=household,
        probability=0.98,
    )


def test_periods_are_labelled_by_month_quarter_and_year() -> None:
    assert period_label("month", JULY) == "2025-07"
    assert period_label("quarter", JULY) == "2025Q3"
    assert period_label("year", JULY) == "2025"


def test_one_person_given_one_need_by_two_bodies_in_one_year_is_duplicate_aid() -> None:
    drafts = find_duplicates([aid(1, 10, "YL"), aid(2, 10, "CS", date(2025, 11, 1))], RULES, CAPS)
    assert [(d.kind, d.person_id, d.need, d.period, d.record_ids) for d in drafts] == [
        (DUPLICATE, 10, "medical", "2025", (1, 2))
    ]
    assert drafts[0].body_ids == {CIVIL, CHARITY}
    records = drafts[0].evidence["records"]
    assert isinstance(records, list)
    assert [r["probability"] for r in records] == [0.98, 0.98]


def test_two_bodies_in_different_years_or_two_people_are_not_duplicates() -> None:
    assert (
        find_duplicates([aid(1, 10, "YL"), aid(2, 10, "CS", date(2026, 1, 5))], RULES, CAPS) == []
    )
    assert find_duplicates([aid(1, 10, "YL"), aid(2, 11, "CS")], RULES, CAPS) == []


def test_a_need_cap_can_allow_several_bodies() -> None:
    caps = {"medical": Cap(need="medical", period="year", max_bodies=2)}
    assert find_duplicates([aid(1, 10, "YL"), aid(2, 10, "CS")], RULES, caps) == []


def test_a_household_paid_subsistence_twice_through_two_members_is_duplicate() -> None:
    rules = {
        **RULES,
        "DB2": Rule(
            code="DB2",
            need="subsistence",
            body_id=TOWN,
            period="month",
            amount=Decimal(500),
            household_level=True,
        ),
    }
    drafts = find_duplicates(
        [aid(1, 10, "DB", household="H1"), aid(2, 11, "DB2", amount=500, household="H1")],
        rules,
        CAPS,
    )
    assert [(d.person_id, d.household) for d in drafts] == [(None, "H1")]


def test_paid_twice_in_one_month_is_excessive_against_the_programme_amount() -> None:
    drafts = find_excessive([aid(1, 10, "CJ"), aid(2, 10, "CJ", date(2025, 7, 20))], RULES, CAPS)
    assert [
        (d.kind, d.programme, d.period, d.evidence["total"], d.evidence["cap"]) for d in drafts
    ] == [(EXCESSIVE, "CJ", "2025-07", "400", "200")]


def test_over_the_cap_across_programmes_of_a_need_is_excessive() -> None:
    drafts = find_excessive([aid(1, 10, "YL"), aid(2, 10, "CS")], RULES, CAPS)
    assert [(d.evidence["cap_of"], d.evidence["total"]) for d in drafts] == [("need", "5000")]


def test_within_caps_nothing_is_excessive() -> None:
    assert find_excessive([aid(1, 10, "LS", amount=1500), aid(2, 10, "CJ")], RULES, CAPS) == []


def test_someone_eligible_who_receives_nothing_for_the_need_is_missed() -> None:
    severe = PersonFacts(person_id=10, facts=Facts(disability_grade=1), anchor=5)
    mild = PersonFacts(person_id=11, facts=Facts(disability_grade=4), anchor=6)
    helped = PersonFacts(person_id=12, facts=Facts(disability_grade=2), anchor=7)
    drafts = find_missed([severe, mild, helped], [aid(1, 12, "CJ")], RULES, on=date(2025, 12, 31))
    assert [(d.kind, d.person_id, d.need, d.programme) for d in drafts] == [
        (MISSED, 10, "disability", "CJ")
    ]


def test_registered_low_income_without_medical_aid_is_missed_but_age_alone_is_not() -> None:
    person = PersonFacts(
        person_id=10,
        facts=Facts(
            statuses=frozenset({"low_income"}),
            income_per_head=Decimal(500),
            birth_date=date(1930, 1, 1),
        ),
        household="H1",
        anchor=5,
    )
    drafts = find_missed([person], [aid(1, 10, "DB")], RULES, on=date(2025, 12, 31))
    assert {(d.need, d.programme) for d in drafts} == {("medical", "YL")}


def test_unknown_facts_never_meet_a_rule() -> None:
    assert unmet_rules(RULES["DB"], Facts(), on=JULY) == ["income_unknown"]
    assert unmet_rules(RULES["OLD"], Facts(birth_date=date(1950, 1, 1)), on=JULY) == ["age_min"]
    assert unmet_rules(RULES["OLD"], Facts(birth_date=date(1940, 1, 1)), on=JULY) == []


def test_finding_keys_are_stable_so_storing_twice_changes_nothing() -> None:
    aids = [aid(1, 10, "YL"), aid(2, 10, "CS")]
    first = find_all(persons=[], aids=aids, rules=RULES, caps=CAPS, on=JULY)
    second = find_all(persons=[], aids=list(reversed(aids)), rules=RULES, caps=CAPS, on=JULY)
    assert [d.key for d in first] == [d.key for d in second]
    assert len({d.key for d in first}) == len(first) == 2

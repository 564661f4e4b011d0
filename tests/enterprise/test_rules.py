from __future__ import annotations

import random
from decimal import Decimal

from sanfu.enterprise import rules


def facts(**kwargs: object) -> rules.Facts:
    base: dict[str, object] = {
        "enterprise_id": 1,
        "industry": "manufacturing",
        "size": "small",
        "town_id": 7,
        "revenue": Decimal("2000000"),
        "employees": 30,
        "tax_grade": "A",
    }
    base.update(kwargs)
    return rules.Facts(**base)  # type: ignore[arg-type]


def test_an_empty_policy_takes_everyone() -> None:
    assert rules.unmet_rules(rules.PolicyRule(1, 2025), facts(revenue=None)) == []


def test_each_rule_names_what_is_unmet() -> None:
    rule = rules.PolicyRule(
        1,
        2025,
        industries=frozenset({"trade"}),
        sizes=frozenset({"micro"}),
        town_ids=frozenset({8}),
        min_revenue=Decimal("3000000"),
        max_employees=10,
        tax_grades=frozenset({"B"}),
    )
    assert rules.unmet_rules(rule, facts()) == [
        "industry",
        "size",
        "town",
        "revenue",
        "employees",
        "tax_grade",
    ]


def test_an_unknown_figure_never_meets_a_rule_that_needs_it() -> None:
    rule = rules.PolicyRule(1, 2025, min_revenue=Decimal(0), min_employees=0)
    assert rules.unmet_rules(rule, facts(revenue=None, employees=None)) == [
        "revenue_unknown",
        "employees_unknown",
    ]


def test_bounds_are_inclusive_to_the_cent() -> None:
    rule = rules.PolicyRule(1, 2025, min_revenue=Decimal("1000.01"), max_revenue=Decimal("2000"))
    table = rules.FactsTable.build(
        [
            facts(enterprise_id=1, revenue=Decimal("1000.00")),
            facts(enterprise_id=2, revenue=Decimal("1000.01")),
            facts(enterprise_id=3, revenue=Decimal("2000.00")),
            facts(enterprise_id=4, revenue=Decimal("2000.01")),
        ]
    )
    assert rules.qualified_ids(rule, table).tolist() == [2, 3]


def _random_rule(rng: random.Random, policy_id: int) -> rules.PolicyRule:
    def some(values: list[str]) -> frozenset[str]:
        return frozenset(rng.sample(values, rng.randint(0, 2)))

    low = rng.choice([None, Decimal(rng.randint(0, 50) * 10000)])
    return rules.PolicyRule(
        policy_id,
        2025,
        industries=some(["manufacturing", "trade", "technology", "nowhere"]),
        sizes=some(["small", "micro", "medium"]),
        town_ids=frozenset(rng.sample([1, 2, 3, 99], rng.randint(0, 2))),
        min_revenue=low,
        max_revenue=rng.choice([None, Decimal(rng.randint(40, 90) * 10000)]),
        min_employees=rng.choice([None, rng.randint(0, 20)]),
        max_employees=rng.choice([None, rng.randint(10, 60)]),
        tax_grades=some(["A", "B", "M", "C"]),
    )


def test_the_vectorised_matcher_agrees_with_the_reference_rule() -> None:
    rng = random.Random(17)
    rows = [
        rules.Facts(
            enterprise_id=i,
            industry=rng.choice(["manufacturing", "trade", "technology"]),
            size=rng.choice(["small", "micro", "medium", "large"]),
            town_id=rng.choice([1, 2, 3]),
            revenue=rng.choice([None, Decimal(rng.randint(0, 100_000_000)) / 100]),
            employees=rng.choice([None, rng.randint(0, 80)]),
            tax_grade=rng.choice(["", "A", "B", "M", "C", "D"]),
        )
        for i in range(600)
    ]
    table = rules.FactsTable.build(rows)
    for policy_id in range(60):
        rule = _random_rule(rng, policy_id)
        expected = [f.enterprise_id for f in rows if not rules.unmet_rules(rule, f)]
        assert rules.qualified_ids(rule, table).tolist() == expected

"""Feeding the policy rules from the database, and storing "qualified but not received".

Set-based: the enterprises' facts are read once per facts year as columns (`values_list`),
every policy is a vector operation over them (`rules.qualifying`), what was received is one
query, and the stored list is changed by difference — new pairs inserted in bulk, pairs that
no longer qualify (or have been served) flagged not current in bulk. Running it twice changes
nothing the second time; a review decision survives every run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.db import transaction
from django.utils import timezone

from sanfu.directory.models import Enterprise
from sanfu.enterprise import rules
from sanfu.enterprise.models import Benefit, EnterpriseFacts, Policy, PolicyMatch

_BATCH = 5000


def policy_rule(policy: Policy, town_ids: Iterable[int] | None = None) -> rules.PolicyRule:
    towns = town_ids if town_ids is not None else policy.towns.values_list("pk", flat=True)
    return rules.PolicyRule(
        policy_id=policy.pk,
        facts_year=policy.facts_year,
        industries=frozenset(policy.industries),
        sizes=frozenset(policy.sizes),
        town_ids=frozenset(towns),
        min_revenue=policy.min_revenue,
        max_revenue=policy.max_revenue,
        min_employees=policy.min_employees,
        max_employees=policy.max_employees,
        tax_grades=frozenset(policy.tax_grades),
    )


def active_rules(policies: Iterable[Policy] | None = None) -> list[rules.PolicyRule]:
    chosen = list(policies) if policies is not None else list(Policy.objects.filter(active=True))
    towns: dict[int, list[int]] = defaultdict(list)
    through = Policy.towns.through.objects.filter(policy_id__in=[p.pk for p in chosen])
    for policy_id, unit_id in through.values_list("policy_id", "unit_id"):
        towns[policy_id].append(unit_id)
    return [policy_rule(p, towns.get(p.pk, [])) for p in chosen]


def facts_rows(year: int, enterprise_ids: Iterable[int] | None = None) -> list[rules.Facts]:
    """Every enterprise (or the given ones) with its facts of `year`, unknown where missing."""
    enterprises = Enterprise.objects.all()
    figures = EnterpriseFacts.objects.filter(year=year)
    if enterprise_ids is not None:
        ids = list(enterprise_ids)
        enterprises = enterprises.filter(pk__in=ids)
        figures = figures.filter(enterprise_id__in=ids)
    by_id = {
        row[0]: row[1:]
        for row in figures.values_list("enterprise_id", "revenue", "employees", "tax_grade")
    }
    rows = []
    for pk, industry, size, town_id in enterprises.order_by("pk").values_list(
        "pk", "industry", "size", "town_id"
    ):
        revenue, employees, grade = by_id.get(pk, (None, None, ""))
        rows.append(rules.Facts(pk, industry, size, town_id, revenue, employees, grade))
    return rows


@dataclass
class MatchResult:
    policies: int
    enterprises: int
    qualified: int
    open_pairs: int
    added: int
    retired: int
    restored: int


def _received() -> set[tuple[int, int]]:
    return set(Benefit.objects.values_list("policy_id", "enterprise_id").distinct())


def compute_missed(
    policy_rules: list[rules.PolicyRule],
) -> tuple[dict[int, set[int]], int, int]:
    """Per policy, the enterprises that qualify and have received nothing under it."""
    received: dict[int, set[int]] = defaultdict(set)
    for policy_id, enterprise_id in _received():
        received[policy_id].add(enterprise_id)
    tables: dict[int, rules.FactsTable] = {}
    missed: dict[int, set[int]] = {}
    qualified = 0
    enterprises = 0
    for rule in policy_rules:
        if rule.facts_year not in tables:
            tables[rule.facts_year] = rules.FactsTable.build(facts_rows(rule.facts_year))
        table = tables[rule.facts_year]
        enterprises = max(enterprises, len(table.enterprise_ids))
        ids = rules.qualified_ids(rule, table)
        qualified += len(ids)
        got = received.get(rule.policy_id)
        if got:
            ids = ids[~np.isin(ids, np.fromiter(got, np.int64, len(got)))]
        missed[rule.policy_id] = set(ids.tolist())
    return missed, qualified, enterprises


@transaction.atomic
def policies_match(*, at: datetime | None = None) -> MatchResult:
    """Match every enterprise against every active policy and bring the review list up to date.

    Safe to run in two processes at once: the unique (policy, enterprise) pair makes a second
    insert of the same pair a no-op (`ignore_conflicts`), and flag updates are idempotent.
    """
    at = at or timezone.now()
    policy_rules = active_rules()
    missed, qualified, enterprises = compute_missed(policy_rules)
    existing: dict[tuple[int, int], tuple[int, bool]] = {
        (policy_id, enterprise_id): (pk, current)
        for pk, policy_id, enterprise_id, current in PolicyMatch.objects.filter(
            policy_id__in=list(missed)
        ).values_list("pk", "policy_id", "enterprise_id", "current")
    }
    new_rows: list[PolicyMatch] = []
    restore: list[int] = []
    wanted: set[tuple[int, int]] = set()
    for policy_id, ids in missed.items():
        for enterprise_id in ids:
            key = (policy_id, enterprise_id)
            wanted.add(key)
            found = existing.get(key)
            if found is None:
                new_rows.append(
                    PolicyMatch(policy_id=policy_id, enterprise_id=enterprise_id, found_at=at)
                )
            elif not found[1]:
                restore.append(found[0])
    retire = [pk for key, (pk, current) in existing.items() if current and key not in wanted]
    PolicyMatch.objects.bulk_create(new_rows, batch_size=_BATCH, ignore_conflicts=True)
    for start in range(0, len(retire), _BATCH):
        PolicyMatch.objects.filter(pk__in=retire[start : start + _BATCH]).update(current=False)
    for start in range(0, len(restore), _BATCH):
        PolicyMatch.objects.filter(pk__in=restore[start : start + _BATCH]).update(current=True)
    return MatchResult(
        policies=len(policy_rules),
        enterprises=enterprises,
        qualified=qualified,
        open_pairs=len(wanted),
        added=len(new_rows),
        retired=len(retire),
        restored=len(restore),
    )


def policies_for_enterprise(enterprise: Enterprise) -> list[tuple[Policy, bool]]:
    """The active policies `enterprise` qualifies for, each with whether it has received it."""
    policies = list(Policy.objects.filter(active=True).select_related("issuing_unit"))
    received = set(
        Benefit.objects.filter(enterprise=enterprise).values_list("policy_id", flat=True)
    )
    by_year: dict[int, rules.Facts] = {}
    result = []
    for policy, rule in zip(policies, active_rules(policies), strict=True):
        if rule.facts_year not in by_year:
            by_year[rule.facts_year] = facts_rows(rule.facts_year, [enterprise.pk])[0]
        if not rules.unmet_rules(rule, by_year[rule.facts_year]):
            result.append((policy, policy.pk in received))
    return result

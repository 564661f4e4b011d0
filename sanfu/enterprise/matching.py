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
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from sanfu.directory.models import Enterprise
from sanfu.enterprise import rules
from sanfu.enterprise.models import (
    Benefit,
    EnterpriseFacts,
    MatchRun,
    MatchState,
    Policy,
    PolicyMatch,
)

_BATCH = 5000
_PG_BATCH = 50_000


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


def _received() -> dict[int, rules.IntArray]:
    got: dict[int, list[int]] = defaultdict(list)
    for policy_id, enterprise_id in Benefit.objects.values_list(
        "policy_id", "enterprise_id"
    ).distinct():
        got[policy_id].append(enterprise_id)
    return {policy_id: np.array(ids, dtype=np.int64) for policy_id, ids in got.items()}


# A (policy, enterprise) pair as one int64, so the differences below are numpy set operations.
_SHIFT = np.int64(1) << np.int64(32)


def compute_missed(policy_rules: list[rules.PolicyRule]) -> tuple[rules.IntArray, int, int]:
    """The pairs (as keys) of enterprises that qualify for a policy and have received nothing
    under it; with the number of qualifying pairs and of enterprises read."""
    received = _received()
    tables: dict[int, rules.FactsTable] = {}
    parts: list[rules.IntArray] = [np.empty(0, dtype=np.int64)]
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
        if got is not None:
            ids = ids[~np.isin(ids, got)]
        parts.append(np.int64(rule.policy_id) * _SHIFT + ids)
    return np.concatenate(parts), qualified, enterprises


def _existing(policy_ids: list[int]) -> tuple[rules.IntArray, rules.IntArray, rules.BoolArray]:
    rows = list(
        PolicyMatch.objects.filter(policy_id__in=policy_ids).values_list(
            "pk", "policy_id", "enterprise_id", "current"
        )
    )
    count = len(rows)
    pks = np.fromiter((r[0] for r in rows), np.int64, count)
    keys = np.fromiter((r[1] * (1 << 32) + r[2] for r in rows), np.int64, count)
    current = np.fromiter((r[3] for r in rows), np.bool_, count)
    return pks, keys, current


def _insert(keys: rules.IntArray, at: datetime) -> None:
    """Plain INSERTs (the ORM's bulk_create builds a model per row: 100x slower here); a pair
    another process inserted meanwhile is skipped by the unique constraint. PostgreSQL takes
    each batch as two arrays in one statement (row-by-row executemany was 10x slower there)."""
    table = PolicyMatch._meta.db_table
    found_at = connection.ops.adapt_datetimefield_value(at)
    policies = (keys // _SHIFT).tolist()
    enterprises = (keys % _SHIFT).tolist()
    columns = "(policy_id, enterprise_id, state, current, found_at, reason)"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = (
                f"INSERT INTO {table} {columns} "  # noqa: S608 - our own table name
                "SELECT p, e, %s, true, %s, '' FROM unnest(%s::bigint[], %s::bigint[]) AS u(p, e) "
                "ON CONFLICT DO NOTHING"
            )
            for start in range(0, len(policies), _PG_BATCH):
                end = start + _PG_BATCH
                cursor.execute(
                    sql, [MatchState.OPEN, found_at, policies[start:end], enterprises[start:end]]
                )
            return
        sql = (
            f"INSERT INTO {table} {columns} "  # noqa: S608 - our own table name
            "VALUES (%s, %s, %s, %s, %s, '') ON CONFLICT DO NOTHING"
        )
        for start in range(0, len(policies), _BATCH):
            end = start + _BATCH
            cursor.executemany(
                sql,
                [
                    (p, e, MatchState.OPEN, True, found_at)
                    for p, e in zip(policies[start:end], enterprises[start:end], strict=True)
                ],
            )


def _set_current(pks: rules.IntArray, value: bool) -> None:
    ids = pks.tolist()
    for start in range(0, len(ids), _BATCH):
        PolicyMatch.objects.filter(pk__in=ids[start : start + _BATCH]).update(current=value)


@transaction.atomic
def policies_match(*, at: datetime | None = None) -> MatchResult:
    """Match every enterprise against every active policy and bring the review list up to date.

    Safe to run in two processes at once: a pair inserted by both is inserted once (the unique
    pair, ON CONFLICT DO NOTHING), and the flag updates are idempotent.
    """
    at = at or timezone.now()
    policy_rules = active_rules()
    wanted, qualified, enterprises = compute_missed(policy_rules)
    pks, keys, current = _existing([rule.policy_id for rule in policy_rules])
    present = np.isin(keys, wanted)
    new = wanted[~np.isin(wanted, keys)]
    retire = pks[current & ~present]
    restore = pks[~current & present]
    _insert(new, at)
    _set_current(retire, False)
    _set_current(restore, True)
    return MatchResult(
        policies=len(policy_rules),
        enterprises=enterprises,
        qualified=qualified,
        open_pairs=len(wanted),
        added=len(new),
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


def policies_match_sweep() -> dict[str, object]:
    """The sweep's job: match once a (local) day. Safe in several processes at once — the
    first to insert the day's run row does the work, the others skip."""
    at = timezone.now()
    day = timezone.localdate(at)
    try:
        with transaction.atomic():
            run = MatchRun.objects.create(day=day, started_at=at)
    except IntegrityError:
        return {"skipped": str(day)}
    result = policies_match(at=at)
    run.finished_at = timezone.now()
    summary: dict[str, object] = vars(result)
    run.result = summary
    run.save(update_fields=["finished_at", "result"])
    return summary


# Policy texts go out in the day, never at the midnight run: people read them at work.
TEXT_HOURS = (9, 20)


def policies_text_sweep() -> dict[str, object]:
    """The sweep's job: text the day's qualifying policies once, after the day's matching run,
    between TEXT_HOURS. The first process to stamp the run's `texted_at` does it."""
    from sanfu.enterprise.services.contacts import policies_text

    at = timezone.now()
    if not TEXT_HOURS[0] <= timezone.localtime(at).hour < TEXT_HOURS[1]:
        return {"skipped": "outside texting hours"}
    claimed = MatchRun.objects.filter(
        day=timezone.localdate(at), finished_at__isnull=False, texted_at__isnull=True
    ).update(texted_at=at)
    if not claimed:
        return {"skipped": "texted or not matched today"}
    return dict(vars(policies_text(at=at)))

"""Policy rules on plain data: which enterprises meet which policy (免申即享).

No ORM here. `unmet_rules` is the reference, one enterprise against one policy, in the style of
the assistance programmes' rules; `qualifying` is the same rule on whole columns (numpy), so
100,000 enterprises against 200 policies is a few hundred vector operations, not 20 million
Python calls. The tests hold the two to the same answers.

An empty rule does not limit; an unknown fact never meets a rule that needs it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt

UNMET_INDUSTRY = "industry"
UNMET_SIZE = "size"
UNMET_TOWN = "town"
UNMET_REVENUE = "revenue"
UNMET_REVENUE_UNKNOWN = "revenue_unknown"
UNMET_EMPLOYEES = "employees"
UNMET_EMPLOYEES_UNKNOWN = "employees_unknown"
UNMET_TAX_GRADE = "tax_grade"


@dataclass(frozen=True)
class PolicyRule:
    policy_id: int
    facts_year: int
    industries: frozenset[str] = frozenset()
    sizes: frozenset[str] = frozenset()
    town_ids: frozenset[int] = frozenset()
    min_revenue: Decimal | None = None
    max_revenue: Decimal | None = None
    min_employees: int | None = None
    max_employees: int | None = None
    tax_grades: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Facts:
    """One enterprise as the rules see it: register facts and one year's figures."""

    enterprise_id: int
    industry: str
    size: str
    town_id: int
    revenue: Decimal | None = None
    employees: int | None = None
    tax_grade: str = ""  # "" unknown


def unmet_rules(rule: PolicyRule, facts: Facts) -> list[str]:
    """Which of the policy's rules `facts` do not meet (empty: the enterprise qualifies)."""
    unmet: list[str] = []
    if rule.industries and facts.industry not in rule.industries:
        unmet.append(UNMET_INDUSTRY)
    if rule.sizes and facts.size not in rule.sizes:
        unmet.append(UNMET_SIZE)
    if rule.town_ids and facts.town_id not in rule.town_ids:
        unmet.append(UNMET_TOWN)
    if rule.min_revenue is not None or rule.max_revenue is not None:
        if facts.revenue is None:
            unmet.append(UNMET_REVENUE_UNKNOWN)
        elif (rule.min_revenue is not None and facts.revenue < rule.min_revenue) or (
            rule.max_revenue is not None and facts.revenue > rule.max_revenue
        ):
            unmet.append(UNMET_REVENUE)
    if rule.min_employees is not None or rule.max_employees is not None:
        if facts.employees is None:
            unmet.append(UNMET_EMPLOYEES_UNKNOWN)
        elif (rule.min_employees is not None and facts.employees < rule.min_employees) or (
            rule.max_employees is not None and facts.employees > rule.max_employees
        ):
            unmet.append(UNMET_EMPLOYEES)
    if rule.tax_grades and facts.tax_grade not in rule.tax_grades:
        unmet.append(UNMET_TAX_GRADE)
    return unmet


# --- the same rules on columns -------------------------------------------------------------

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def _cents(value: Decimal) -> int:
    # Amounts carry two decimals; whole cents keep the comparisons exact (no floats).
    return int(value.scaleb(2).to_integral_value())


@dataclass(frozen=True)
class FactsTable:
    """Every enterprise's facts for one year as columns. Text facts are coded as integers
    through `codes`; an unknown number is flagged in its `*_known` column."""

    enterprise_ids: IntArray
    industry: IntArray
    size: IntArray
    town_id: IntArray
    revenue_cents: IntArray
    revenue_known: BoolArray
    employees: IntArray
    employees_known: BoolArray
    tax_grade: IntArray
    codes: dict[str, int]

    @classmethod
    def build(cls, rows: Sequence[Facts]) -> FactsTable:
        codes: dict[str, int] = {"": 0}

        def code(text: str) -> int:
            return codes.setdefault(text, len(codes))

        count = len(rows)
        industry = np.fromiter((code(f.industry) for f in rows), np.int64, count)
        size = np.fromiter((code(f.size) for f in rows), np.int64, count)
        tax_grade = np.fromiter((code(f.tax_grade) for f in rows), np.int64, count)
        revenue = [f.revenue for f in rows]
        employees = [f.employees for f in rows]
        return cls(
            enterprise_ids=np.fromiter((f.enterprise_id for f in rows), np.int64, count),
            industry=industry,
            size=size,
            town_id=np.fromiter((f.town_id for f in rows), np.int64, count),
            revenue_cents=np.fromiter(
                (0 if r is None else _cents(r) for r in revenue), np.int64, count
            ),
            revenue_known=np.fromiter((r is not None for r in revenue), np.bool_, count),
            employees=np.fromiter((e or 0 for e in employees), np.int64, count),
            employees_known=np.fromiter((e is not None for e in employees), np.bool_, count),
            tax_grade=tax_grade,
            codes=codes,
        )

    def _coded(self, values: Iterable[str]) -> IntArray:
        # A value no enterprise has gets -1, which matches nothing.
        return np.array([self.codes.get(v, -1) for v in values], dtype=np.int64)


def qualifying(rule: PolicyRule, table: FactsTable) -> BoolArray:
    """For every row of `table`, whether it meets every rule of `rule` (as `unmet_rules`)."""
    ok: BoolArray = np.ones(len(table.enterprise_ids), dtype=np.bool_)
    if rule.industries:
        ok &= np.isin(table.industry, table._coded(rule.industries))
    if rule.sizes:
        ok &= np.isin(table.size, table._coded(rule.sizes))
    if rule.town_ids:
        ok &= np.isin(table.town_id, np.array(sorted(rule.town_ids), dtype=np.int64))
    if rule.min_revenue is not None or rule.max_revenue is not None:
        ok &= table.revenue_known
        if rule.min_revenue is not None:
            ok &= table.revenue_cents >= _cents(rule.min_revenue)
        if rule.max_revenue is not None:
            ok &= table.revenue_cents <= _cents(rule.max_revenue)
    if rule.min_employees is not None or rule.max_employees is not None:
        ok &= table.employees_known
        if rule.min_employees is not None:
            ok &= table.employees >= rule.min_employees
        if rule.max_employees is not None:
            ok &= table.employees <= rule.max_employees
    if rule.tax_grades:
        ok &= np.isin(table.tax_grade, table._coded(rule.tax_grades))
    return ok


def qualified_ids(rule: PolicyRule, table: FactsTable) -> IntArray:
    ids: IntArray = table.enterprise_ids[qualifying(rule, table)]
    return ids

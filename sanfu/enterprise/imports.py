"""Importing enterprises' facts (tax bureau, market regulator) and benefits delivered (tax and
finance bureaus) from Excel or CSV, with a report by row and column.

All or nothing: every row is checked first; if any row is refused, nothing is written and the
report says which rows and columns to fix. Importing the same file again changes nothing
(facts are compared before writing; a benefit is unique by policy, enterprise, day, amount
and reference). Amounts may carry thousands separators, ¥ signs and 元.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfu.assistance.imports import cells
from sanfu.assistance.imports.read import read_table
from sanfu.directory.models import Enterprise, Membership, UnitKind, User
from sanfu.enterprise.models import (
    Benefit,
    EnterpriseFacts,
    EnterpriseProfile,
    Policy,
    TaxGrade,
)
from sanfu.lib.errors import ValidationFailed
from sanfu.lib.uscc import CreditCodeError, parse_credit_code

FACTS, BENEFITS = "facts", "benefits"
KINDS = (FACTS, BENEFITS)
MAX_ROWS = 200_000

# Column -> the headers it is recognised by (normalised: no spaces, lower case).
_HEADERS: dict[str, tuple[str, ...]] = {
    "credit_code": ("统一社会信用代码", "信用代码", "credit_code", "uscc"),
    "year": ("年度", "年份", "year"),
    "revenue": ("营业收入", "营业收入(元)", "revenue"),
    "employees": ("从业人数", "职工人数", "employees"),
    "tax_paid": ("纳税额", "实缴税额", "纳税额(元)", "tax_paid"),
    "tax_grade": ("纳税信用等级", "tax_grade"),
    "legal_representative": ("法定代表人", "legal_representative"),
    "industry_code": ("行业代码", "industry_code"),
    "policy": ("政策编号", "政策代码", "policy", "policy_code"),
    "given_on": ("兑现日期", "享受日期", "given_on", "date"),
    "amount": ("金额", "兑现金额", "减免金额", "amount"),
    "reference": ("凭证号", "文号", "reference"),
}
_REQUIRED = {
    FACTS: ("credit_code", "year"),
    BENEFITS: ("credit_code", "policy", "given_on", "amount"),
}
_LABELS: dict[str, Promise] = {
    "credit_code": gettext_lazy("Credit code"),
    "year": gettext_lazy("Year"),
    "revenue": gettext_lazy("Revenue"),
    "employees": gettext_lazy("Employees"),
    "tax_paid": gettext_lazy("Tax paid"),
    "tax_grade": gettext_lazy("Tax credit grade"),
    "legal_representative": gettext_lazy("Legal representative"),
    "industry_code": gettext_lazy("Industry code"),
    "policy": gettext_lazy("Policy"),
    "given_on": gettext_lazy("Date given"),
    "amount": gettext_lazy("Amount"),
    "reference": gettext_lazy("Reference"),
}


@dataclass
class Issue:
    row: int
    column: str  # the column's key (``revenue``); `label` is its name for people
    label: str
    message: str


@dataclass
class ImportReport:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    issues: list[Issue] = field(default_factory=list)

    @property
    def applied(self) -> bool:
        return not self.issues

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "applied": self.applied,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "issues": [vars(issue) for issue in self.issues],
        }


class _Refused(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def _normalise(header: cells.Cell) -> str:
    return "".join(cells.text(header).split()).lower().replace("（", "(").replace("）", ")")


def _columns(kind: str, headers: Sequence[cells.Cell]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = _normalise(header)
        for column, names in _HEADERS.items():
            if name in names and column not in found:
                found[column] = index
    missing = [str(_LABELS[c]) for c in _REQUIRED[kind] if c not in found]
    if missing:
        raise ValidationFailed(
            _("The file has no column for: %(columns)s.") % {"columns": ", ".join(missing)},
            field="file",
        )
    return found


def _credit_code(value: cells.Cell) -> str:
    try:
        return parse_credit_code(cells.text(value))
    except CreditCodeError as error:
        raise _Refused("credit_code", error.message) from None


def _money(value: cells.Cell, column: str) -> Decimal | None:
    try:
        return cells.money(value, label=_LABELS[column])
    except cells.CellError as error:
        raise _Refused(column, error.message) from None


def _whole(value: cells.Cell, column: str, low: int, high: int) -> int | None:
    raw = cells.text(value).replace(",", "").replace("，", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise _Refused(
            column,
            _("%(label)s “%(value)s” is not a whole number.")
            % {"label": _LABELS[column], "value": raw},
        )
    number = int(raw)
    if not low <= number <= high:
        raise _Refused(
            column,
            _("%(label)s must be between %(low)d and %(high)d.")
            % {"label": _LABELS[column], "low": low, "high": high},
        )
    return number


def _rows(
    file_name: str, data: bytes
) -> tuple[list[cells.Cell], Iterator[tuple[int, list[cells.Cell]]]]:
    table = read_table(file_name, data)
    for _number, header in table.rows:
        if any(cells.text(c) for c in header):
            return header, table.rows
    raise ValidationFailed(_("The file is empty."), field="file")


@dataclass(frozen=True)
class _FactsRow:
    enterprise_id: int
    year: int
    values: dict[str, object]
    profile: dict[str, str]


def _facts_row(
    cells_of: Callable[[str], cells.Cell], has: Callable[[str], bool], enterprises: dict[str, int]
) -> _FactsRow:
    code = _credit_code(cells_of("credit_code"))
    if code not in enterprises:
        raise _Refused("credit_code", _("No enterprise with this credit code is registered."))
    year = _whole(cells_of("year"), "year", 2000, 2100)
    if year is None:
        raise _Refused("year", _("The year is missing."))
    values: dict[str, object] = {}
    if has("revenue"):
        values["revenue"] = _money(cells_of("revenue"), "revenue")
    if has("tax_paid"):
        values["tax_paid"] = _money(cells_of("tax_paid"), "tax_paid")
    if has("employees"):
        values["employees"] = _whole(cells_of("employees"), "employees", 0, 10_000_000)
    if has("tax_grade"):
        grade = cells.text(cells_of("tax_grade")).upper().removesuffix("级")
        if grade and grade not in TaxGrade.values:
            raise _Refused("tax_grade", _("A tax credit grade is A, B, M, C or D."))
        values["tax_grade"] = grade
    profile = {}
    for column, limit in (("legal_representative", 50), ("industry_code", 8)):
        if has(column):
            try:
                profile[column] = cells.short_text(cells_of(column), limit=limit)
            except cells.CellError as error:
                raise _Refused(column, error.message) from None
    return _FactsRow(enterprises[code], year, values, profile)


@dataclass(frozen=True)
class _BenefitRow:
    policy_id: int
    enterprise_id: int
    given_on: date
    amount: Decimal
    reference: str


def _benefit_row(
    cells_of: Callable[[str], cells.Cell],
    has: Callable[[str], bool],
    enterprises: dict[str, int],
    policies: dict[str, int],
) -> _BenefitRow:
    code = _credit_code(cells_of("credit_code"))
    if code not in enterprises:
        raise _Refused("credit_code", _("No enterprise with this credit code is registered."))
    policy_code = cells.text(cells_of("policy"))
    if policy_code not in policies:
        raise _Refused("policy", _("No policy with the code “%(code)s”.") % {"code": policy_code})
    try:
        given_on = cells.day(cells_of("given_on"))
    except cells.CellError as error:
        raise _Refused("given_on", error.message) from None
    if given_on is None:
        raise _Refused("given_on", _("The date is missing."))
    amount = _money(cells_of("amount"), "amount")
    if amount is None:
        raise _Refused("amount", _("The amount is missing."))
    reference = cells.text(cells_of("reference")) if has("reference") else ""
    if len(reference) > 64:
        raise _Refused("reference", _("Longer than %(limit)d characters.") % {"limit": 64})
    return _BenefitRow(policies[policy_code], enterprises[code], given_on, amount, reference)


def _checked_rows(
    kind: str, file_name: str, data: bytes, report: ImportReport
) -> list[_FactsRow] | list[_BenefitRow]:
    header, rows = _rows(file_name, data)
    columns = _columns(kind, header)
    enterprises = dict(Enterprise.objects.values_list("credit_code", "pk"))
    policies = dict(Policy.objects.values_list("code", "pk"))
    seen: dict[tuple[object, ...], int] = {}
    facts: list[_FactsRow] = []
    benefits: list[_BenefitRow] = []
    for number, row in rows:
        if not any(cells.text(c) for c in row):
            continue
        report.rows += 1
        if report.rows > MAX_ROWS:
            raise ValidationFailed(
                _("At most %(count)d rows in one file.") % {"count": MAX_ROWS}, field="file"
            )

        def cell(column: str, row: list[cells.Cell] = row) -> cells.Cell:
            index = columns.get(column)
            return row[index] if index is not None and index < len(row) else None

        try:
            if kind == FACTS:
                parsed_f = _facts_row(cell, columns.__contains__, enterprises)
                key: tuple[object, ...] = (parsed_f.enterprise_id, parsed_f.year)
                facts.append(parsed_f)
            else:
                parsed_b = _benefit_row(cell, columns.__contains__, enterprises, policies)
                key = (
                    parsed_b.policy_id,
                    parsed_b.enterprise_id,
                    parsed_b.given_on,
                    parsed_b.amount,
                    parsed_b.reference,
                )
                benefits.append(parsed_b)
            if key in seen:
                raise _Refused(
                    "credit_code",
                    _("The same entry is on row %(row)d already.") % {"row": seen[key]},
                )
            seen[key] = number
        except _Refused as refused:
            report.issues.append(
                Issue(number, refused.column, str(_LABELS[refused.column]), refused.message)
            )
    return facts if kind == FACTS else benefits


def _write_facts(rows: list[_FactsRow], report: ImportReport) -> None:
    existing = {
        (f.enterprise_id, f.year): f
        for f in EnterpriseFacts.objects.filter(
            enterprise_id__in={r.enterprise_id for r in rows}, year__in={r.year for r in rows}
        )
    }
    profiles = {
        p.enterprise_id: p
        for p in EnterpriseProfile.objects.filter(
            enterprise_id__in={r.enterprise_id for r in rows if r.profile}
        )
    }
    for row in rows:
        current = existing.get((row.enterprise_id, row.year))
        if current is None:
            EnterpriseFacts.objects.create(
                enterprise_id=row.enterprise_id, year=row.year, **row.values
            )
            changed = True
        else:
            changed = _update(current, row.values)
        if row.profile:
            profile = profiles.get(row.enterprise_id)
            if profile is None:
                profiles[row.enterprise_id] = EnterpriseProfile.objects.create(
                    enterprise_id=row.enterprise_id, **row.profile
                )
                changed = True
            else:
                changed = _update(profile, row.profile) or changed
        if current is None:
            report.created += 1
        elif changed:
            report.updated += 1
        else:
            report.unchanged += 1


def _update(instance: EnterpriseFacts | EnterpriseProfile, values: Mapping[str, object]) -> bool:
    fields = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in fields:
        setattr(instance, name, values[name])
    if fields:
        instance.save(update_fields=[*fields, "updated_at"])
    return bool(fields)


def _write_benefits(rows: list[_BenefitRow], report: ImportReport) -> None:
    existing = set(
        Benefit.objects.filter(enterprise_id__in={r.enterprise_id for r in rows}).values_list(
            "policy_id", "enterprise_id", "given_on", "amount", "reference"
        )
    )
    new = []
    for row in rows:
        key = (row.policy_id, row.enterprise_id, row.given_on, row.amount, row.reference)
        if key in existing:
            report.unchanged += 1
            continue
        new.append(Benefit(**vars(row)))
    Benefit.objects.bulk_create(new, batch_size=2000)
    report.created += len(new)


def may_import(user: User) -> bool:
    """The bureaus' files cover the whole county: staff of a department or of the county
    import them, not a town."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user,
        unit__kind__in=[UnitKind.COUNTY, UnitKind.DEPARTMENT],
        unit__is_active=True,
    ).exists()


@transaction.atomic
def enterprise_import(*, kind: str, file_name: str, data: bytes) -> ImportReport:
    """Check every row, then write all of them or none (see the module's docstring)."""
    if kind not in KINDS:
        raise ValidationFailed(_("Choose facts or benefits."), field="kind")
    report = ImportReport(kind=kind)
    rows = _checked_rows(kind, file_name, data, report)
    if report.issues:
        return report
    if kind == FACTS:
        _write_facts(rows, report)  # type: ignore[arg-type]
    else:
        _write_benefits(rows, report)  # type: ignore[arg-type]
    return report

"""The roster: links imported from a county's spreadsheet (.xlsx or .csv) and exported back.

Files are read the way the assistance imports read them (`sanfu.assistance.imports.read`:
UTF-8 or GB18030 CSV, the first sheet of a workbook, merged cells filled). The first row names
the columns, in Chinese or English (see COLUMNS). Each row is one link:

- the person: a staff account (`人员账号`) or a unit's code (`包联单位代码`), one of the two;
- the target: its kind (企业 / 村社网格 / 农户) and the enterprise's unified social credit
  code, the unit's code or its name within the county, or the household number;
- role, start, optional end, and the cadence (visits per period, and the period).

Each row goes in whole or not at all (its own savepoint), and the report names every refused
row with its column and the reason. A row equal to a link already held is left alone
(“unchanged”), so importing the same file again changes nothing; a row giving an end date to
an open link of the same person, target, role and start ends it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from sanfu.assistance.imports import cells
from sanfu.assistance.imports.read import read_table
from sanfu.directory.models import Enterprise, Household, Unit, User
from sanfu.lib.errors import ApplicationError, ValidationFailed
from sanfu.lib.treepath import path_ids
from sanfu.outreach.models import Link, LinkRole, Period
from sanfu.outreach.services import NewLink, link_create, link_end
from sanfu.outreach.tallies import tally_rebuild

MAX_ROWS = 20_000

# Column key -> the headers that name it (compared without spaces, case-insensitive).
COLUMNS: dict[str, tuple[str, ...]] = {
    "account": ("人员账号", "账号", "account", "staff"),
    "person_unit": ("包联单位代码", "单位代码", "person_unit", "unit"),
    "target_kind": ("对象类型", "target_kind"),
    "target": ("对象", "包联对象", "target"),
    "role": ("角色", "role"),
    "starts_on": ("开始日期", "starts_on", "start"),
    "ends_on": ("结束日期", "ends_on", "end"),
    "count": ("频次", "次数", "count"),
    "period": ("周期", "period"),
    "note": ("备注", "note"),
}
REQUIRED = ("target_kind", "target", "role", "starts_on", "count", "period")
# The header each column is written under in exports and named by in the report.
HEADERS = {key: names[0] for key, names in COLUMNS.items()}

KINDS: dict[str, str] = {
    "企业": "enterprise",
    "enterprise": "enterprise",
    "村社": "unit",
    "村社网格": "unit",
    "村": "unit",
    "社区": "unit",
    "网格": "unit",
    "乡镇": "unit",
    "unit": "unit",
    "农户": "household",
    "户": "household",
    "household": "household",
}
ROLES: dict[str, str] = {
    "包联": LinkRole.LINKAGE,
    "结对": LinkRole.LINKAGE,
    "首席服务官": LinkRole.CHIEF_SERVICE,
    "蹲点": LinkRole.STATIONED,
    "领衔": LinkRole.LEADS,
    **{role.value: role for role in LinkRole},
}
PERIODS: dict[str, str] = {
    "每日": Period.DAILY,
    "日": Period.DAILY,
    "每周": Period.WEEKLY,
    "周": Period.WEEKLY,
    "每月": Period.MONTHLY,
    "月": Period.MONTHLY,
    "每季": Period.QUARTERLY,
    "每季度": Period.QUARTERLY,
    "季": Period.QUARTERLY,
    **{period.value: period for period in Period},
}
# A service's refusal names a field; the report names the column the user can fix.
FIELD_COLUMNS = {
    "person": "account",
    "target": "target",
    "role": "role",
    "period": "period",
    "cadence": "count",
    "ends_on": "ends_on",
    "note": "note",
}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    reason: str


@dataclass
class Report:
    created: int = 0
    unchanged: int = 0
    ended: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def refused_rows(self) -> int:
        return len({problem.row for problem in self.problems})

    def as_dict(self) -> dict[str, object]:
        return {
            "created": self.created,
            "unchanged": self.unchanged,
            "ended": self.ended,
            "refused": self.refused_rows,
            "problems": [
                {"row": p.row, "column": p.column, "reason": p.reason} for p in self.problems
            ],
        }


class RowError(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def _header_map(header: list[cells.Cell]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, value in enumerate(header):
        name = "".join(cells.text(value).split()).lower()
        for key, names in COLUMNS.items():
            if name in {n.lower() for n in names} and key not in found:
                found[key] = index
    missing = [HEADERS[key] for key in REQUIRED if key not in found]
    if "account" not in found and "person_unit" not in found:
        missing.insert(0, HEADERS["account"])
    if missing:
        raise ValidationFailed(
            _("The first row must name the columns; missing: %(columns)s.")
            % {"columns": "、".join(missing)},
            field="file",
        )
    return found


class _Lookup:
    """Finds persons and targets, remembering what it found for the rest of the file."""

    def __init__(self, county: Unit | None) -> None:
        self.county = county

    def user(self, username: str) -> User:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise RowError("account", _("No active staff account “%(v)s”.") % {"v": username})
        return user

    def unit_by_code(self, code: str, column: str) -> Unit:
        unit = Unit.objects.filter(code=code, is_active=True).first()
        if unit is None or not self._in_county(unit):
            raise RowError(column, _("No unit with the code “%(v)s”.") % {"v": code})
        return unit

    def _in_county(self, unit: Unit) -> bool:
        return self.county is None or path_ids(unit.path)[0] == self.county.pk

    def target(self, kind: str, value: str) -> Enterprise | Unit | Household:
        if kind == "enterprise":
            enterprise = Enterprise.objects.filter(credit_code=value.upper()).first()
            if enterprise is None or not self._in_county(enterprise.town):
                raise RowError(
                    "target", _("No enterprise with the credit code “%(v)s”.") % {"v": value}
                )
            return enterprise
        if kind == "household":
            household = Household.objects.filter(number=value).first()
            if household is None or not self._in_county(household.village):
                raise RowError("target", _("No household numbered “%(v)s”.") % {"v": value})
            return household
        unit = Unit.objects.filter(code=value, is_active=True).first()
        if unit is not None and self._in_county(unit):
            return unit
        named = [u for u in Unit.objects.filter(name=value, is_active=True) if self._in_county(u)]
        if len(named) > 1:
            raise RowError(
                "target",
                _("Several units are named “%(v)s”; give the unit's code.") % {"v": value},
            )
        if not named:
            raise RowError("target", _("No unit named or coded “%(v)s”.") % {"v": value})
        return named[0]


def _cell(values: list[cells.Cell], columns: dict[str, int], key: str) -> cells.Cell:
    index = columns.get(key)
    if index is None or index >= len(values):
        return None
    return values[index]


def _text(values: list[cells.Cell], columns: dict[str, int], key: str) -> str:
    return cells.text(_cell(values, columns, key))


def _choice(mapping: dict[str, str], value: str, key: str, what: str) -> str:
    chosen = mapping.get(value) or mapping.get(value.lower())
    if chosen is None:
        raise RowError(key, _("“%(v)s” is not a known %(what)s.") % {"v": value, "what": what})
    return chosen


def _date(values: list[cells.Cell], columns: dict[str, int], key: str) -> date | None:
    try:
        return cells.day(_cell(values, columns, key))
    except cells.CellError as error:
        raise RowError(key, error.message) from None


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise RowError("count", _("“%(v)s” is not a whole number.") % {"v": value}) from None
    if number < 1:
        raise RowError("count", _("The cadence must be at least one visit."))
    return number


def parse_row(values: list[cells.Cell], columns: dict[str, int], lookup: _Lookup) -> NewLink:
    account = _text(values, columns, "account")
    unit_code = _text(values, columns, "person_unit")
    if bool(account) == bool(unit_code):
        raise RowError("account", _("Give either a staff account or a unit's code."))
    person = lookup.user(account) if account else None
    person_unit = lookup.unit_by_code(unit_code, "person_unit") if unit_code else None
    kind = _choice(KINDS, _text(values, columns, "target_kind"), "target_kind", _("target kind"))
    value = _text(values, columns, "target")
    if not value:
        raise RowError("target", _("The target is empty."))
    target = lookup.target(kind, value)
    role = _choice(ROLES, _text(values, columns, "role"), "role", _("role"))
    starts_on = _date(values, columns, "starts_on")
    if starts_on is None:
        raise RowError("starts_on", _("The start date is empty."))
    count = _count(_text(values, columns, "count"))
    period = _choice(PERIODS, _text(values, columns, "period"), "period", _("period"))
    return NewLink(
        target=target,
        role=role,
        starts_on=starts_on,
        ends_on=_date(values, columns, "ends_on"),
        cadence_count=count,
        cadence_period=period,
        person=person,
        person_unit=person_unit,
        note=_text(values, columns, "note"),
    )


def _apply(actor: User | None, new: NewLink, report: Report) -> None:
    """Create, leave alone, or end: whichever makes the roster say what the row says."""
    fields = {
        "enterprise": new.target if isinstance(new.target, Enterprise) else None,
        "target_unit": new.target if isinstance(new.target, Unit) else None,
        "household": new.target if isinstance(new.target, Household) else None,
    }
    same = Link.objects.filter(
        person=new.person,
        person_unit=new.person_unit,
        role=new.role,
        starts_on=new.starts_on,
        cadence_count=new.cadence_count,
        cadence_period=new.cadence_period,
        **fields,
    ).first()
    if same is not None and same.ends_on == new.ends_on:
        report.unchanged += 1
        return
    if same is not None and same.ends_on is None and new.ends_on is not None and actor:
        link_end(actor=actor, link_id=same.pk, ends_on=new.ends_on)
        report.ended += 1
        return
    if same is not None and same.ends_on is None and new.ends_on is not None:
        if Link.objects.filter(pk=same.pk, ends_on__isnull=True).update(ends_on=new.ends_on):
            # A shorter term covers fewer periods: the link's tallies follow.
            tally_rebuild(link_ids=[same.pk])
        report.ended += 1
        return
    link_create(actor=actor, new=new)
    report.created += 1


def roster_import(
    *,
    actor: User | None,
    file_name: str,
    data: bytes,
    county: Unit | None = None,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Import a roster file; returns the per-row report. `actor` None is the system."""
    table = read_table(file_name, data)
    rows = iter(table.rows)
    header = next(rows, None)
    if header is None:
        raise ValidationFailed(_("The file is empty."), field="file")
    columns = _header_map(header[1])
    lookup = _Lookup(county)
    report = Report()
    for count, (number, values) in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise ValidationFailed(
                _("At most %(n)d rows per file.") % {"n": MAX_ROWS}, field="file"
            )
        if not any(cells.text(value) for value in values):
            continue
        try:
            with transaction.atomic():
                _apply(actor, parse_row(values, columns, lookup), report)
        except RowError as error:
            report.problems.append(Problem(number, HEADERS[error.column], error.reason))
        except ApplicationError as error:
            column = FIELD_COLUMNS.get(error.field or "", "target")
            report.problems.append(Problem(number, HEADERS[column], error.message))
        if progress is not None and count % 500 == 0:
            progress(count)
    return report


def roster_export(links: list[Link]) -> list[list[object]]:
    """The links as rows (a header first) whose columns the import reads back."""
    rows: list[list[object]] = [
        [
            link.person.username if link.person else "",
            link.person_unit.code if link.person_unit else "",
            _kind_label(link),
            _target_value(link),
            _role_label(link.role),
            link.starts_on,
            link.ends_on,
            link.cadence_count,
            _period_label(link.cadence_period),
            link.note,
        ]
        for link in links
    ]
    return [[HEADERS[key] for key in COLUMNS], *rows]


def _kind_label(link: Link) -> str:
    return {"enterprise": "企业", "unit": "村社网格", "household": "农户"}[link.target_kind]


def _target_value(link: Link) -> str:
    if link.enterprise is not None:
        return link.enterprise.credit_code
    if link.household is not None:
        return link.household.number
    return link.target_unit.code if link.target_unit else ""


ROLE_LABELS: dict[str, str] = {
    LinkRole.LINKAGE: "包联",
    LinkRole.CHIEF_SERVICE: "首席服务官",
    LinkRole.STATIONED: "蹲点",
    LinkRole.LEADS: "领衔",
}


def _role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


def _period_label(period: str) -> str:
    labels: dict[str, str] = {Period.DAILY: "每日", Period.WEEKLY: "每周", Period.MONTHLY: "每月"}
    return labels.get(period, "每季")

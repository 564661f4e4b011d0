"""The catalogue's administrative services: import with a per-row report, search, guides.

A service is a level-3 catalogue category under the field 政务服务 and its provider's name,
made through `cases.catalogue.catalogue_load` (so cases can be filed and measured against it),
plus the guide in `ServiceEntry`. Imports read CSV or Excel with Chinese or English headers;
every row is reported, bad rows change nothing, good rows are saved together.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from sanfu.cases.catalogue import NAME_LIMIT, catalogue_load
from sanfu.cases.models import Category
from sanfu.directory.models import TOWN_KINDS, Unit, UnitKind
from sanfu.frontdoor.models import ServiceEntry
from sanfu.frontdoor.search import Entry, SearchIndex, index_for
from sanfu.lib.errors import ValidationFailed
from sanfu.lib.tables import read_table

ADMIN_FIELD = "政务服务"
PACKAGED_SERVICES = Path(__file__).resolve().parent / "data" / "services.csv"
PROVIDER_KINDS = frozenset({UnitKind.DEPARTMENT, *TOWN_KINDS})
IMPORT_ROW_LIMIT = 5000

# Column -> the headers it may have (Chinese first, as counties' sheets have them).
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("事项名称", "name"),
    "provider": ("实施部门", "provider"),
    "keywords": ("其他名称", "keywords"),
    "materials": ("申请材料", "materials"),
    "steps": ("办理流程", "steps"),
    "legal_days": ("法定时限", "legal_days"),
    "fees": ("收费", "fees"),
    "online": ("网上可办", "online"),
    "mobile": ("掌上可办", "mobile"),
    "zero_visit": ("跑零次", "zero_visit"),
    "one_visit": ("最多跑一次", "one_visit"),
}
REQUIRED = ("name", "provider", "legal_days")
FLAGS = ("online", "mobile", "zero_visit", "one_visit")
YES = frozenset({"是", "y", "yes", "1", "true", "√", "✓"})
NO = frozenset({"否", "n", "no", "0", "false", "×", ""})
LIST_SEPARATORS = ("；", ";", "\n")


@dataclass(frozen=True)
class ServiceRow:
    name: str
    provider: Unit
    keywords: str = ""
    materials: str = ""
    steps: str = ""
    legal_days: int = 1
    fees: str = ""
    online: bool = False
    mobile: bool = False
    zero_visit: bool = False
    one_visit: bool = False


@dataclass
class RowReport:
    line: int
    name: str
    outcome: str  # "created", "updated" or "refused"
    problem: str = ""


@dataclass
class ImportReport:
    rows: list[RowReport] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def created(self) -> int:
        return self.count("created")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def refused(self) -> int:
        return self.count("refused")


# --- reading a file ------------------------------------------------------------------------


def table_read(*, file_name: str, data: bytes) -> list[list[str]]:
    """The sheet's rows as text (the first sheet of an .xlsx, or a UTF-8 / GBK CSV)."""
    if file_name.lower().endswith(".xlsx"):
        return _xlsx_rows(data)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return [list(row) for row in csv.reader(io.StringIO(text))]
    raise ValidationFailed(_("The file is neither UTF-8 nor GBK text."), field="file")


def _xlsx_rows(data: bytes) -> list[list[str]]:
    # sanfu.lib.tables refuses a workbook built to exhaust the server (zip bombs, huge parts,
    # deep nesting), in Chinese, naming the reason; openpyxl would unpack whatever it is given.
    table = read_table("upload.xlsx", data)
    return [
        ["" if cell is None else str(cell).strip() for cell in row]
        for _number, row in itertools.islice(table.rows, IMPORT_ROW_LIMIT + 1)
    ]


def _columns(header: Sequence[str]) -> dict[str, int]:
    cleaned = [cell.strip().lower() for cell in header]
    found: dict[str, int] = {}
    for column, names in HEADERS.items():
        for name in names:
            if name.lower() in cleaned:
                found[column] = cleaned.index(name.lower())
                break
    missing = [HEADERS[column][0] for column in REQUIRED if column not in found]
    if missing:
        raise ValidationFailed(
            _("The header row lacks the column(s): %(columns)s.") % {"columns": "、".join(missing)},
            field="file",
        )
    return found


def _listed(value: str) -> str:
    items = [value]
    for separator in LIST_SEPARATORS:
        items = [part for item in items for part in item.split(separator)]
    return "\n".join(item.strip() for item in items if item.strip())


def _flag(value: str, label: str) -> bool:
    cleaned = value.strip().lower()
    if cleaned in YES:
        return True
    if cleaned in NO:
        return False
    raise ValidationFailed(
        _("%(column)s: expected 是 or 否, not “%(value)s”.") % {"column": label, "value": value}
    )


def provider_find(*, county: Unit, name: str) -> Unit:
    """A department or town of the county by code, full name, or name without the county's."""
    cleaned = name.strip()
    units = Unit.objects.subtree(county.path).filter(kind__in=PROVIDER_KINDS, is_active=True)
    found = units.filter(code=cleaned.upper()).first() or units.filter(name=cleaned).first()
    if found is None and cleaned:
        found = (
            units.filter(name=county.name + cleaned).first()
            or units.filter(name__endswith=cleaned).order_by("path").first()
        )
    if found is None:
        raise ValidationFailed(
            _("实施部门: no department or town of %(county)s is called “%(name)s”.")
            % {"county": county.name, "name": cleaned}
        )
    return found


def row_clean(*, county: Unit, cells: Sequence[str], columns: dict[str, int]) -> ServiceRow:
    def cell(column: str) -> str:
        position = columns.get(column)
        if position is None or position >= len(cells):
            return ""
        return (cells[position] or "").strip()

    name = cell("name")
    if not name:
        raise ValidationFailed(_("事项名称 is empty."))
    if len(name) > NAME_LIMIT:
        raise ValidationFailed(
            _("事项名称 is longer than %(limit)d characters.") % {"limit": NAME_LIMIT}
        )
    days = cell("legal_days")
    if not days.isdigit() or not 1 <= int(days) <= 365:
        raise ValidationFailed(
            _("法定时限: expected a number of working days from 1 to 365, not “%(value)s”.")
            % {"value": days}
        )
    flags = {column: _flag(cell(column), HEADERS[column][0]) for column in FLAGS}
    if flags["zero_visit"] and not flags["one_visit"]:
        raise ValidationFailed(_("跑零次 is 是 but 最多跑一次 is 否: zero visits is at most one."))
    return ServiceRow(
        name=name,
        provider=provider_find(county=county, name=cell("provider")),
        keywords=_listed(cell("keywords")).replace("\n", "、")[:200],
        materials=_listed(cell("materials")),
        steps=_listed(cell("steps")),
        legal_days=int(days),
        fees=cell("fees")[:100] or _("Free"),
        **flags,
    )


# --- writing -------------------------------------------------------------------------------


@transaction.atomic
def services_import(*, county: Unit, table: Sequence[Sequence[str]]) -> ImportReport:
    """Import the services of a table (header row first); report every row."""
    if county.kind != UnitKind.COUNTY:
        raise ValidationFailed(_("Choose a county."), field="county")
    rows = [list(row) for row in table if any((cell or "").strip() for cell in row)]
    if not rows:
        raise ValidationFailed(_("The file is empty."), field="file")
    if len(rows) - 1 > IMPORT_ROW_LIMIT:
        raise ValidationFailed(
            _("More than %(limit)d rows; split the file.") % {"limit": IMPORT_ROW_LIMIT},
            field="file",
        )
    columns = _columns(rows[0])
    report = ImportReport()
    good: dict[tuple[int, str], tuple[int, ServiceRow]] = {}
    for line, cells in enumerate(rows[1:], start=2):
        try:
            row = row_clean(county=county, cells=cells, columns=columns)
        except ValidationFailed as error:
            report.rows.append(
                RowReport(line, cells[columns["name"]] if cells else "", "refused", error.message)
            )
            continue
        key = (row.provider.pk, row.name)
        if key in good:
            report.rows.append(
                RowReport(
                    line,
                    row.name,
                    "refused",
                    _("The same service as row %(line)d.") % {"line": good[key][0]},
                )
            )
            continue
        good[key] = (line, row)
    if good:
        _save(
            county,
            [row for _line, row in good.values()],
            report,
            [line for line, _row in good.values()],
        )
    report.rows.sort(key=lambda r: r.line)
    return report


def _save(county: Unit, rows: list[ServiceRow], report: ImportReport, lines: list[int]) -> None:
    catalogue_load(county=county, rows=[(ADMIN_FIELD, row.provider.name, row.name) for row in rows])
    categories = {
        (c.parent.name if c.parent else "", c.name): c
        for c in Category.objects.filter(
            level=3, parent__parent__name=ADMIN_FIELD, parent__parent__level=1
        ).select_related("parent")
    }
    existing = {
        entry.category_id: entry
        for entry in ServiceEntry.objects.filter(category__in=categories.values())
    }
    for line, row in zip(lines, rows, strict=True):
        category = categories[(row.provider.name, row.name)]
        values: dict[str, Any] = {
            "provider": row.provider,
            "keywords": row.keywords,
            "materials": row.materials,
            "steps": row.steps,
            "legal_days": row.legal_days,
            "fees": row.fees,
            "online": row.online,
            "mobile": row.mobile,
            "zero_visit": row.zero_visit,
            "one_visit": row.one_visit,
        }
        entry = existing.get(category.pk)
        if entry is None:
            ServiceEntry.objects.create(category=category, **values)
            report.rows.append(RowReport(line, row.name, "created"))
        else:
            for name, value in values.items():
                setattr(entry, name, value)
            entry.save()
            report.rows.append(RowReport(line, row.name, "updated"))


def services_load_packaged(*, county: Unit, path: Path = PACKAGED_SERVICES) -> ImportReport:
    """The demo county's common administrative services, from the data file shipped here."""
    return services_import(
        county=county, table=table_read(file_name=path.name, data=path.read_bytes())
    )


# --- reading -------------------------------------------------------------------------------


def _index() -> SearchIndex:
    live = ServiceEntry.objects.filter(category__is_active=True)
    version = tuple(live.aggregate(n=Count("pk"), latest=Max("updated_at")).values())
    index = index_for(version)
    if index is None:
        entries = [
            Entry(pk, name, tuple(k for k in keywords.split("、") if k))
            for pk, name, keywords in live.values_list("pk", "category__name", "keywords")
        ]
        index = index_for(version, entries)
    assert index is not None  # noqa: S101 - built just above when missing
    return index


def services_search(*, query: str) -> list[ServiceEntry]:
    """Services matching what a resident typed, best first (see `search`)."""
    found = _index().search(query)
    by_pk = ServiceEntry.objects.select_related("category", "provider").in_bulk(
        [e.pk for e in found]
    )
    return [by_pk[entry.pk] for entry in found if entry.pk in by_pk]


def service_get(*, service_id: int) -> ServiceEntry | None:
    return (
        ServiceEntry.objects.select_related("category", "provider")
        .filter(pk=service_id, category__is_active=True)
        .first()
    )


def services_of(units: Iterable[Unit]) -> list[ServiceEntry]:
    return list(
        ServiceEntry.objects.filter(provider__in=list(units))
        .select_related("category", "provider")
        .order_by("provider__path", "category__name")
    )

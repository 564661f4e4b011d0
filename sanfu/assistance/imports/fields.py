"""Our fields, the headers bodies usually give them, and a saved mapping turned into a plan."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sanfu.assistance.imports.cells import Cell, text
from sanfu.lib.errors import ValidationFailed


@dataclass(frozen=True)
class Field:
    name: str
    label: str | Promise
    aliases: tuple[str, ...]


FIELDS: tuple[Field, ...] = (
    Field("record_no", _("Record number"), ("编号", "序号编码", "记录号", "流水号", "record_no")),
    Field(
        "name",
        pgettext_lazy("person", "Name"),
        ("姓名", "救助对象", "对象姓名", "户主姓名", "name"),
    ),
    Field(
        "id_number",
        _("ID number"),
        ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证", "id_number"),
    ),
    Field("phone", _("Phone"), ("联系电话", "电话", "手机", "手机号", "手机号码", "phone")),
    Field("birth_date", _("Birth date"), ("出生日期", "出生年月", "birth_date")),
    Field("address", _("Address"), ("住址", "家庭住址", "地址", "居住地址", "address")),
    Field("town", _("Town"), ("乡镇", "乡镇（街道）", "乡镇街道", "所属乡镇", "镇街", "town")),
    Field("household", _("Household number"), ("户号", "户编号", "家庭编号", "household")),
    Field("programme", _("Programme"), ("项目", "救助项目", "项目编号", "帮扶项目", "programme")),
    Field("amount", _("Amount"), ("金额", "发放金额", "救助金额", "金额（元）", "amount")),
    Field(
        "given_on",
        _("Date given"),
        ("发放日期", "发放时间", "救助日期", "发放月份", "日期", "given_on"),
    ),
    Field("status", _("Registered status"), ("身份类别", "对象类别", "救助类别", "status")),
    Field("disability_grade", _("Disability grade"), ("残疾等级", "disability_grade")),
    Field(
        "income_per_head",
        _("Monthly income per head"),
        ("人均月收入", "家庭人均月收入", "income_per_head"),
    ),
)
FIELD_NAMES = frozenset(field.name for field in FIELDS)
FACT_FIELDS = ("status", "disability_grade", "income_per_head")
AID_FIELDS = ("programme", "amount", "given_on")
# Fields that may take one value for the whole file from the mapping's defaults.
DEFAULTABLE = frozenset({"programme", "given_on", "town", "amount", "status"})
SUMMARY_NAMES = frozenset({"合计", "总计", "小计", "共计"})


def normalise_header(value: Cell) -> str:
    return "".join(text(value).split()).lower()


def guess_columns(headers: Sequence[Cell]) -> dict[str, str]:
    """Our field -> their header, for headers that are one of the usual names."""
    found: dict[str, str] = {}
    normalised = {normalise_header(h): text(h) for h in headers if text(h)}
    for field in FIELDS:
        for alias in field.aliases:
            if alias.lower() in normalised and field.name not in found:
                found[field.name] = normalised[alias.lower()]
    return found


def check_mapping(columns: Mapping[str, object], defaults: Mapping[str, object]) -> dict[str, str]:
    """Validate a mapping before it is saved; returns the columns cleaned."""
    cleaned: dict[str, str] = {}
    for key, header in columns.items():
        if key not in FIELD_NAMES:
            raise ValidationFailed(
                _("Unknown field “%(field)s”.") % {"field": key}, field="columns"
            )
        if not isinstance(header, str) or not header.strip():
            raise ValidationFailed(
                _("Give the column header for “%(field)s”.") % {"field": key}, field="columns"
            )
        cleaned[key] = header.strip()
    for key, value in defaults.items():
        if key not in DEFAULTABLE:
            raise ValidationFailed(
                _("“%(field)s” cannot have one value for the whole file.") % {"field": key},
                field="defaults",
            )
        if not isinstance(value, str) or not value.strip():
            raise ValidationFailed(
                _("Give a value for “%(field)s”.") % {"field": key}, field="defaults"
            )
    if "name" not in cleaned:
        raise ValidationFailed(_("Map the column that holds the name."), field="columns")
    if "id_number" not in cleaned and "phone" not in cleaned:
        raise ValidationFailed(
            _("Map the ID number column (or at least the phone column)."), field="columns"
        )
    has_aid = "programme" in cleaned or "programme" in defaults
    has_facts = any(name in cleaned for name in FACT_FIELDS)
    if not has_aid and not has_facts:
        raise ValidationFailed(
            _("Map the programme (aid records) or a status, disability or income column (facts)."),
            field="columns",
        )
    if has_aid and "given_on" not in cleaned and "given_on" not in defaults:
        raise ValidationFailed(_("Map the date the aid was given."), field="columns")
    return cleaned


@dataclass(frozen=True)
class Layout:
    """Where each of our fields is in the file, found from the header row."""

    header_row: int
    positions: dict[str, int]
    headers: tuple[str, ...]  # their normalised headers at those positions, for repeats

    def is_header(self, cells: Sequence[Cell]) -> bool:
        values = [
            normalise_header(cells[i]) if i < len(cells) else "" for i in self.positions.values()
        ]
        return tuple(values) == self.headers


def find_layout(rows: Sequence[tuple[int, Sequence[Cell]]], columns: Mapping[str, str]) -> Layout:
    """The first row that holds every mapped header (titles above it are skipped)."""
    wanted = {field: normalise_header(header) for field, header in columns.items()}
    for number, cells in rows:
        present = {normalise_header(cell): i for i, cell in enumerate(cells) if text(cell)}
        if all(header in present for header in wanted.values()):
            positions = {field: present[header] for field, header in wanted.items()}
            return Layout(
                header_row=number,
                positions=positions,
                headers=tuple(wanted[field] for field in positions),
            )
    missing = ", ".join(sorted(columns.values()))
    raise ValidationFailed(
        _("No row of the file's first %(count)d has all the mapped headers: %(headers)s.")
        % {"count": len(rows), "headers": missing},
        field="file",
    )

"""`sanfu seed assistance`: the demo county's programmes, aid files from its bodies, findings.

Drawn with fixed seeds from the residents `sanfu seed demo` loaded, so every run draws the same
files. Each body's file goes through the real import — its own column layout, CSV in GBK or
UTF-8, or Excel — with the errors bodies make (a typo in a name, a wrong check digit, an ID
that Excel turned into a number, an old phone, a repeated header row), so the demo's batches
have row reports. Planted on purpose: duplicate temporary aid from the county and a town,
subsistence paid twice in a month, and certified people who receive nothing for their need.
Then the records are linked into persons and the findings computed. Loaded once: with the
programmes already there it changes nothing.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook

from sanfu.assistance.findings import findings_compute
from sanfu.assistance.imports.run import batch_claim, batch_process, batch_upload, mapping_guess
from sanfu.assistance.models import Beneficiary, Need, Period, Programme, SourceRecord, Status
from sanfu.assistance.persons import persons_relink
from sanfu.assistance.programmes import ProgrammeSpec, need_cap_save, programme_save
from sanfu.directory.models import TOWN_KINDS, Resident, Unit, UnitKind
from sanfu.lib.errors import ValidationFailed

SEED = "sanfu-assistance-demo-1"
YEAR = 2025
AS_OF = date(YEAR, 12, 31)
COUNTY = "云溪县"
# One letter swapped for one that sounds or looks alike: what clerks type by mistake.
_TYPOS = dict(
    zip(
        "张李王刘陈杨黄赵周吴伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚",
        "章理汪留程扬皇肇州伍玮方纳敏净莉墙垒君阳永燕洁鹃滔铭超绣侠萍钢",
        strict=True,
    )
)

Say = Callable[[str], None]


@dataclass(frozen=True)
class Plan:
    code: str
    name: str
    need: str
    body: str  # unit name without the county prefix, or "town" for every town
    period: str
    amount: Decimal | None = None
    in_kind: str = ""
    beneficiary: str = Beneficiary.PERSON
    max_income_per_head: Decimal | None = None
    required_status: str = ""
    max_disability_grade: int | None = None
    min_age: int | None = None
    max_age: int | None = None
    cap_per_person: Decimal | None = None


PROGRAMMES = (
    Plan("YX-DB", "城乡居民最低生活保障", Need.SUBSISTENCE, "民政局", Period.MONTH, Decimal(850),
         beneficiary=Beneficiary.HOUSEHOLD, max_income_per_head=Decimal(900)),
    Plan("YX-TK", "特困人员救助供养", Need.EXTREME_POVERTY, "民政局", Period.MONTH, Decimal(1300),
         required_status=Status.EXTREME_POVERTY),
    Plan("YX-YL", "医疗救助", Need.MEDICAL, "医疗保障局", Period.YEAR, Decimal(3000),
         required_status=Status.LOW_INCOME, cap_per_person=Decimal(6000)),
    Plan("YX-LS", "临时救助", Need.TEMPORARY, "民政局", Period.YEAR, Decimal(2000),
         cap_per_person=Decimal(3000)),
    Plan("YX-JY", "困难学生资助", Need.EDUCATION, "教育局", Period.YEAR, Decimal(2000),
         min_age=6, max_age=22),
    Plan("YX-ZF", "困难家庭危房改造补助", Need.HOUSING, "住房和城乡建设局", Period.YEAR,
         Decimal(20000), beneficiary=Beneficiary.HOUSEHOLD),
    Plan("YX-CJ", "重度残疾人护理补贴", Need.DISABILITY, "残疾人联合会", Period.MONTH, Decimal(200),
         max_disability_grade=2),
    Plan("YX-GL", "高龄津贴", Need.ELDERLY_CARE, "民政局", Period.MONTH, Decimal(100), min_age=80),
    Plan("YX-JZ", "就业援助补贴", Need.EMPLOYMENT, "人力资源和社会保障局", Period.QUARTER,
         Decimal(600), min_age=16, max_age=60),
    Plan("YX-CS", "慈善大病救助", Need.MEDICAL, "慈善总会", Period.YEAR, Decimal(2000)),
    Plan("YX-CH", "春晖助学金", Need.EDUCATION, "春晖助学基金会", Period.YEAR, Decimal(1500)),
    Plan("YX-LY", "轮椅等辅具捐赠", Need.IN_KIND, "助残慈善基金会", Period.YEAR,
         in_kind="轮椅、助行器"),
    Plan("TOWN-LS", "乡镇临时救助", Need.TEMPORARY, "town", Period.YEAR, Decimal(1000)),
)  # fmt: skip


@dataclass(frozen=True)
class AssistanceDemoSummary:
    created: bool
    programmes: int
    batches: int
    records: int
    refused_rows: int
    persons: int
    findings: dict[str, int]

    def as_dict(self) -> dict[str, object]:
        return self.__dict__.copy()


def _unit(name: str) -> Unit:
    unit = Unit.objects.filter(name=COUNTY + name).first() or Unit.objects.filter(name=name).first()
    if unit is None:
        raise ValidationFailed(
            _("%(unit)s is missing: run `sanfu seed demo` first.") % {"unit": COUNTY + name},
            field="demo",
        )
    return unit


def _programmes() -> dict[str, Programme]:
    towns = list(Unit.objects.filter(kind__in=TOWN_KINDS).order_by("code"))
    made: dict[str, Programme] = {}
    for plan in PROGRAMMES:
        bodies = towns if plan.body == "town" else [_unit(plan.body)]
        for body in bodies:
            code = plan.code if plan.body != "town" else f"{body.code}-LS"
            name = plan.name if plan.body != "town" else f"{body.name}临时救助"
            values = {k: v for k, v in plan.__dict__.items() if k not in ("code", "name", "body")}
            made[code] = programme_save(
                spec=ProgrammeSpec(code=code, name=name, body=body, **values)
            )
    need_cap_save(need=Need.MEDICAL, period=Period.YEAR, cap_per_person=Decimal(8000), max_bodies=2)
    need_cap_save(need=Need.TEMPORARY, period=Period.YEAR, cap_per_person=Decimal(3000))
    need_cap_save(need=Need.EDUCATION, period=Period.YEAR, cap_per_person=Decimal(4000))
    return made


class _Files:
    """The rows each body sends, in its own layout."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.rows: dict[tuple[Unit, str], list[list[object]]] = {}

    def add(self, body: Unit, header: Sequence[str], row: list[object]) -> None:
        self.rows.setdefault((body, "|".join(header)), [list(header)]).append(row)

    def name(self, resident: Resident) -> str:
        name = resident.name
        if self.rng.random() < 0.04 and name[-1] in _TYPOS:
            name = name[:-1] + _TYPOS[name[-1]]
        return name + (" " if self.rng.random() < 0.03 else "")

    def id_number(self, resident: Resident) -> str:
        draw = self.rng.random()
        if draw < 0.03:
            return ""  # not given
        if draw < 0.04:
            wrong = "0" if resident.id_number[-1] != "0" else "1"
            return resident.id_number[:-1] + wrong  # refused: check digit
        if draw < 0.07:
            return resident.id_number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        return resident.id_number

    def phone(self, resident: Resident) -> str:
        if not resident.phone or self.rng.random() < 0.1:
            return ""
        return resident.phone


AID_HEADER = (
    "序号编码",
    "姓名",
    "身份证号",
    "联系电话",
    "乡镇",
    "户号",
    "项目",
    "发放金额",
    "发放日期",
)
FACT_HEADER = ("姓名", "证件号码", "手机号码", "所属乡镇", "身份类别", "残疾等级", "人均月收入")


def _day(rng: random.Random, month: int | None = None) -> str:
    return f"{YEAR}-{month or rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _draw_files(rng: random.Random, programmes: dict[str, Programme]) -> _Files:
    files = _Files(rng)
    residents = list(
        Resident.objects.select_related("village__parent", "household").order_by("id_number")
    )
    towns = {t.pk: t for t in Unit.objects.filter(kind__in=TOWN_KINDS)}
    numbers = iter(range(1, 10**7))

    def aid(
        code: str, resident: Resident, amount: object, day: str, body: Unit | None = None
    ) -> None:
        programme = programmes[code]
        town = resident.village.parent
        town_name = town.name if town and rng.random() > 0.1 else (town.name[:2] if town else "")
        files.add(
            body or programme.body,
            AID_HEADER,
            [
                f"{programme.code}-{next(numbers):06d}",
                files.name(resident),
                files.id_number(resident),
                files.phone(resident),
                town_name,
                resident.household.number if resident.household else "",
                programme.code,
                amount,
                day,
            ],
        )

    def fact(
        body: Unit, resident: Resident, status: str = "", grade: str = "", income: str = ""
    ) -> None:
        town = resident.village.parent
        files.add(
            body,
            FACT_HEADER,
            [files.name(resident), files.id_number(resident), files.phone(resident),
             town.name if town else "", status, grade, income],
        )  # fmt: skip

    rng.shuffle(residents)
    civil = programmes["YX-DB"].body
    disabled = programmes["YX-CJ"].body
    low_income = residents[:900]
    for n, resident in enumerate(low_income):
        income = rng.randint(300, 880)
        fact(civil, resident, status="低保户", income=str(income))
        for month in range(1, 13, 3):
            aid("YX-DB", resident, 850, _day(rng, month))
        if n % 30 == 0:  # paid twice in one month: excessive
            aid("YX-DB", resident, 850, _day(rng, 1))
        if n % 7 != 0:  # the rest receive no medical aid although registered: missed
            aid("YX-YL", resident, 3000, _day(rng))
        if n % 11 == 0:
            aid("YX-CS", resident, 2000, _day(rng))
    for resident in residents[900:1100]:
        fact(civil, resident, status="特困人员")
        aid("YX-TK", resident, 1300, _day(rng))
    for n, resident in enumerate(residents[1100:1500]):
        grade = rng.choice("一二三四")
        fact(disabled, resident, grade=f"{grade}级")
        if grade in "一二" and n % 5 != 0:
            aid("YX-CJ", resident, 200, _day(rng))
        if n % 4 == 0:
            aid("YX-LY", resident, "", _day(rng))
    for n, resident in enumerate(residents[1500:1800]):
        aid("YX-LS", resident, 2000, _day(rng))
        if n % 8 == 0:  # the town helps too, for the same need and year: duplicate
            town = resident.village.parent
            if town is not None and town.pk in towns:
                aid(f"{town.code}-LS", resident, 1000, _day(rng))
    for n, resident in enumerate(residents[1800:2200]):
        aid("YX-JY", resident, 2000, _day(rng))
        if n % 10 == 0:
            aid("YX-CH", resident, 1500, _day(rng))
    for resident in residents[2200:2350]:
        aid("YX-GL", resident, 100, _day(rng))
        aid("YX-JZ", resident, 600, _day(rng))
    for resident in residents[2350:2400]:
        aid("YX-ZF", resident, 20000, _day(rng))
    return files


def _file(rows: list[list[object]], n: int) -> tuple[str, bytes]:
    """Every third file as Excel (with an ID turned into a number), the others CSV in GBK or
    UTF-8 with a byte-order mark; a header row repeated half-way in each."""
    rows = [*rows[: len(rows) // 2], rows[0], *rows[len(rows) // 2 :]]
    if n % 3 == 0:
        book = Workbook()
        sheet = book.active
        assert sheet is not None  # noqa: S101 - a new workbook has a sheet
        if len(rows) > 4:
            # What Excel does to an ID number typed into a cell formatted as a number.
            rows[4] = [
                float(v) if isinstance(v, str) and len(v) == 18 and v.isdigit() else v
                for v in rows[4]
            ]
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        return f"demo-{n:02d}.xlsx", out.getvalue()
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    encoding = "gbk" if n % 3 == 1 else "utf-8-sig"
    return f"demo-{n:02d}.csv", text.getvalue().encode(encoding)


def assistance_demo_create(*, say: Say | None = None) -> AssistanceDemoSummary:
    if Programme.objects.filter(code="YX-DB").exists():
        return _summary(created=False, batches=0)
    if not Unit.objects.filter(kind=UnitKind.COUNTY, name=COUNTY).exists():
        raise ValidationFailed(_("The demo county is missing: run `sanfu seed demo` first."))
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not a secret
    programmes = _programmes()
    files = _draw_files(rng, programmes)
    batches = 0
    for n, ((body, _layout), rows) in enumerate(
        sorted(files.rows.items(), key=lambda i: (i[0][0].code, i[0][1]))
    ):
        name, data = _file(rows, n)
        mapping = mapping_guess(source=body, file_name=name, data=data)
        batch, _created = batch_upload(
            source=body, mapping=mapping, file_name=name, data=data, user=None
        )
        if batch_claim(batch.pk):
            batch_process(batch=batch)
        batches += 1
        if say:
            say(f"{body.name}: {name}, {batch.kept} rows kept, {batch.refused} refused")
    persons_relink(say=say)
    findings_compute(on=AS_OF)
    return _summary(created=True, batches=batches)


def _summary(*, created: bool, batches: int) -> AssistanceDemoSummary:
    from collections import Counter

    from sanfu.assistance.models import Finding, ImportBatch, Person

    kinds = Counter(Finding.objects.filter(current=True).values_list("kind", flat=True))
    return AssistanceDemoSummary(
        created=created,
        programmes=Programme.objects.count(),
        batches=batches or ImportBatch.objects.count(),
        records=SourceRecord.objects.count(),
        refused_rows=sum(ImportBatch.objects.values_list("refused", flat=True)),
        persons=Person.objects.count(),
        findings=dict(sorted(kinds.items())),
    )

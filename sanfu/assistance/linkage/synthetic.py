"""A synthetic county of assistance records with known truth, for tests and the benchmark.

Persons live in households in the demo county's towns; each person appears in one to several
sources (39 county departments, the towns, social organisations), and every source copies the
person with its own errors: homophone and look-alike character swaps in names, substituted and
transposed digits in ID numbers, missing fields, old phone numbers, address variants. Distinct
people share names and pinyin on purpose, and twins share birth date, address and household
phone: only their ID numbers tell them apart.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from sanfu.assistance.linkage import Record
from sanfu.lib.idnumber import id_number_check_char

__all__ = [
    "HOMOPHONES",
    "LOOK_ALIKES",
    "ErrorRates",
    "Person",
    "SyntheticCounty",
    "generate",
    "generate_county",
]

# Groups of characters read alike (toneless pinyin) and used in names; a clerk who hears a
# name over the phone or at a counter writes any of them.
HOMOPHONES: tuple[str, ...] = (
    "张章", "王汪", "李黎", "徐许", "吴伍武", "杨阳", "刘柳", "何贺", "江姜蒋", "余于俞",
    "朱诸", "戴代", "严颜阎", "傅付符", "肖萧", "冯丰", "卢鲁陆", "石史施", "梁良", "沈申",
    "伟玮炜巍", "芳方", "静晶婧", "丽莉俐", "军君均", "杰洁婕", "涛韬", "明铭", "华桦", "红虹宏鸿",
    "燕艳雁", "玲铃凌", "琳林霖", "萍平苹", "斌彬", "峰锋丰", "辉晖慧惠", "东冬", "建剑健",
    "志智", "宇雨羽语", "轩萱宣", "涵晗函", "琪琦淇棋", "欣馨新心", "怡宜仪", "梅玫媚", "英瑛",
    "兰岚", "珍贞", "龙隆", "生升", "文雯", "云芸", "晓筱", "佳嘉家", "浩昊皓灏", "子梓紫",
    "思斯", "春纯", "秀绣", "磊蕾", "鹏朋", "飞菲", "波博", "勇永咏", "俊骏峻", "晨辰臣", "航杭",
    "鑫欣", "国帼", "强蔷", "娟鹃", "霞侠", "敏闵", "亮谅", "平屏", "根跟", "福富", "金今",
)  # fmt: skip
# Characters that look alike in handwriting or on a poor scan.
LOOK_ALIKES: tuple[str, ...] = (
    "王玉主", "李季", "陈陆", "杨汤扬", "吴昊", "徐涂", "金全", "余佘", "胡湖", "侯候", "未末",
    "土士", "千干于", "晴睛", "峰锋蜂", "娟绢捐", "玲铃怜", "辉挥", "明朋", "梅海悔", "霞瑕",
    "琳淋", "军车", "超起", "勇甬", "清请情", "佳住", "宇字", "洁结", "己已", "日曰", "戌戍",
    "祥样", "荣蓉", "芬纷", "兵乒", "亮高", "林材", "秀季", "凤风", "燕蒸", "红江", "国图",
)  # fmt: skip

_HOMOPHONE_OF = {c: group for group in HOMOPHONES for c in group}
_LOOK_ALIKE_OF = {c: group for group in LOOK_ALIKES for c in group}
# Region codes: the county's own, its neighbours', and a retired code that elderly people
# born before a redistricting still carry.
_REGIONS = ("331022", "331022", "331022", "331022", "331021", "331081", "330300", "332602")
_PROVINCE_PREFIX = ("浙江省台州市云溪县", "台州市云溪县", "云溪县", "浙江省云溪县")
_ROADS = ("人民路", "解放路", "新华路", "溪口路", "文化路", "建设路", "中山路", "环城路", "青年路")


@dataclass(frozen=True)
class ErrorRates:
    """Per-record probabilities of each kind of error (scale them to stress the matcher)."""

    name_homophone: float = 0.05
    name_look_alike: float = 0.02
    name_missing: float = 0.01
    # Departments paying cash need the ID number; towns mostly have it; organisations handing
    # out donations in kind often do not ask: the mean over sources is about 0.15.
    id_missing: float = 0.15
    id_one_digit: float = 0.04
    id_two_digits: float = 0.01
    id_transposed: float = 0.02
    id_full_width: float = 0.02
    phone_missing: float = 0.30
    phone_old: float = 0.15
    phone_typo: float = 0.02
    birth_missing: float = 0.50
    birth_typo: float = 0.02
    address_missing: float = 0.25
    town_missing: float = 0.10

    def scaled(self, factor: float) -> ErrorRates:
        values = {k: min(0.9, v * factor) for k, v in self.__dict__.items()}
        return ErrorRates(**values)


@dataclass(frozen=True)
class Person:
    """The truth about one synthetic person (what ASSIST plants aid findings on)."""

    key: str
    name: str
    id_number: str
    sex: Literal["male", "female"]
    birth_date: date
    town: str
    village: str
    address: str
    phone: str
    old_phone: str
    household: str


@dataclass
class SyntheticCounty:
    persons: list[Person]
    records: list[Record]
    truth: dict[str, str]  # record_id -> person key
    sources: list[str] = field(default_factory=list)


_ID_MISSING_BY_KIND = {"department": 0.2, "town": 0.7, "organisation": 2.0}


def _kind_of(source: str) -> str:
    if source.endswith(
        ("局", "办公室", "大队", "中心", "合作社", "委员会", "联合会", "总工会", "红十字会")
    ):
        return "department"
    if source.endswith(("镇", "街道", "乡")):
        return "town"
    return "organisation"


def _sources() -> list[str]:
    from sanfu.directory import zh_names as names

    bodies = list(names.DEPARTMENTS)
    bodies += [f"{names.COUNTY_NAME}{t}" for t in (*names.STREETS, *names.TOWNS)]
    bodies += [f"{names.COUNTY_NAME}{o}" for o in names.COUNTY_ASSOCIATIONS]
    bodies += [f"{names.COUNTY_NAME}{o}" for o in names.COUNTY_FOUNDATIONS]
    return bodies


class _Builder:
    def __init__(self, seed: int, rates: ErrorRates) -> None:
        from sanfu.directory import zh_names as names

        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not secret
        self.rates = rates
        self.names = names
        self.towns = [*names.STREETS, *names.TOWNS]
        self.surnames = [s for s, _ in names.FAMILY_NAMES]
        self.surname_weights = [w for _, w in names.FAMILY_NAMES]
        self.issued: set[str] = set()
        self.phones: set[str] = set()

    def phone(self) -> str:
        while True:
            number = self.rng.choice("3578") + "".join(self.rng.choices("0123456789", k=9))
            number = "1" + number
            if number not in self.phones:
                self.phones.add(number)
                return number

    def given(self, sex: str, year: int) -> str:
        n = self.names
        era = 0 if year < n.NAME_ERA_BOUNDS[0] else 1 if year < n.NAME_ERA_BOUNDS[1] else 2
        pool = (
            (n.MALE_NAMES_OLD, n.MALE_NAMES_MIDDLE, n.MALE_NAMES_YOUNG)
            if sex == "male"
            else (n.FEMALE_NAMES_OLD, n.FEMALE_NAMES_MIDDLE, n.FEMALE_NAMES_YOUNG)
        )[era]
        return str(self.rng.choice(pool))

    def id_number(self, region: str, born: date, sex: str, near: int | None = None) -> str:
        while True:
            seq = near + self.rng.choice((2, 4)) if near is not None else self.rng.randrange(999)
            seq = seq % 1000
            if (seq % 2 == 1) != (sex == "male"):
                seq = (seq + 1) % 1000
            first17 = f"{region}{born:%Y%m%d}{seq:03d}"
            number = first17 + id_number_check_char(first17)
            if number not in self.issued:
                self.issued.add(number)
                return number
            near = None

    def household(self, index: int) -> list[Person]:
        rng = self.rng
        town = rng.choice(self.towns)
        village = (
            f"{rng.choice(self.names.VILLAGE_PREFIXES)}{rng.choice(self.names.VILLAGE_LANDFORMS)}村"
        )
        address = f"{town}{village}{rng.randint(1, 300)}号"
        if rng.random() < 0.3:
            address = f"{town}{rng.choice(_ROADS)}{rng.randint(1, 200)}弄{rng.randint(1, 40)}号"
        region = rng.choice(_REGIONS)
        surname = rng.choices(self.surnames, self.surname_weights)[0]
        home_phone = self.phone() if rng.random() < 0.3 else ""
        head_year = rng.randint(1935, 1995)
        members: list[tuple[str, date, str]] = []  # (sex, birth date, name)
        size = rng.choices((1, 2, 3, 4, 5), (20, 30, 25, 18, 7))[0]
        for slot in range(size):
            sex = rng.choice(("male", "female"))
            year = head_year if slot < 2 else min(2020, head_year + rng.randint(20, 35))
            born = date(year, 1, 1) + timedelta(days=rng.randrange(365))
            own_surname = (
                surname if slot != 1 else rng.choices(self.surnames, self.surname_weights)[0]
            )
            members.append((sex, born, own_surname + self.given(sex, year)))
        # Twins: the last child gets a sibling born the same day, a name one character away.
        if size >= 3 and rng.random() < 0.04:
            sex, born, name = members[-1]
            twin_sex = rng.choice(("male", "female"))
            # Twins' names mostly differ in a character (浩然, 浩宇), now and then only in how
            # it is written (俊杰, 俊婕): those two can only be told apart by ID number.
            last = name[-1]
            homophones = _HOMOPHONE_OF.get(last, "").replace(last, "")
            if homophones and rng.random() < 0.2:
                twin = name[:-1] + rng.choice(homophones)
            else:
                twin = name[0] + self.given(twin_sex, born.year)
                if len(twin) == len(name) == 3 and rng.random() < 0.5:
                    twin = name[:2] + twin[-1]  # the shared generation character
            members.append((twin_sex, born, twin if twin != name else name + "乐"))
        persons: list[Person] = []
        last_seq: int | None = None
        last_born: date | None = None
        for n, (sex, born, name) in enumerate(members):
            near = last_seq if last_born == born else None
            number = self.id_number(region, born, sex, near)
            last_seq, last_born = int(number[14:17]), born
            persons.append(
                Person(
                    key=f"P{index:07d}-{n}",
                    name=name,
                    id_number=number,
                    sex=sex,  # type: ignore[arg-type]
                    birth_date=born,
                    town=town,
                    village=village,
                    address=address,
                    phone=home_phone if home_phone and rng.random() < 0.5 else self.phone(),
                    old_phone=self.phone(),
                    household=f"H{index:07d}",
                )
            )
        return persons

    # --- copying a person into a source, with that source's errors ------------------------
    def typo_name(self, name: str) -> str:
        rng, rates = self.rng, self.rates
        roll = rng.random()
        if roll < rates.name_homophone + rates.name_look_alike:
            table = _HOMOPHONE_OF if roll < rates.name_homophone else _LOOK_ALIKE_OF
            positions = [i for i, c in enumerate(name) if c in table]
            if positions:
                i = rng.choice(positions)
                options = table[name[i]].replace(name[i], "")
                return name[:i] + rng.choice(options) + name[i + 1 :]
        return name

    def typo_id(self, number: str) -> str:
        rng, rates = self.rng, self.rates
        roll = rng.random()
        digits = list(number)
        if roll < rates.id_one_digit:
            self._substitute(digits)
        elif roll < rates.id_one_digit + rates.id_two_digits:
            self._substitute(digits)
            self._substitute(digits)
        elif roll < rates.id_one_digit + rates.id_two_digits + rates.id_transposed:
            i = rng.randrange(16)
            if digits[i] == digits[i + 1]:
                self._substitute(digits)
            digits[i], digits[i + 1] = digits[i + 1], digits[i]
        text = "".join(digits)
        if rng.random() < rates.id_full_width:
            text = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)
        elif text.endswith("X") and rng.random() < 0.3:
            text = text[:-1] + "x"
        return text

    def _substitute(self, digits: list[str]) -> None:
        i = self.rng.randrange(17)
        digits[i] = self.rng.choice("0123456789".replace(digits[i], ""))

    def address_variant(self, address: str) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.3:
            address = rng.choice(_PROVINCE_PREFIX) + address
        if rng.random() < 0.15:
            address = address.replace("弄", "-").replace("号", "")
        if rng.random() < 0.1:
            address = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in address)
        return address

    def record(self, person: Person, record_id: str, source: str) -> Record:
        rng, rates = self.rng, self.rates
        name = "" if rng.random() < rates.name_missing else self.typo_name(person.name)
        id_missing = rates.id_missing * _ID_MISSING_BY_KIND[_kind_of(source)]
        id_number = "" if rng.random() < id_missing else self.typo_id(person.id_number)
        phone = ""
        if rng.random() >= rates.phone_missing:
            phone = person.old_phone if rng.random() < rates.phone_old else person.phone
            if rng.random() < rates.phone_typo:
                i = rng.randrange(3, 11)
                phone = phone[:i] + rng.choice("0123456789".replace(phone[i], "")) + phone[i + 1 :]
        birth = ""
        if rng.random() >= rates.birth_missing:
            birth = person.birth_date.isoformat()
            if rng.random() < rates.birth_typo:
                i = rng.choice((2, 3, 6, 9))
                birth = birth[:i] + rng.choice("0123456789".replace(birth[i], "")) + birth[i + 1 :]
                try:
                    date.fromisoformat(birth)
                except ValueError:
                    birth = person.birth_date.isoformat()
        address = (
            "" if rng.random() < rates.address_missing else self.address_variant(person.address)
        )
        town = ""
        if rng.random() >= rates.town_missing:
            town = (
                person.town if rng.random() < 0.8 else person.town.rstrip("镇").removesuffix("街道")
            )
        return Record(record_id, source, name, id_number, phone, birth, address, town)


def _share_names(persons: list[Person], rng: random.Random) -> list[Person]:
    """Give some people another person's name, or a name with the same pinyin."""
    out = list(persons)
    for i in range(len(out)):
        roll = rng.random()
        if roll < 0.05:
            other = out[rng.randrange(len(out))]
            out[i] = _renamed(out[i], other.name)
        elif roll < 0.08:
            name = out[i].name
            positions = [k for k, c in enumerate(name) if c in _HOMOPHONE_OF]
            if positions:
                k = rng.choice(positions)
                twin = rng.choice(_HOMOPHONE_OF[name[k]].replace(name[k], ""))
                # A second, distinct person in the same town and year with the same pinyin.
                j = rng.randrange(len(out))
                out[j] = _renamed(out[j], name[:k] + twin + name[k + 1 :])
    return out


def _renamed(person: Person, name: str) -> Person:
    return Person(**{**person.__dict__, "name": name})


def generate_county(
    persons: int, seed: int, *, rates: ErrorRates | None = None, mean_records: float = 2.5
) -> SyntheticCounty:
    """``persons`` people (households cut at the count) and their records in the sources."""
    builder = _Builder(seed, rates or ErrorRates())
    rng = builder.rng
    people: list[Person] = []
    index = 0
    while len(people) < persons:
        people.extend(builder.household(index)[: persons - len(people)])
        index += 1
    people = _share_names(people, rng)
    sources = _sources()
    copies: list[tuple[Person, str]] = []
    extra = max(0.0, mean_records - 1)
    for person in people:
        count = 1 + min(7, int(rng.expovariate(1 / extra))) if extra else 1
        copies.extend((person, source) for source in rng.sample(sources, count))
    rng.shuffle(copies)
    records: list[Record] = []
    truth: dict[str, str] = {}
    for n, (person, source) in enumerate(copies):
        # Opaque ids in shuffled order, so nothing about the truth leaks into them.
        record_id = f"R{n:08d}"
        records.append(builder.record(person, record_id, source))
        truth[record_id] = person.key
    return SyntheticCounty(persons=people, records=records, truth=truth, sources=sources)


def generate(
    persons: int, seed: int, *, rates: ErrorRates | None = None
) -> tuple[list[Record], dict[str, str]]:
    """Records of ``persons`` synthetic people, and the truth: record_id -> person key."""
    county = generate_county(persons, seed, rates=rates)
    return county.records, county.truth


def truth_pairs_count(truth: Sequence[str]) -> int:
    from collections import Counter

    return sum(n * (n - 1) // 2 for n in Counter(truth).values())

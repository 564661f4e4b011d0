"""A second synthetic population, built unlike ``sanfu.assistance.linkage.synthetic``.

It exists so the matcher is measured on data it was not tuned on: different name stock
(national surname ranking, given names drawn character by character), homophones found by
pypinyin over that stock instead of a hand-made table, different errors (dropped and doubled
ID digits, landlines, dates in local spellings, rural 组 addresses, 乡 towns), and rows written
as a CSV for ``sanfu assistance match``. Run it as a script to write a CSV and its truth:

    python -m tests.assistance.linkage.other_generator --persons 100000 --out DIR
    sanfu assistance match --input DIR/records.csv --output DIR/persons.csv
    python -m tests.assistance.linkage.other_generator --out DIR --score DIR/persons.csv
"""

from __future__ import annotations

import argparse
import csv
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from pypinyin import lazy_pinyin

from sanfu.lib.idnumber import id_number_check_char

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆"
    "帅旭宁龙林欢阳建国亮成佳琳晨晶雪梅琴云莉倩婷颖慧敏欣怡涵轩博文思源子墨一诺梓萱雨泽嘉鑫"
)
TOWNS = ("城关镇", "河西乡", "东山乡", "马桥镇", "新塘乡", "花园乡", "清水镇", "双溪乡", "岭下镇")
COUNTY = ("平安县", "342921")


@dataclass(frozen=True)
class Truth:
    key: str
    name: str
    id_number: str
    birth: date
    phone: str
    town: str
    address: str


def _homophones() -> dict[str, list[str]]:
    by_sound: dict[str, list[str]] = defaultdict(list)
    for char in dict.fromkeys(SURNAMES + GIVEN):
        by_sound[lazy_pinyin(char)[0]].append(char)
    return {c: [o for o in group if o != c] for group in by_sound.values() for c in group}


class Population:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed * 7919 + 13)
        self.homophones = _homophones()
        self.ids: set[str] = set()
        # Zipf-like weights over the ranking, as national surname shares fall off.
        self.weights = [1 / (rank + 1) ** 0.9 for rank in range(len(SURNAMES))]

    def person(self, n: int) -> Truth:
        rng = self.rng
        surname = rng.choices(SURNAMES, self.weights)[0]
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
        born = date(1930, 1, 1) + timedelta(days=rng.randrange(365 * 90))
        while True:
            region = COUNTY[1] if rng.random() < 0.85 else rng.choice(("342901", "340102"))
            first17 = f"{region}{born:%Y%m%d}{rng.randrange(1000):03d}"
            number = first17 + id_number_check_char(first17)
            if number not in self.ids:
                self.ids.add(number)
                break
        town = rng.choice(TOWNS)
        if rng.random() < 0.8:
            phone = "1" + rng.choice("35789") + "".join(rng.choices("0123456789", k=9))
        else:
            phone = "0566-" + rng.choice("2345678") + "".join(rng.choices("0123456789", k=6))
        village = rng.choice("上下东西南北") + rng.choice("村庄湾塘岗") + "村"
        address = f"{town}{village}{rng.randint(1, 12)}组{rng.randint(1, 80)}号"
        return Truth(f"T{n}", surname + given, number, born, phone, town, address)

    def sibling_of(self, other: Truth, n: int) -> Truth:
        """Same surname, birthday, address and phone; a different given name and ID number."""
        twin = self.person(n)
        first17 = other.id_number[:14] + f"{(int(other.id_number[14:17]) + 2) % 1000:03d}"
        number = first17 + id_number_check_char(first17)
        self.ids.add(number)
        return Truth(
            twin.key, other.name[0] + twin.name[1:], number, other.birth, other.phone,
            other.town, other.address,
        )  # fmt: skip

    # --- one record of a person, with this generator's errors -----------------------------
    def row(self, person: Truth, record_id: str, source: str) -> dict[str, str]:
        rng = self.rng
        name = person.name
        if rng.random() < 0.06:
            i = rng.randrange(len(name))
            if self.homophones.get(name[i]):
                name = name[:i] + rng.choice(self.homophones[name[i]]) + name[i + 1 :]
        if rng.random() < 0.03:
            name = name[0] + " " + name[1:]  # typed with a space
        id_number = person.id_number
        roll = rng.random()
        if roll < 0.05:
            i = rng.randrange(17)
            id_number = id_number[:i] + rng.choice("0123456789") + id_number[i + 1 :]
        elif roll < 0.07:
            i = rng.randrange(16)
            id_number = id_number[:i] + id_number[i + 1] + id_number[i] + id_number[i + 2 :]
        elif roll < 0.08:
            i = rng.randrange(18)
            id_number = id_number[:i] + id_number[i + 1 :]  # a dropped digit
        if rng.random() < 0.2:
            id_number = ""
        phone = "" if rng.random() < 0.35 else person.phone
        if phone and rng.random() < 0.1:
            phone = "1" + rng.choice("35789") + "".join(rng.choices("0123456789", k=9))  # a new one
        birth = ""
        if rng.random() < 0.6:
            birth = rng.choice(
                (
                    person.birth.isoformat(),
                    f"{person.birth.year}/{person.birth.month}/{person.birth.day}",
                    f"{person.birth.year}年{person.birth.month}月{person.birth.day}日",
                )
            )
        address = "" if rng.random() < 0.3 else person.address
        if address and rng.random() < 0.3:
            address = f"安徽省{COUNTY[0]}" + address
        if address and rng.random() < 0.2:
            address = address.replace("组", "-").replace("号", "")
        town = "" if rng.random() < 0.2 else person.town
        return {
            "record_id": record_id, "source": source, "name": name, "id_number": id_number,
            "phone": phone, "birth_date": birth, "address": address, "town": town,
        }  # fmt: skip


def population(persons: int, seed: int) -> tuple[list[dict[str, str]], dict[str, str]]:
    """CSV rows (shuffled) and the truth: record_id -> person key."""
    pop = Population(seed)
    people: list[Truth] = []
    for n in range(persons):
        if people and pop.rng.random() < 0.03:
            people.append(pop.sibling_of(people[-1], n))
        else:
            people.append(pop.person(n))
    sources = [f"{COUNTY[0]}来源{i:03d}" for i in range(250)]
    copies = [
        (p, s)
        for p in people
        for s in pop.rng.sample(sources, 1 + min(6, int(pop.rng.expovariate(0.8))))
    ]
    pop.rng.shuffle(copies)
    rows, truth = [], {}
    for n, (person, source) in enumerate(copies):
        record_id = f"x{n:07d}"
        rows.append(pop.row(person, record_id, source))
        truth[record_id] = person.key
    return rows, truth


def write_csv(rows: list[dict[str, str]], path: Path, *, encoding: str = "utf-8") -> None:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _read_pairs(path: Path, key: str) -> dict[str, str]:
    with path.open(encoding="utf-8") as handle:
        return {row["record_id"]: row[key] for row in csv.DictReader(handle)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, help="write records.csv and truth.csv")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="folder for the two files")
    parser.add_argument(
        "--score", type=Path, help="print pairwise precision/recall of this record_id,person_id CSV"
    )
    args = parser.parse_args()
    if args.score:
        import json

        from sanfu.assistance.linkage.evaluate import pairwise_scores

        truth = _read_pairs(args.out / "truth.csv", "person_key")
        found = _read_pairs(args.score, "person_id")
        print(json.dumps(pairwise_scores(found, truth).as_dict()))
        return
    rows, truth = population(args.persons, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(rows, args.out / "records.csv")
    with (args.out / "truth.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "person_key"])
        writer.writerows(truth.items())


if __name__ == "__main__":
    main()

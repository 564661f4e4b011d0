"""Canonical persons: records linked by sanfu.assistance.linkage, and the facts they carry.

`persons_relink` clusters every record again (after a model change, or nightly);
`persons_match_new` attaches records that have no person yet to existing persons, one import
or application at a time, without re-linking the rest. Person ids stay stable across a
re-link: each person carries on in the cluster holding most of its records; a merge keeps the
oldest id and lists the others in ``Person.merged_ids``; findings and applications follow.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet

from sanfu.assistance.models import Person, RecordKind, SourceRecord
from sanfu.directory.models import Resident, Unit
from sanfu.lib.bulk import rows_update

if TYPE_CHECKING:
    from sanfu.assistance.linkage import LinkageModel, NewLinkage, Record

# Without a saved model, a county with at least this many records trains on its own records
# (EM needs that much); a smaller one (a trial, the tests) uses the packaged model.
MIN_OWN_TRAINING = 2000
RECORD_FIELDS = (
    "pk",
    "source_id",
    "name",
    "id_number",
    "phone",
    "birth_date",
    "address",
    "town__name",
)

Say = Callable[[str], None]


def linkage_model(*, records: Sequence[Record] = (), say: Say | None = None) -> LinkageModel:
    """The saved model; else one trained now on the county's own records (enough of them) and
    saved; else the packaged model trained on a synthetic county."""
    from sanfu.assistance.linkage import LinkageModel, default_model_path, train

    path = default_model_path()
    if path.exists():
        return LinkageModel.load(path)
    if len(records) < MIN_OWN_TRAINING:
        return LinkageModel.default()
    if say:
        say(f"training the linkage model on {len(records)} records")
    model = train(records)
    model.save(path)
    return model


def as_record(row: tuple[Any, ...]) -> Record:
    """A linkage Record from a `values_list(*RECORD_FIELDS)` row of SourceRecord."""
    from sanfu.assistance.linkage import Record

    pk, source_id, name, id_number, phone, birth_date, address, town = row
    return Record(
        record_id=str(pk),
        source=str(source_id),
        name=name,
        id_number=id_number,
        phone=phone,
        birth_date=birth_date.isoformat() if isinstance(birth_date, date) else "",
        address=address,
        town=town or "",
    )


@dataclass(frozen=True)
class LinkSummary:
    records: int
    persons: int
    new_persons: int
    merged: int = 0  # persons merged into others (their ids live on in ``merged_ids``)

    def as_dict(self) -> dict[str, int]:
        return {
            "records": self.records,
            "persons": self.persons,
            "new_persons": self.new_persons,
            "merged_persons": self.merged,
        }


def persons_relink(*, model: LinkageModel | None = None, say: Say | None = None) -> LinkSummary:
    """Cluster every record into persons again, keeping person ids where clusters persist."""
    from sanfu.assistance.linkage import link

    rows = list(SourceRecord.objects.order_by("pk").values_list(*RECORD_FIELDS))
    records = [as_record(row) for row in rows]
    if model is None:
        model = linkage_model(records=records, say=say)
    if say:
        say(f"linking {len(records)} records")
    linkage = link(records, model=model) if records else None
    clusters: dict[str, list[int]] = defaultdict(list)
    best: dict[int, tuple[float, dict[str, str]]] = {}
    if linkage is not None:
        for record_id, person_key in linkage.person_of.items():
            clusters[person_key].append(int(record_id))
        for pair in linkage.pairs:
            for side in (int(pair.left), int(pair.right)):
                if pair.probability > best.get(side, (-1.0, {}))[0]:
                    best[side] = (pair.probability, dict(pair.evidence))
    return _store_clusters(list(clusters.values()), best)


@transaction.atomic
def _store_clusters(
    clusters: list[list[int]], best: dict[int, tuple[float, dict[str, str]]]
) -> LinkSummary:
    """Store the clusters as persons, keeping the ids of persons that carry on.

    Each person of the last run carries on in the cluster holding most of its records (ties:
    the cluster with the smallest record). A cluster that carries on one person keeps its id;
    one that carries on several (a merge) keeps the oldest (smallest) id, records the others
    in ``merged_ids`` and takes over their findings and applications; one that carries on
    none (a split-off part, new records) is a new person.
    """
    current = dict(SourceRecord.objects.values_list("pk", "person_id"))
    overlap: Counter[tuple[int, int]] = Counter()
    for index, members in enumerate(clusters):
        for pk in members:
            if (person := current.get(pk)) is not None:
                overlap[index, person] += 1
    smallest = [min(members) for members in clusters]
    home: dict[int, int] = {}  # person of the last run -> the cluster it carries on in
    for (index, person), _count in sorted(
        overlap.items(), key=lambda item: (-item[1], smallest[item[0][0]])
    ):
        home.setdefault(person, index)
    carried: dict[int, list[int]] = defaultdict(list)
    for person, index in home.items():
        carried[index].append(person)
    fresh = [index for index in range(len(clusters)) if index not in carried]
    created = Person.objects.bulk_create([Person(name="") for _ in fresh], batch_size=2000)
    new_ids = dict(zip(fresh, (person.pk for person in created), strict=True))
    assignment: dict[int, int] = {}
    merges: dict[int, list[int]] = {}
    for index, members in enumerate(clusters):
        persons = sorted(carried.get(index, []))
        if persons:
            person_id = persons[0]
            if len(persons) > 1:
                merges[person_id] = persons[1:]
        else:
            person_id = new_ids[index]
        for pk in members:
            assignment[pk] = person_id
    updates = []
    for pk, person_id in assignment.items():
        probability, evidence = best.get(pk, (None, {}))
        updates.append(
            SourceRecord(
                pk=pk, person_id=person_id, match_probability=probability, match_evidence=evidence
            )
        )
    rows_update(SourceRecord, updates, ["person", "match_probability", "match_evidence"])
    _record_merges(merges)
    taken = set(assignment.values())
    Person.objects.exclude(pk__in=taken).filter(records__isnull=True).delete()
    person_facts_refresh(person_ids=taken)
    return LinkSummary(
        records=len(assignment),
        persons=len(taken),
        new_persons=len(fresh),
        merged=sum(len(m) for m in merges.values()),
    )


def _record_merges(merges: dict[int, list[int]]) -> None:
    """Point what referred to a merged person at the person it was merged into."""
    if not merges:
        return
    from sanfu.assistance.models import Application, Finding

    survivor_of: dict[int | None, int] = {
        m: person_id for person_id, merged in merges.items() for m in merged
    }
    merged_before = dict(Person.objects.filter(pk__in=survivor_of).values_list("pk", "merged_ids"))
    # One query per table, not two per merge: a relink after a model change merges thousands.
    findings = list(Finding.objects.filter(person_id__in=survivor_of).only("pk", "person_id"))
    for finding in findings:
        finding.person_id = survivor_of[finding.person_id]
    rows_update(Finding, findings, ["person"])
    applications = list(
        Application.objects.filter(person_id__in=survivor_of).only("pk", "person_id")
    )
    for application in applications:
        application.person_id = survivor_of[application.person_id]
    rows_update(Application, applications, ["person"])
    survivors = Person.objects.in_bulk(list(merges))
    for person_id, merged in merges.items():
        survivor = survivors[person_id]
        earlier = [p for m in merged for p in merged_before.get(m, [])]
        survivor.merged_ids = sorted({*survivor.merged_ids, *merged, *earlier})
    rows_update(Person, survivors.values(), ["merged_ids"])


def persons_match_new(
    *, records: QuerySet[SourceRecord] | None = None, model: LinkageModel | None = None
) -> LinkSummary:
    """Attach records without a person to existing persons, or make new persons of them (one
    per new person, however many of the new records are theirs), without re-linking the rest."""
    from sanfu.assistance.linkage import link_new

    pending = records if records is not None else SourceRecord.objects.all()
    new_rows = list(pending.filter(person__isnull=True).order_by("pk").values_list(*RECORD_FIELDS))
    if not new_rows:
        return LinkSummary(records=0, persons=Person.objects.count(), new_persons=0)
    existing_rows = list(
        SourceRecord.objects.filter(person__isnull=False)
        .order_by("pk")
        .values_list(*RECORD_FIELDS, "person_id")
    )
    new = [as_record(row) for row in new_rows]
    existing = [(as_record(row[:-1]), str(row[-1])) for row in existing_rows]
    if model is None:
        model = linkage_model(records=[*new, *(r for r, _p in existing)])
    linkage = link_new(new, existing, model=model)
    return _store_matches(new, linkage, model.threshold)


@transaction.atomic
def _store_matches(new: list[Record], linkage: NewLinkage, threshold: float) -> LinkSummary:
    names: dict[str, str] = {}  # new person key -> the name of its first record
    for record in new:
        if linkage.person_of[record.record_id] is None:
            names.setdefault(linkage.new_person_of[record.record_id], record.name)
    made = Person.objects.bulk_create(
        [Person(name=n[:50]) for n in names.values()], batch_size=2000
    )
    created = dict(zip(names, (person.pk for person in made), strict=True))
    touched: set[int] = set()
    updates = []
    for record in new:
        person = linkage.person_of[record.record_id]
        probability = linkage.probability[record.record_id]
        if person is not None:
            person_id = int(person)
        else:
            person_id = created[linkage.new_person_of[record.record_id]]
        touched.add(person_id)
        updates.append(
            SourceRecord(
                pk=int(record.record_id),
                person_id=person_id,
                match_probability=probability if probability >= threshold else None,
                match_evidence={"incremental": f"{probability:.3f}"},
            )
        )
    rows_update(SourceRecord, updates, ["person", "match_probability", "match_evidence"])
    person_facts_refresh(person_ids=touched)
    return LinkSummary(records=len(new), persons=Person.objects.count(), new_persons=len(created))


# --- facts ---------------------------------------------------------------------------------


def _most_common(values: Iterable[str]) -> str:
    counted = Counter(v for v in values if v)
    return counted.most_common(1)[0][0] if counted else ""


def person_facts_refresh(*, person_ids: Iterable[int]) -> None:
    """Name, ID number, birth date, place, household and facts of persons, from their records.

    Facts: every registered status any source certifies; the most severe disability grade; the
    household income per head most recently reported.
    """
    ids = sorted(set(person_ids))
    residents: dict[str, tuple[int, str]] = {}
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        rows: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in (
            SourceRecord.objects.filter(person_id__in=chunk)
            .order_by("given_on", "pk")
            .values(
                "person_id",
                "name",
                "id_number",
                "birth_date",
                "town_id",
                "household",
                "status",
                "disability_grade",
                "income_per_head",
                "kind",
            )
        ):
            rows[row["person_id"]].append(dict(row))
        numbers = {r["id_number"] for rs in rows.values() for r in rs if r["id_number"]}
        residents = {
            number: (village_id, household or "")
            for number, village_id, household in Resident.objects.filter(
                id_number__in=numbers
            ).values_list("id_number", "village_id", "household__number")
        }
        persons = Person.objects.in_bulk(chunk)
        for person_id, records in rows.items():
            person = persons[person_id]
            _refresh_one(person, records, residents)
        rows_update(
            Person,
            persons.values(),
            [
                "name",
                "id_number",
                "birth_date",
                "town",
                "place",
                "household",
                "statuses",
                "disability_grade",
                "income_per_head",
            ],
        )


def _refresh_one(
    person: Person, records: list[dict[str, Any]], residents: dict[str, tuple[int, str]]
) -> None:
    person.name = _most_common(r["name"] for r in records)[:50]
    person.id_number = _most_common(r["id_number"] for r in records)
    births = Counter(r["birth_date"] for r in records if r["birth_date"])
    person.birth_date = births.most_common(1)[0][0] if births else None
    towns = Counter(r["town_id"] for r in records if r["town_id"])
    person.town_id = towns.most_common(1)[0][0] if towns else None
    person.household = _most_common(r["household"] for r in records)
    resident = residents.get(person.id_number)
    person.place_id = person.town_id
    if resident is not None:
        village_id, household = resident
        person.place_id = village_id
        person.household = person.household or household
        if person.town_id is None:
            village = Unit.objects.filter(pk=village_id).values_list("parent_id", flat=True).first()
            person.town_id = village
    person.statuses = sorted({r["status"] for r in records if r["status"]})
    grades = [r["disability_grade"] for r in records if r["disability_grade"] is not None]
    person.disability_grade = min(grades) if grades else None
    incomes: list[Decimal] = [
        r["income_per_head"] for r in records if r["income_per_head"] is not None
    ]
    person.income_per_head = incomes[-1] if incomes else None


__all__ = [
    "LinkSummary",
    "RecordKind",
    "linkage_model",
    "person_facts_refresh",
    "persons_match_new",
    "persons_relink",
]

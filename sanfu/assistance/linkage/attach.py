"""Second pass after clustering: sparse records joined to the one person their name points to.

A record that carries a name and little else (a town, perhaps an address) cannot reach the
threshold against any single record of its person: "same name, same town" is not enough for
a pair. At the level of the whole batch it can be: when exactly one person (cluster) has that
name, and that person contradicts nothing the sparse record says, the record is theirs. The
evidence is the cluster's, not a pair's, so it lives here rather than in the Splink model.

Conditions, all required, for a small cluster S (at most ``_SPARSE_SIZE`` records, no valid
ID number) to join cluster C:

- every record of S has the same name (exact spelling), and besides S only C has it among
  the clusters that could be in S's town (same town, or town unknown); without a town on S,
  only C in the whole batch;
- C has at least two records or a valid ID number (a person, not another stray record);
- town, birth date (written or read from the ID number): when both sides know it, they share
  a value;
- an ID number on S (an invalid one: a valid one makes S its own person) also appears in C;
- a phone or an address on S that C could contradict (C knows phones or addresses too): S
  shares a phone or an address with C.

A shared pinyin never counts: the name must be spelled the same. Two clusters that each hold
a valid ID number are never joined (S holds none).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sanfu.assistance.linkage.features import (
    id_for_matching,
    matching_name,
    normalise_town,
    split_address,
)

if TYPE_CHECKING:
    from sanfu.assistance.linkage import Record

__all__ = ["attach_sparse"]

_SPARSE_SIZE = 2


@dataclass
class _Facts:
    records: list[str] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    towns: set[str] = field(default_factory=set)
    births: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    addresses: set[str] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)
    valid: bool = False

    def add(self, record: Record) -> None:
        self.records.append(record.record_id)
        if name := matching_name(record.name):
            self.names.add(name)
        town, address = split_address(record.address) if record.address else ("", "")
        if t := normalise_town(record.town) if record.town else town:
            self.towns.add(t)
        if address:
            self.addresses.add(address)
        if record.phone:
            self.phones.add(record.phone)
        if record.birth_date:
            self.births.add(record.birth_date)
        if record.id_number:
            number, ok = id_for_matching(record.id_number)
            self.numbers.add(number or record.id_number)
            if ok:
                self.valid = True
                self.births.add(f"{number[6:10]}-{number[10:12]}-{number[12:14]}")


def _compatible(sparse: _Facts, person: _Facts, *, name_unique: bool) -> bool:
    for mine, theirs in ((sparse.towns, person.towns), (sparse.births, person.births)):
        if mine and theirs and not mine & theirs:
            return False
    numbers = sparse.numbers
    if numbers and not any(_within_two(a, b) for a in numbers for b in person.numbers):
        return False
    addresses = sparse.addresses and person.addresses
    if name_unique:
        # No one else in the batch bears the name: a phone that differs is an old or a new
        # number (common); an address that differs is a move, or another person.
        return not (addresses and not sparse.addresses & person.addresses)
    can_contradict = (sparse.phones and person.phones) or addresses
    shares = _near(sparse.phones, person.phones) or sparse.addresses & person.addresses
    return not (can_contradict and not shares)


def _within_two(a: str, b: str) -> bool:
    """Levenshtein distance of two short strings at most 2."""
    if abs(len(a) - len(b)) > 2:
        return False
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1] <= 2


def _near(mine: set[str], theirs: set[str]) -> bool:
    """A phone in both sets, or two of the same length one mistyped digit apart."""
    if mine & theirs:
        return True
    return any(
        len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1
        for a in mine
        for b in theirs
    )


def attach_sparse(
    records: Sequence[Record],
    person_of: Mapping[str, str],
    *,
    movable: Container[str] | None = None,
) -> dict[str, str]:
    """``person_of`` with sparse clusters joined to the only person bearing their name.

    Each grown cluster is keyed by the smallest key among those joined. With ``movable``, only
    the clusters it holds may join another (incremental matching: existing persons stay).
    """
    facts: dict[str, _Facts] = defaultdict(_Facts)
    for record in records:
        facts[person_of[record.record_id]].add(record)
    # name -> persons bearing it; (name, town) -> those of a town; name -> those of no town.
    holders: dict[str, set[str]] = defaultdict(set)
    in_town: dict[tuple[str, str], set[str]] = defaultdict(set)
    townless: dict[str, set[str]] = defaultdict(set)
    for person, fact in facts.items():
        for name in fact.names:
            holders[name].add(person)
            for town in fact.towns:
                in_town[name, town].add(person)
            if not fact.towns:
                townless[name].add(person)
    joined: dict[str, str] = {}  # sparse person -> person it joins
    for person, fact in facts.items():
        if len(fact.records) > _SPARSE_SIZE or fact.valid or len(fact.names) != 1:
            continue
        if movable is not None and person not in movable:
            continue
        name = next(iter(fact.names))
        groups = (
            [in_town[name, t] for t in fact.towns] + [townless[name]]
            if fact.towns
            else [holders[name]]
        )
        if sum(len(g) for g in groups) > 2 * len(groups):
            continue  # a common name: more than one other person for sure
        others = set().union(*groups) - {person}
        if len(others) != 1:
            continue
        other = next(iter(others))
        target = facts[other]
        if (len(target.records) < 2 and not target.valid) or other in joined:
            continue
        if _compatible(fact, target, name_unique=holders[name] == {person, other}):
            joined[person] = other
    if not joined:
        return dict(person_of)
    # Sparse clusters join big ones only (a target holds two records or more, a sparse one at
    # most two, and a target never itself joins): no chains.
    new_id: dict[str, str] = {}
    grown: dict[str, list[str]] = defaultdict(list)
    for sparse, other in joined.items():
        grown[other].append(sparse)
    for other, sparses in grown.items():
        smallest = min([other, *sparses])
        for person in [other, *sparses]:
            new_id[person] = smallest
    return {r: new_id.get(p, p) for r, p in person_of.items()}

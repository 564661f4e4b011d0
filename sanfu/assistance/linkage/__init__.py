"""Person matching across assistance sources (record linkage with Splink).

A plain Python package: no Django models, no database. Django is needed only for translated
error messages (``clean``), so configured settings are enough.

- ``Record``: one row from one source body, fields cleaned or raw (they are normalised again).
- ``train(records)`` learns a ``LinkageModel`` (EM, unsupervised) and ``LinkageModel.save``
  writes it as versioned JSON, atomically.
- ``link(records, model=…)`` clusters every record to a canonical person.
- ``link_new(new, existing, model=…)`` links new records to existing persons and to each
  other (the same new person gets one key) without re-linking the existing records;
  ``match_new`` gives each new record its existing person or ``None``.

Here a ``person_id`` is the smallest ``record_id`` (string order) among the records of its
cluster: a per-run key, readable, needing no table. Ids that outlive a re-link are the
registry's (``sanfu.assistance.persons``: a cluster keeps the id of the person it carries on).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DEFAULT_THRESHOLD",
    "MODEL_FORMAT_VERSION",
    "Linkage",
    "LinkageModel",
    "MatchedPair",
    "ModelFormatError",
    "NewLinkage",
    "Record",
    "default_model_path",
    "link",
    "link_new",
    "match_new",
    "train",
]


@dataclass(frozen=True)
class Record:
    """One row from one source; empty strings for unknown fields, ``birth_date`` ISO."""

    record_id: str
    source: str
    name: str = ""
    id_number: str = ""
    phone: str = ""
    birth_date: str = ""
    address: str = ""
    town: str = ""


@dataclass(frozen=True)
class MatchedPair:
    """Two records judged to be one person; ``evidence`` maps comparison → level label."""

    left: str
    right: str
    probability: float
    evidence: dict[str, str]


@dataclass
class Linkage:
    person_of: dict[str, str]  # record_id -> person_id (smallest record_id of the cluster)
    pairs: list[MatchedPair]


@dataclass
class NewLinkage:
    """New records linked by ``link_new``.

    ``person_of``: the existing person a new record belongs to, or ``None``; ``new_person_of``:
    for the others, their new person's key (the smallest record_id of its new records);
    ``probability``: the best pair of each new record with an existing record (0.0: none).
    """

    person_of: dict[str, str | None]
    new_person_of: dict[str, str]
    probability: dict[str, float]


def default_model_path() -> Path:
    """``<SANFU_DATA_DIR>/assistance/linkage-model.json``."""
    from django.conf import settings

    return Path(settings.DATA_DIR) / "assistance" / "linkage-model.json"


# Imported last: these modules use the dataclasses above.
from sanfu.assistance.linkage.engine import link, link_new, match_new, train  # noqa: E402
from sanfu.assistance.linkage.model import (  # noqa: E402
    DEFAULT_THRESHOLD,
    MODEL_FORMAT_VERSION,
    LinkageModel,
    ModelFormatError,
)

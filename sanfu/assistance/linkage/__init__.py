"""Person matching across assistance sources (record linkage with Splink).

A plain Python package: no Django models, no database. Django is needed only for translated
error messages (``clean``), so configured settings are enough.

- ``Record``: one row from one source body, fields cleaned or raw (they are normalised again).
- ``train(records)`` learns a ``LinkageModel`` (EM, unsupervised) and ``LinkageModel.save``
  writes it as versioned JSON, atomically.
- ``link(records, model=…)`` clusters every record to a canonical person.
- ``match_new(new, existing, model=…)`` attaches new records to existing persons without
  re-linking everything.

A ``person_id`` is the smallest ``record_id`` (string order) among the records of its cluster:
stable as long as that record stays in the cluster, readable, and needing no extra table.
``match_new`` returns the ``person_id`` given with the existing record it matched.
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
    "Record",
    "default_model_path",
    "link",
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


def default_model_path() -> Path:
    """``<SANFU_DATA_DIR>/assistance/linkage-model.json``."""
    from django.conf import settings

    return Path(settings.DATA_DIR) / "assistance" / "linkage-model.json"


# Imported last: these modules use the dataclasses above.
from sanfu.assistance.linkage.engine import link, match_new, train  # noqa: E402
from sanfu.assistance.linkage.model import (  # noqa: E402
    DEFAULT_THRESHOLD,
    MODEL_FORMAT_VERSION,
    LinkageModel,
    ModelFormatError,
)

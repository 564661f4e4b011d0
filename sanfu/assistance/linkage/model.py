"""The linkage model: comparisons, blocking rules, and the trained parameters as versioned JSON.

The file holds only what training learned (the prior and each level's m and u) plus the
threshold, keyed by comparison and level label. The SQL is rebuilt from this module for the
backend in use, so one saved model runs on DuckDB and on Spark alike.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

from sanfu.lib.files import atomic_write

__all__ = [
    "DEFAULT_THRESHOLD",
    "MODEL_FORMAT_VERSION",
    "LinkageModel",
    "ModelFormatError",
    "blocking_rules",
    "comparison_levels",
    "settings_creator",
]

MODEL_FORMAT_VERSION = 1
DEFAULT_MODEL_FILE = Path(__file__).with_name("default-model.json")
_FORMAT_NAME = "sanfu-linkage-model"
# Chosen by measurement on two differently built synthetic counties (see the bench command).
DEFAULT_THRESHOLD = 0.7


class ModelFormatError(ValueError):
    """A model file that is not ours, is damaged, or has another format version."""


def _levels() -> dict[str, list[tuple[str, ComparisonLevelCreator]]]:
    """Comparison name -> [(label, level)], the null level first, the else level last."""
    return {
        "name": [
            ("missing", cll.NullLevel("name")),
            # Term frequencies: 王伟 agreeing says less than 欧阳明月 agreeing.
            ("same name", cll.ExactMatchLevel("name", term_frequency_adjustments=True)),
            (
                "one character differs, same pinyin",
                cll.And(cll.LevenshteinLevel("name", 1), cll.ExactMatchLevel("name_pinyin")),
            ),
            ("one character differs", cll.LevenshteinLevel("name", 1)),
            ("same pinyin only", cll.ExactMatchLevel("name_pinyin")),
            ("different", cll.ElseLevel()),
        ],
        "id_number": [
            ("missing", cll.NullLevel("id_number")),
            ("same number", cll.ExactMatchLevel("id_number")),
            (
                "two different valid numbers",
                cll.CustomLevel(
                    '"id_valid_l" AND "id_valid_r"',
                    label_for_charts="two different valid numbers",
                    base_dialect_str="duckdb",
                ),
            ),
            ("one digit differs or two swapped", cll.DamerauLevenshteinLevel("id_number", 1)),
            ("two digits differ", cll.DamerauLevenshteinLevel("id_number", 2)),
            ("different", cll.ElseLevel()),
        ],
        "birth_date": [
            ("missing", cll.NullLevel("birth_date")),
            ("same date", cll.ExactMatchLevel("birth_date")),
            ("one digit differs", cll.DamerauLevenshteinLevel("birth_date", 1)),
            ("different", cll.ElseLevel()),
        ],
        # Phone and address in one comparison: a household shares both, so counting them as
        # two independent agreements would make any two relatives one person.
        "contact": [
            (
                "missing",
                cll.CustomLevel(
                    '("phone_l" IS NULL OR "phone_r" IS NULL) '
                    'AND ("address_l" IS NULL OR "address_r" IS NULL)',
                    base_dialect_str="duckdb",
                ).configure(is_null_level=True),
            ),
            (
                "same phone and address",
                cll.And(cll.ExactMatchLevel("phone"), cll.ExactMatchLevel("address")),
            ),
            ("same phone", cll.ExactMatchLevel("phone")),
            ("same address", cll.ExactMatchLevel("address")),
            ("phone one digit differs", cll.DamerauLevenshteinLevel("phone", 1)),
            ("same village or road", cll.ExactMatchLevel("address_place")),
            # An old phone is common; with nothing else to compare it says little.
            (
                "phones differ, address unknown",
                cll.CustomLevel('"address_l" IS NULL OR "address_r" IS NULL'),
            ),
            (
                "addresses differ, phone unknown",
                cll.CustomLevel('"phone_l" IS NULL OR "phone_r" IS NULL'),
            ),
            ("different", cll.ElseLevel()),
        ],
        "town": [
            ("missing", cll.NullLevel("town")),
            ("same town", cll.ExactMatchLevel("town")),
            ("different", cll.ElseLevel()),
        ],
    }


def comparison_levels() -> dict[str, list[str]]:
    """Comparison name -> level labels, in Splink's order (null level first)."""
    return {name: [label for label, _ in levels] for name, levels in _levels().items()}


def blocking_rules() -> list[BlockingRuleCreator | dict[str, Any]]:
    """Candidate pairs: any one of these equalities (NULLs never pair).

    At a million records every key must make small blocks, or the pairs grow with the square
    of the county: pinyin goes with the birth year or the address, and with the town only
    for names rare in the batch (``RARE_NAME``): a rare name and a town are evidence, a
    common one and a town are not, and its block would be huge. The ID-number keys each
    leave out one part of the number (region, year, month and day, sequence and check
    digit), so a typo in any one part still meets its record.
    """
    return [
        block_on("id_number"),
        block_on("phone"),
        block_on("name_pinyin", "birth_year"),
        block_on("name_pinyin", "address"),
        block_on("birth_date", "town"),
        block_on("rare_pinyin_town"),
        block_on("id_bc"),
        block_on("id_ac"),
        block_on("id_ad"),
        block_on("id_ab"),
    ]


def _comparisons(model: LinkageModel | None) -> list[ComparisonCreator | dict[str, Any]]:
    comparisons: list[ComparisonCreator | dict[str, Any]] = []
    for name, levels in _levels().items():
        trained = model.parameters.get(name, {}) if model is not None else {}
        configured: list[ComparisonLevelCreator | dict[str, Any]] = []
        for label, level in levels:
            options: dict[str, Any] = {"label_for_charts": label}
            if label in trained:
                m, u = trained[label]
                if m is not None:
                    options["m_probability"] = min(m, _M_CAP.get((name, label), 1.0))
                if u is not None:
                    options["u_probability"] = u
            configured.append(level.configure(**options))
        comparisons.append(
            cl.CustomComparison(
                comparison_levels=configured,
                output_column_name=name,
                comparison_description=name,
            )
        )
    return comparisons


def settings_creator(
    model: LinkageModel | None = None,
    *,
    link_type: Literal["dedupe_only", "link_only"] = "dedupe_only",
) -> SettingsCreator:
    prior = model.prior if model is not None else 1e-4
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=_comparisons(model),
        blocking_rules_to_generate_predictions=blocking_rules(),
        probability_two_random_records_match=prior,
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=["id_valid"],
    )


@dataclass
class LinkageModel:
    """Trained parameters: the prior, and (m, u) per comparison level label."""

    prior: float
    parameters: dict[str, dict[str, tuple[float | None, float | None]]]
    threshold: float = DEFAULT_THRESHOLD
    version: int = MODEL_FORMAT_VERSION
    trained_on: int = 0  # number of records
    # How often each name occurred in training (names seen at least twice), for the term
    # frequency of "same name": small batches (one application) say nothing about that.
    name_counts: dict[str, int] = field(default_factory=dict)
    name_total: int = 0
    notes: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_splink(cls, settings: dict[str, Any], *, trained_on: int) -> LinkageModel:
        """Read the trained values out of Splink's ``save_model_to_json()`` dictionary."""
        parameters: dict[str, dict[str, tuple[float | None, float | None]]] = {}
        for comparison in settings["comparisons"]:
            levels = parameters.setdefault(comparison["output_column_name"], {})
            for level in comparison["comparison_levels"]:
                if level.get("is_null_level"):
                    continue
                levels[level["label_for_charts"]] = (
                    _probability(level.get("m_probability")),
                    _probability(level.get("u_probability")),
                )
        for name, levels in parameters.items():
            _floor_m(levels, _M_FLOOR[name])
        return cls(
            prior=float(settings["probability_two_random_records_match"]),
            parameters=parameters,
            trained_on=trained_on,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "format": _FORMAT_NAME,
            "version": self.version,
            "prior": self.prior,
            "threshold": self.threshold,
            "trained_on": self.trained_on,
            "name_counts": self.name_counts,
            "name_total": self.name_total,
            "parameters": {
                name: {label: {"m": m, "u": u} for label, (m, u) in levels.items()}
                for name, levels in self.parameters.items()
            },
            "notes": self.notes,
        }

    def save(self, path: Path) -> None:
        """Write the model as JSON: to a temporary file beside ``path``, then rename."""
        text = json.dumps(self.to_json(), ensure_ascii=False, indent=1, sort_keys=True)
        with atomic_write(path) as handle:
            handle.write(text)

    @classmethod
    def default(cls) -> LinkageModel:
        """The packaged model, trained on a synthetic county (``sanfu assistance bench``)."""
        return cls.load(DEFAULT_MODEL_FILE)

    @classmethod
    def load(cls, path: Path) -> LinkageModel:
        """Read a model file; ``ModelFormatError`` if it is not a model of this version."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelFormatError(f"{path}: not a readable linkage model ({exc})") from exc
        if not isinstance(data, dict) or data.get("format") != _FORMAT_NAME:
            raise ModelFormatError(f"{path}: not a sanfu linkage model")
        if data.get("version") != MODEL_FORMAT_VERSION:
            raise ModelFormatError(
                f"{path}: model format version {data.get('version')!r}, this sanfu reads "
                f"version {MODEL_FORMAT_VERSION}; train the model again"
            )
        try:
            expected = comparison_levels()
            parameters: dict[str, dict[str, tuple[float | None, float | None]]] = {}
            for name, levels in data["parameters"].items():
                if name not in expected:
                    raise ModelFormatError(f"{path}: unknown comparison {name!r}")
                parameters[name] = {
                    label: (_probability(v["m"]), _probability(v["u"]))
                    for label, v in levels.items()
                }
            return cls(
                prior=float(data["prior"]),
                parameters=parameters,
                threshold=float(data["threshold"]),
                trained_on=int(data.get("trained_on", 0)),
                name_counts={str(k): int(v) for k, v in data["name_counts"].items()},
                name_total=int(data["name_total"]),
                notes=dict(data.get("notes", {})),
            )
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, ModelFormatError):
                raise
            raise ModelFormatError(f"{path}: damaged linkage model ({exc!r})") from exc


# Least m of a comparison's "different" level. EM sees few or no true pairs that disagree
# outright (a person who moved, a stale phone, a wrong birth date), estimates their m near
# zero and so makes one stale field veto a match. Another county's data is staler than the
# training sample, so disagreement is never allowed to count as more than these odds.
_M_FLOOR = {
    "name": 0.0005,
    "id_number": 0.002,
    "birth_date": 0.005,
    "contact": 0.05,
    "town": 0.02,
}


# Most m of a level, applied whenever a model is used (saved models included). Two wholly
# different names are two people: a household shares phone, address, town and often a birth
# date (twins), and EM, seeing such pairs among its candidates, learns that a different name
# costs little. Measured on both synthetic counties: siblings without ID numbers were merged
# through their shared contact; at this cap they are not, and recall moves by < 0.0001.
_M_CAP = {("name", "different"): 1e-6}


# Least u of any level: what half a million random pairs can still tell from zero.
_U_FLOOR = 1e-6


def _floor_m(levels: dict[str, tuple[float | None, float | None]], floor: float) -> None:
    """Give the else level at least ``floor`` and untrained levels a small m; renormalise.

    Levels random sampling never hit get u = ``_U_FLOOR``.
    """
    labels = list(levels)
    m = {label: levels[label][0] for label in labels}
    m[labels[-1]] = max(m[labels[-1]] or 0.0, floor)
    for label in labels[:-1]:
        m[label] = max(m[label] or 0.0, 1e-5)
    total = sum(v for v in m.values() if v is not None)
    for label in labels:
        u = levels[label][1]
        levels[label] = ((m[label] or 0.0) / total, max(u or 0.0, _U_FLOOR))


def _probability(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    if math.isnan(number) or not 0.0 <= number <= 1.0:
        raise ValueError(f"not a probability: {value!r}")
    return number

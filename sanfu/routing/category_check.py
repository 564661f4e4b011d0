"""How often `leaves_suggested` names a request's matter: top-1 and top-3 leaf accuracy on a
hand-labelled set (data/category_check.csv.gz: `text, category, source` with the category as
its `level1/level2/level3` path; source `board` for real message-board titles, `written` for
requests written for the set, `blind` for message titles labelled after the synonyms table was
written and never used to change it).

The synonyms were written by someone who had read the `board` and `written` rows (and tuned on
the even ones), so those figures flatter; `source_blind` is the honest one.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from sanfu.lib.errors import ValidationFailed
from sanfu.routing.categories import catalogue, leaves_suggested
from sanfu.routing.model import Router

PACKAGED_CHECK = Path(__file__).resolve().parent / "data" / "category_check.csv.gz"


@dataclass(frozen=True)
class Labelled:
    text: str
    path: str
    # "board"/"blind": a real message-board title; "written": a request written for the set.
    source: str = ""


def labelled_read(path: Path) -> list[Labelled]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as file:
        return [
            Labelled(row["text"], row["category"], row.get("source") or "")
            for row in csv.DictReader(file)
        ]


def _score(rows: Iterable[tuple[Labelled, list[str]]]) -> dict[str, Any]:
    rows = list(rows)
    top1 = sum(1 for row, found in rows if found[:1] == [row.path])
    top3 = sum(1 for row, found in rows if row.path in found[:3])
    total = len(rows)
    return {
        "n": total,
        "top1": round(top1 / total, 3) if total else None,
        "top3": round(top3 / total, 3) if total else None,
        "none": sum(1 for _, found in rows if not found),
    }


def category_check(
    rows: list[Labelled], *, router: Router | None, misses: int = 0
) -> dict[str, Any]:
    """Top-1/top-3 leaf accuracy over all rows and over each half; the first `misses` misses."""
    paths = {leaf.path for leaf in catalogue().leaves}
    if not paths:
        raise ValidationFailed(_("No active categories: load the catalogue first."))
    unknown = sorted({row.path for row in rows} - paths)
    if unknown:
        raise ValidationFailed(
            _("Categories not in the catalogue: %(names)s") % {"names": "、".join(unknown[:5])}
        )
    by_pk = {leaf.category.pk: leaf.path for leaf in catalogue().leaves}
    results = []
    for row in rows:
        found = leaves_suggested(title="", text=row.text, limit=3, router=router)
        results.append((row, [by_pk[c.pk] for c in found]))
    report: dict[str, Any] = {
        "model": router.version if router is not None else None,
        "all": _score(results),
        "tuned_half": _score(r for i, r in enumerate(results) if i % 2 == 0),
        "held_out_half": _score(r for i, r in enumerate(results) if i % 2 == 1),
    }
    for source in sorted({row.source for row in rows if row.source}):
        report[f"source_{source}"] = _score(r for r in results if r[0].source == source)
    if misses:
        report["misses"] = [
            {"text": row.text, "want": row.path, "got": found}
            for row, found in results
            if row.path not in found
        ][:misses]
    return report

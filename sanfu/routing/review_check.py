"""How far the reply review's flags can be trusted: each flag's precision and recall against
replies labelled by hand (data/reply_review_labels.csv.gz, described in data/README.md).

The rules in review.py were tuned while looking at this sample, so its figures describe the
sample the rules were written against: an upper bound for unseen replies, and the command says
so beside the figures. A second, smaller sample (data/reply_review_holdout.csv.gz) was labelled
after the tuning and never tuned on; the command shows its figures too.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from sanfu.lib.errors import ValidationFailed
from sanfu.routing.datasets import FIELD_LIMIT
from sanfu.routing.review import reply_review

LABELS_FILE = Path(__file__).resolve().parent / "data" / "reply_review_labels.csv.gz"
# 50 more replies labelled after the rules were tuned and never tuned on: the honest figure.
HELD_OUT_FILE = Path(__file__).resolve().parent / "data" / "reply_review_holdout.csv.gz"
# The flags a label can be given for; lateness is a matter of dates, not of reading.
CHECKED_FLAGS = ("too_short", "no_action", "no_basis", "no_contact", "off_topic")
LABEL_COLUMNS = ("title", "text", "reply", *CHECKED_FLAGS)
TUNED_ON_SAMPLE = (
    "The rules were tuned on this same hand-labelled sample: the figures are what the rules "
    "reach on text they were written against, an upper bound for replies they have not seen."
)
HELD_OUT_SAMPLE = (
    "Replies labelled after the rules were tuned, never used to tune them: what to expect on "
    "replies the rules have not seen (a small sample, so a wide margin)."
)


@dataclass
class FlagScore:
    labelled: int = 0  # replies with a label for this flag
    positives: int = 0  # replies the labeller says deserve the flag
    flagged: int = 0  # replies the rules flag
    agreed: int = 0  # flagged and deserving

    @property
    def precision(self) -> float | None:
        return self.agreed / self.flagged if self.flagged else None

    @property
    def recall(self) -> float | None:
        return self.agreed / self.positives if self.positives else None


@dataclass(frozen=True)
class LabelledReply:
    title: str
    text: str
    reply: str
    labels: dict[str, bool]  # flag -> deserved; a flag missing was not labelled


def labelled_replies_read(lines: Iterable[str]) -> list[LabelledReply]:
    """The labelled replies (columns title, text, reply and one per flag); a blank label cell
    means the flag was not judged for that row. Refuses a file without those columns."""
    previous = csv.field_size_limit(min(FIELD_LIMIT, sys.maxsize))
    try:
        reader = csv.DictReader(lines)
        missing = [c for c in LABEL_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValidationFailed(
                _("line 1: missing column(s): %(columns)s.") % {"columns": ", ".join(missing)}
            )
        return [
            LabelledReply(
                title=row["title"] or "",
                text=row["text"] or "",
                reply=row["reply"] or "",
                labels={f: row[f] == "1" for f in CHECKED_FLAGS if row[f] in ("0", "1")},
            )
            for row in reader
        ]
    finally:
        csv.field_size_limit(previous)


def review_check(replies: list[LabelledReply]) -> dict[str, FlagScore]:
    """Each flag's counts: the rules' flags against the labels."""
    scores = {flag: FlagScore() for flag in CHECKED_FLAGS}
    for item in replies:
        flags = {f.code for f in reply_review(title=item.title, text=item.text, reply=item.reply)}
        for flag, deserved in item.labels.items():
            score = scores[flag]
            score.labelled += 1
            score.positives += deserved
            score.flagged += flag in flags
            score.agreed += deserved and flag in flags
    return scores

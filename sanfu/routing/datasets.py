"""Reading labelled messages (`id,title,text,label`) and the hot-spot file, refusing bad ones.

A file is checked whole before anything is trained: a missing column or a label that is not a
known first-level category stops the run with the line and the column named, so a typo in a
spreadsheet cannot quietly create an eighth category.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from sanfu.lib.errors import ValidationFailed
from sanfu.routing.training import Example

TRAINING_COLUMNS = ("id", "title", "text", "label")
HOTSPOT_COLUMNS = ("id", "title", "time", "text")
# The first-level categories of the 2020 message board (data/README.md); a county's catalogue
# adds its own level-1 names to these.
ROUTING_LABELS = (
    "城乡建设",
    "劳动和社会保障",
    "教育文体",
    "商贸旅游",
    "环境保护",
    "卫生计生",
    "交通运输",
)
# Room for the 100 KB messages the public sends, but a bound: csv's default is 128 KB.
FIELD_LIMIT = 1_000_000


@dataclass(frozen=True)
class Examples:
    examples: list[Example]
    skipped: int  # rows with neither title nor text


def _reader(lines: Iterable[str], required: Collection[str]) -> csv.DictReader[str]:
    reader = csv.DictReader(lines)
    header = reader.fieldnames
    if header is None:
        raise ValidationFailed(_("The file is empty."))
    missing = [column for column in required if column not in header]
    if missing:
        raise ValidationFailed(
            _("line 1: missing column(s): %(columns)s.") % {"columns": ", ".join(missing)}
        )
    return reader


def _rows(reader: csv.DictReader[str]) -> Iterable[tuple[int, dict[str, str]]]:
    # csv's limit is process-wide: raised while this file is read, then put back, so other
    # readers in the process (the synthetic history's) keep theirs.
    previous = csv.field_size_limit(min(FIELD_LIMIT, sys.maxsize))
    try:
        for record in reader:
            if None in record:
                raise ValidationFailed(
                    _("line %(line)d: more fields than the header names.")
                    % {"line": reader.line_num}
                )
            yield reader.line_num, {k: (v or "") for k, v in record.items()}
    except csv.Error as exc:
        raise ValidationFailed(
            _("line %(line)d: not valid CSV (%(reason)s).")
            % {"line": reader.line_num, "reason": exc}
        ) from None
    finally:
        csv.field_size_limit(previous)


def examples_read(lines: Iterable[str], *, labels: Collection[str]) -> Examples:
    """Labelled messages; refuses unknown labels naming line and column."""
    reader = _reader(lines, TRAINING_COLUMNS)
    examples: list[Example] = []
    skipped = 0
    for line, record in _rows(reader):
        label = record["label"].strip()
        if label not in labels:
            raise ValidationFailed(
                _("line %(line)d, column label: “%(label)s” is not a known category.")
                % {"line": line, "label": label[:50]}
            )
        if not record["title"].strip() and not record["text"].strip():
            skipped += 1
            continue
        examples.append(Example(title=record["title"], text=record["text"], label=label))
    if not examples:
        raise ValidationFailed(_("The file holds no messages."))
    return Examples(examples, skipped)


@dataclass(frozen=True)
class PublicMessage:
    """A message from the public board, as the hot-spot file holds them."""

    id: str
    title: str
    text: str
    at: datetime
    user: str = ""
    likes: int = 0
    against: int = 0


def _count(value: str, *, line: int, column: str) -> int:
    if not value.strip():
        return 0
    try:
        number = int(value.strip())
    except ValueError:
        raise ValidationFailed(
            _("line %(line)d, column %(column)s: not a whole number.")
            % {"line": line, "column": column}
        ) from None
    return max(0, number)


TIME_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d")


def _time(value: str, *, line: int) -> datetime:
    for pattern in TIME_FORMATS:
        try:
            return datetime.strptime(value.strip(), pattern)  # noqa: DTZ007 - local, see below
        except ValueError:
            continue
    raise ValidationFailed(
        _("line %(line)d, column time: “%(value)s” is not a date and time.")
        % {"line": line, "value": value[:30]}
    )


def public_messages_read(lines: Iterable[str]) -> list[PublicMessage]:
    """The board's messages; times are the board's local (naive) times, kept as written."""
    reader = _reader(lines, HOTSPOT_COLUMNS)
    messages: list[PublicMessage] = []
    for line, record in _rows(reader):
        messages.append(
            PublicMessage(
                id=record["id"].strip(),
                title=record["title"],
                text=record["text"],
                at=_time(record["time"], line=line),
                user=record.get("user", "").strip(),
                likes=_count(record.get("likes", ""), line=line, column="likes"),
                against=_count(record.get("against", ""), line=line, column="against"),
            )
        )
    return messages


def parse_time(value: str) -> datetime | None:
    """A board time, or None when the field is empty or not a time (reply review)."""
    for pattern in TIME_FORMATS:
        try:
            return datetime.strptime(value.strip(), pattern)  # noqa: DTZ007 - board local time
        except ValueError:
            continue
    return None

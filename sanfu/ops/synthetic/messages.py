"""Request texts for synthetic cases: real citizens' messages, cleaned to fit a case.

The messages (see ../shared/data/README.md) are public free text: a row may hold NULs, control
and invisible format characters, runs of whitespace, absurdly long fields, broken UTF-8 or too
few columns. Each row is cleaned to what a case can hold; a row that still cannot make a case is
counted and skipped, never fatal.

Where the texts come from, first found wins: `--data-dir`, `$SANFU_SAMPLE_DATA`, the shared data
folder beside the repository (`<repo>/../shared/data`), and last the small sample shipped in
`sanfu/ops/data/sample_messages.csv.gz`, because a county's clone has no shared folder.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

from sanfu.cases.models import TEXT_MAX, TITLE_MAX
from sanfu.lib.env import env_str
from sanfu.lib.errors import ValidationFailed

REPLIED_FILE = "replied_messages.csv"
OTHER_FILES = ("unlabeled_messages.csv", "hotspot_messages.csv")
PACKAGED_SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample_messages.csv.gz"
# A title made from the text when the row has none: about one line on a phone.
DERIVED_TITLE = 30

# Control characters other than whitespace, and invisible format characters (zero-width
# spaces, bidi overrides, soft hyphens, byte-order marks) that would hide text from staff.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\ufeff\ufff9-\ufffb]"
)


@dataclass(frozen=True)
class Message:
    title: str
    text: str
    reply: str = ""


@dataclass
class Messages:
    """Messages with a real government reply, the others, and how many rows were skipped."""

    replied: list[Message] = field(default_factory=list)
    other: list[Message] = field(default_factory=list)
    skipped: int = 0
    source: str = ""


def clean_text(value: str | None, limit: int) -> str:
    """One line of visible text: invisible characters dropped, whitespace collapsed, cut."""
    if not value:
        return ""
    visible = _INVISIBLE.sub("", value)
    return " ".join(visible.split())[:limit].rstrip()


def clean_message(title: str | None, text: str | None, reply: str | None = "") -> Message | None:
    """The message as a case can hold it, or None if it has no text to file."""
    body = clean_text(text, TEXT_MAX)
    if not body:
        return None
    heading = clean_text(title, TITLE_MAX) or body[:DERIVED_TITLE]
    return Message(title=heading, text=body, reply=clean_text(reply, TEXT_MAX))


def data_dir_find(explicit: Path | None) -> Path | None:
    """The folder to read messages from, or None for the packaged sample."""
    if explicit is not None:
        if not explicit.is_dir():
            raise ValidationFailed(
                _("%(path)s is not a folder.") % {"path": explicit}, field="data_dir"
            )
        return explicit
    configured = env_str("SANFU_SAMPLE_DATA")
    if configured:
        return Path(configured)
    shared = Path(settings.BASE_DIR).parent.parent / "shared" / "data"
    return shared if (shared / REPLIED_FILE).is_file() else None


def messages_load(data_dir: Path | None) -> Messages:
    """Every usable message of the folder's files (or of the packaged sample)."""
    if data_dir is None:
        messages = _sample_load(PACKAGED_SAMPLE)
    else:
        messages = Messages(source=str(data_dir))
        _file_add(messages, data_dir / REPLIED_FILE, replied=True)
        for name in OTHER_FILES:
            _file_add(messages, data_dir / name, replied=False)
    if not messages.replied:
        raise ValidationFailed(
            _("No usable message with a reply in %(source)s.") % {"source": messages.source},
            field="data_dir",
        )
    if not messages.other:
        # Open cases then take their text from the replied messages, leaving the reply unused.
        messages.other = [Message(m.title, m.text) for m in messages.replied]
    return messages


def _file_add(messages: Messages, path: Path, *, replied: bool) -> None:
    if not path.is_file():
        return
    with _open(path) as handle:
        for row in _rows(handle):
            message = _message_of(row, replied=replied)
            if message is None:
                messages.skipped += 1
            elif replied:
                messages.replied.append(message)
            else:
                messages.other.append(message)


def _sample_load(path: Path) -> Messages:
    """The packaged sample: one file whose `kind` column says which pool a row belongs to."""
    messages = Messages(source=str(path))
    with _open(path) as handle:
        for row in _rows(handle):
            replied = row is not None and row.get("kind") == "replied"
            message = _message_of(row, replied=replied)
            if message is None:
                messages.skipped += 1
            else:
                (messages.replied if replied else messages.other).append(message)
    return messages


def _message_of(row: dict[str, str | None] | None, *, replied: bool) -> Message | None:
    if row is None:
        return None
    message = clean_message(row.get("title"), row.get("text"), row.get("reply") or "")
    if message is None or (replied and not message.reply):
        return None
    return message


def _open(path: Path) -> IO[str]:
    # Broken UTF-8 becomes U+FFFD rather than stopping the load; utf-8-sig drops a leading BOM.
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8-sig", errors="replace", newline="")
    return path.open(encoding="utf-8-sig", errors="replace", newline="")


def _rows(handle: Iterable[str]) -> Iterator[dict[str, str | None] | None]:
    """The file's records as dicts; None for a record the csv module cannot read.

    NULs are removed before parsing because the csv module refuses any line holding one. A
    record with a field over the csv module's size limit raises csv.Error; the reader starts
    afresh on the next record, so one bad record costs one row, not the file.
    """
    reader = csv.DictReader(line.replace("\0", "") for line in handle)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield None
            continue
        yield {key: value for key, value in row.items() if isinstance(key, str)}

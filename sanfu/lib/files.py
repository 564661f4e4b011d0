"""Checking uploaded files by what they contain, not by what they are called."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Protocol

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from sanfu.lib.errors import ValidationFailed

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# Leading bytes of the file types people attach to a request: photos and PDF documents.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)


def sniff_content_type(content: bytes) -> str | None:
    for signature, content_type in _SIGNATURES:
        if content.startswith(signature):
            return content_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_upload(name: str, content: bytes, *, field: str = "attachments") -> str:
    """The file's real content type, or ValidationFailed naming the form's `field`, the file and
    the problem."""
    if not content:
        raise ValidationFailed(_("%(name)s is empty.") % {"name": name}, field=field)
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationFailed(
            _("%(name)s is larger than %(limit)d MB.")
            % {"name": name, "limit": MAX_UPLOAD_BYTES // (1024 * 1024)},
            field=field,
        )
    content_type = sniff_content_type(content)
    if content_type is None:
        raise ValidationFailed(
            _("%(name)s is not a photo (JPEG, PNG, GIF, WebP) or a PDF.") % {"name": name},
            field=field,
        )
    return content_type


def check_photo(name: str, content: bytes, *, field: str = "photos") -> str:
    """As check_upload, but only a photo passes: a PDF is refused too."""
    content_type = check_upload(name, content, field=field)
    if not content_type.startswith("image/"):
        raise ValidationFailed(
            _("%(name)s is not a photo (JPEG, PNG, GIF, WebP).") % {"name": name}, field=field
        )
    return content_type


class StoredFile(Protocol):
    """An uploaded file's row: the file, its original name and its checked content type."""

    file: FieldFile
    name: str
    content_type: str


def file_response(attachment: StoredFile) -> FileResponse:
    """The stored file under its own name. Its path comes from the database, never from the
    request, and the storage refuses any path outside the media folder."""
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    # Photos open in the browser; anything else downloads.
    inline = attachment.content_type.startswith("image/")
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@contextmanager
def atomic_write(
    path: Path,
    *,
    binary: bool = False,
    permissions: int | None = None,
    newline: str | None = None,
) -> Iterator[IO[Any]]:
    """Write `path` whole or not at all: into a temporary file beside it, flushed to disk, then
    renamed over it. Readers see the old file or the new one, never half of one; a crash or an
    error leaves the old file and no temporary behind. Text is UTF-8."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if binary:
            out: IO[Any] = os.fdopen(handle, "wb")
        else:
            out = os.fdopen(handle, "w", encoding="utf-8", newline=newline)
        with out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        if permissions is not None:
            os.chmod(temporary, permissions)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

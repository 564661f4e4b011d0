"""Model files: where they live, how they are written, and which ones may be read.

A model is a NumPy `.npz` archive of plain arrays (vocabularies, weights) plus a JSON header,
read with `allow_pickle=False`: unlike a pickled scikit-learn object, a model file cannot run
code when it is loaded. Even so a file is only read from the data folder's `routing`
directory, only if it is a regular file (not a link) that this process's user owns and nobody
else may write: a model decides where citizens' requests go, so whoever can replace the file
can misroute them.

Writes go to a temporary file in the same directory, are flushed to disk and then renamed over
the old file, so a reader sees the old model or the new one, never half of one.
"""

from __future__ import annotations

import io
import json
import os
import stat
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings

from sanfu.lib.files import atomic_write

FORMAT = "sanfu-router"
FORMAT_VERSION = 1
MODEL_NAME = "router.npz"
HEADER_KEY = "header"


class UntrustedModel(Exception):
    """The path or the file may not be loaded as a model; the message says why."""


class ModelFormatError(Exception):
    """The file is not a router model of a format version this code reads."""


def model_dir() -> Path:
    return Path(settings.DATA_DIR) / "routing"


def default_model_path() -> Path:
    return model_dir() / MODEL_NAME


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def trusted_path(path: Path, *, for_writing: bool = False) -> Path:
    """`path` resolved, if it lies in the routing folder and (for reading) is a safe file.

    Raises UntrustedModel otherwise. The folder itself must not be a link or writable by
    others either, or the check on the file would mean nothing.
    """
    folder = model_dir()
    candidate = Path(os.path.abspath(path))
    if not _inside(candidate, Path(os.path.abspath(folder))):
        raise UntrustedModel(f"{path}: models are kept only in {folder}")
    if folder.is_symlink():
        raise UntrustedModel(f"{folder}: the model folder is a symbolic link")
    if candidate.is_symlink():
        raise UntrustedModel(f"{path}: a model file may not be a symbolic link")
    if for_writing:
        return candidate
    _check_owner(folder, directory=True)
    _check_owner(candidate, directory=False)
    return candidate


def _check_owner(path: Path, *, directory: bool) -> None:
    info = path.lstat()
    kind_ok = stat.S_ISDIR(info.st_mode) if directory else stat.S_ISREG(info.st_mode)
    if not kind_ok:
        raise UntrustedModel(f"{path}: not a regular {'folder' if directory else 'file'}")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise UntrustedModel(f"{path}: owned by another user")
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise UntrustedModel(f"{path}: others may write to it")


def write_model(
    path: Path, header: dict[str, Any], arrays: dict[str, np.ndarray[Any, Any]]
) -> Path:
    """Write atomically into the routing folder; returns the final path."""
    target = trusted_path(path, for_writing=True)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
    # Tighten a folder made by an older run or a permissive umask: see trusted_path.
    target.parent.chmod(target.parent.stat().st_mode & ~(stat.S_IWGRP | stat.S_IWOTH))
    full_header = {"format": FORMAT, "format_version": FORMAT_VERSION, **header}
    encoded = np.frombuffer(json.dumps(full_header, ensure_ascii=False).encode(), np.uint8)
    buffer = io.BytesIO()
    payload: dict[str, Any] = {HEADER_KEY: encoded, **arrays}
    np.savez_compressed(buffer, **payload)
    with atomic_write(target, binary=True, permissions=0o644) as out:
        out.write(buffer.getvalue())
    return target


def read_model(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray[Any, Any]]]:
    """The header and arrays of a trusted model file; raises UntrustedModel / ModelFormatError."""
    source = trusted_path(path)
    try:
        with np.load(source, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise ModelFormatError(f"{path}: not a model archive ({exc})") from exc
    raw = arrays.pop(HEADER_KEY, None)
    if raw is None:
        raise ModelFormatError(f"{path}: no header")
    try:
        header = json.loads(raw.tobytes().decode())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFormatError(f"{path}: unreadable header") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ModelFormatError(f"{path}: not a sanfu router model")
    if header.get("format_version") != FORMAT_VERSION:
        raise ModelFormatError(
            f"{path}: format version {header.get('format_version')!r}, this code reads "
            f"{FORMAT_VERSION}; train the model again"
        )
    return header, arrays

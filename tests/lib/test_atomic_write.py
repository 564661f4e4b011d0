"""A file is replaced whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanfu.lib.files import atomic_write


def test_it_replaces_the_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "model.json"
    with atomic_write(target) as out:
        out.write("第一版")
    with atomic_write(target, binary=True, permissions=0o600) as out:
        out.write("第二版".encode())
    assert target.read_text(encoding="utf-8") == "第二版"
    assert target.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["model.json"]


def test_an_error_while_writing_keeps_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "persons.csv"
    target.write_text("old", encoding="utf-8")

    def write_half() -> None:
        with atomic_write(target) as out:
            out.write("half of the new")
            raise RuntimeError("the disk is full")

    with pytest.raises(RuntimeError):
        write_half()
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["persons.csv"]

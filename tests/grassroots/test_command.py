"""`sanfu grassroots lists`: one unit's lists to xlsx or pdf, and the batch for all villages."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from sanfu.grassroots.printing import pdf_files
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree


def _run(*args: str) -> tuple[dict[str, object], str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("grassroots", *args, stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


def test_it_writes_one_units_lists_to_excel(
    tree: Tree, people: People, catalogue: Catalogue, tmp_path: Path
) -> None:
    web_case(tree, catalogue)
    target = tmp_path / "v.xlsx"
    result, _ = _run(
        "lists", "--unit", tree.village_a.code, "--format", "xlsx", "--output", str(target)
    )
    book = load_workbook(target)
    assert result["files"] == [str(target)]
    assert len(book.sheetnames) == 3


def test_the_batch_writes_every_village_and_shows_progress(
    tree: Tree, people: People, catalogue: Catalogue, tmp_path: Path
) -> None:
    result, progress = _run("lists", "--all", "--format", "xlsx", "--output-dir", str(tmp_path))
    assert result["units"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "lists-YX01001.xlsx",
        "lists-YX02001.xlsx",
    ]
    assert "[1/2]" in progress
    assert "[2/2]" in progress


def test_an_unknown_or_wrong_kind_of_unit_is_refused(tree: Tree, tmp_path: Path) -> None:
    for code in ["NOPE", tree.town_a.code]:
        with pytest.raises(CommandError, match="--unit"):
            _run("lists", "--unit", code, "--format", "xlsx", "--output", str(tmp_path / "x"))
    assert not list(tmp_path.iterdir())


def test_it_prints_a_pdf_in_chromium_with_the_qr_code(
    tree: Tree, people: People, catalogue: Catalogue, tmp_path: Path
) -> None:
    target = tmp_path / "v.pdf"
    _run(
        "lists",
        "--unit",
        tree.village_a.code,
        "--format",
        "pdf",
        "--output",
        str(target),
        "--base-url",
        "https://sanfu.example.gov.cn",
    )
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    # Three lists, each on its own A4 page.
    assert len(re.findall(rb"/Type\s*/Page(?!s)", data)) == 3
    assert b"/MediaBox [0 0 594.95996 841.91998]" in data or b"841.9" in data


def test_it_prints_a3_with_a_chinese_font(
    tree: Tree, people: People, catalogue: Catalogue, tmp_path: Path
) -> None:
    target = tmp_path / "v3.pdf"
    _run(
        "lists",
        "--unit",
        tree.village_a.code,
        "--format",
        "pdf",
        "--paper",
        "A3",
        "--output",
        str(target),
    )
    data = target.read_bytes()
    # A3 is 297 × 420 mm: 841.9 × 1190.6 points.
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data)
    assert boxes, data[:200]
    assert all(abs(float(h) - 1190.6) < 1 for _w, h in boxes), boxes
    # The Chinese is drawn in a CJK font that Chromium found on the machine (Noto CJK from
    # scripts/system-deps.sh); without one every character prints as a box. No PDF reader is
    # among the dependencies to extract the text, so the embedded font's name stands for it. Some
    # Chromium builds write /BaseFont inside a compressed stream; the descriptor's /FontName is
    # always in the clear.
    fonts = re.findall(rb"/(?:BaseFont|FontName)\s*/[A-Z]{6}\+([\w-]+)", data)
    assert any(re.search(rb"CJK|Hei|Song|WenQuanYi", name) for name in fonts), fonts


def test_the_pdf_batch_prints_every_village_and_names_each_in_its_progress(
    tree: Tree, people: People, catalogue: Catalogue, tmp_path: Path
) -> None:
    result, progress = _run("lists", "--all", "--format", "pdf", "--output-dir", str(tmp_path))
    assert result["units"] == 2
    for code in (tree.village_a.code, tree.village_b.code):
        assert (tmp_path / f"lists-{code}.pdf").read_bytes().startswith(b"%PDF")
        assert f"{code} " in progress
    assert "[2/2]" in progress


def test_a_printer_that_cannot_start_fails_the_batch(tmp_path: Path) -> None:
    documents = [(f"<p>{n}</p>", tmp_path / f"{n}.pdf") for n in range(6)]
    # Playwright's own error, raised on the caller's thread with the path it could not start.
    with pytest.raises(Exception, match="no-such-chromium"):
        pdf_files(documents, executable_path=str(tmp_path / "no-such-chromium"))
    assert not list(tmp_path.iterdir())

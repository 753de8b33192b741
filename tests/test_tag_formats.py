"""A plan scores the same whatever file it comes in: the OCR'd 2018 seed as text and as a PDF.

Real plans arrive as PDFs far more often than as text; this renders seed 000's own text into a
text-layer PDF (headings set larger, as in a real plan) and checks that ingest → tag gives the
plan the same matrix row as the text file does.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from compare.cli import main
from compare.matrix import matrix_cells
from compare.workspace import Workspace
from tests.conftest import SEED_PLAN_2018
from tests.ingest_samples import pdf_bytes

pytestmark = [pytest.mark.seeds, pytest.mark.slow]
FRAMEWORKS = ("ministermaal-2018", "rar-hovedstaden-2018")
NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+\S")


def _parts(text: str) -> list[tuple[str, str]]:
    """The text's paragraphs in reading order, numbered short ones as headings by depth."""
    parts = []
    for block in re.split(r"\n\s*\n", text):
        block = " ".join(line.strip() for line in block.splitlines() if line.strip())
        if not block:
            continue
        numbered = NUMBERED.match(block)
        if numbered and len(block) < 120:
            parts.append(("h1" if "." not in numbered.group(1) else "h2", block))
        else:
            parts.append(("p", block))
    return parts


def _levels(folder: Path, root: Path) -> dict[tuple[str, str], str]:
    result = CliRunner().invoke(main, ["tag", str(folder), "--workspace", str(root),
                                       *[a for fw in FRAMEWORKS for a in ("--framework", fw)]])
    assert result.exit_code == 0, result.output
    cells = matrix_cells(Workspace.open(root), list(FRAMEWORKS))
    assert set(cells["municipality"]) == {"København"} and set(cells["year"]) == {2018}
    return {(r["framework_id"], r["item_id"]): r["level"] for r in cells.iter_rows(named=True)}


def test_the_2018_plan_as_pdf_gets_the_same_row_as_the_text(seed, tmp_path: Path) -> None:
    source = seed(SEED_PLAN_2018)
    as_text, as_pdf = tmp_path / "txt", tmp_path / "pdf"
    as_text.mkdir()
    as_pdf.mkdir()
    (as_text / "plan.txt").write_bytes(source.read_bytes())
    (as_pdf / "bilag-3.pdf").write_bytes(pdf_bytes(_parts(source.read_text(encoding="utf-8"))))

    from_text = _levels(as_text, tmp_path / "ws-txt")
    from_pdf = _levels(as_pdf, tmp_path / "ws-pdf")
    assert len(from_text) == 21  # 5 goals + 16 themes
    differ = {cell: (from_text[cell], from_pdf.get(cell)) for cell in from_text
              if from_text[cell] != from_pdf.get(cell)}
    assert not differ, differ

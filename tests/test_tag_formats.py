"""A plan scores the same whatever file it comes in: the OCR'd 2018 seed as text, PDF, DOCX, HTML.

Real plans arrive as PDFs, Word files and web pages far more often than as text; this renders
seed 000's own text into each (headings as headings, as in a real plan) and checks that
ingest → tag gives the plan the same matrix row as the text file does.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from compare.cli import main
from compare.review.matrix import matrix_cells
from compare.store.workspace import Workspace
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


def _docx(parts: list[tuple[str, str]]) -> bytes:
    from docx import Document

    document = Document()
    for style, text in parts:
        if style == "p":
            document.add_paragraph(text)
        else:
            document.add_heading(text, level=1 if style == "h1" else 2)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _html(parts: list[tuple[str, str]]) -> bytes:
    tags = {"h1": "h1", "h2": "h2", "p": "p"}
    body = "\n".join(f"<{tags[s]}>{html.escape(t)}</{tags[s]}>" for s, t in parts)
    page = f"<html><head><meta charset='utf-8'><title>Plan</title></head><body>{body}</body></html>"
    return page.encode("utf-8")


RENDERERS: dict[str, Callable[[list[tuple[str, str]]], bytes]] = {
    "bilag-3.pdf": pdf_bytes,
    "bilag-3.docx": _docx,
    "bilag-3.html": _html,
}


def _levels(folder: Path, root: Path) -> dict[tuple[str, str], str]:
    result = CliRunner().invoke(
        main,
        [
            "tag",
            str(folder),
            "--workspace",
            str(root),
            *[a for fw in FRAMEWORKS for a in ("--framework", fw)],
        ],
    )
    assert result.exit_code == 0, result.output
    cells = matrix_cells(Workspace.open(root), list(FRAMEWORKS))
    assert set(cells["municipality"]) == {"København"} and set(cells["year"]) == {2018}
    return {(r["framework_id"], r["item_id"]): r["level"] for r in cells.iter_rows(named=True)}


@pytest.fixture(scope="module")
def from_text(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The text file's row: what every other format must reproduce (tagged once)."""
    folder = tmp_path_factory.mktemp("txt")
    (folder / "plan.txt").write_bytes((seeds_dir / SEED_PLAN_2018).read_bytes())
    levels = _levels(folder, folder.parent / "ws-txt")
    assert len(levels) == 21  # 5 goals + 16 themes
    return levels


# Known shortfall (issue 10, item 4): theme 15 ("Særlige initiativer") is X from the text file
# and (X) from the rendered files, whose numbered list items in section 4.7 ("1. Udsatte skal
# hjælpes ...") become headings and split the section's evidence. Goals and every other theme
# agree. strict: the test reports when the rows agree again.
KNOWN_DIFFERENCE = pytest.mark.xfail(
    strict=True, reason="theme 15 is X in the text, (X) in rendered files (see comment)"
)


@pytest.mark.parametrize("name", [pytest.param(n, marks=KNOWN_DIFFERENCE) for n in RENDERERS])
def test_the_2018_plan_in_another_format_gets_the_same_row_as_the_text(
    from_text: dict, seeds_dir: Path, tmp_path: Path, name: str
) -> None:
    folder = tmp_path / "other"
    folder.mkdir()
    parts = _parts((seeds_dir / SEED_PLAN_2018).read_text(encoding="utf-8"))
    (folder / name).write_bytes(RENDERERS[name](parts))
    from_other = _levels(folder, tmp_path / "ws-other")
    differ = {
        cell: (from_text[cell], from_other.get(cell))
        for cell in from_text
        if from_text[cell] != from_other.get(cell)
    }
    assert not differ, differ


@pytest.mark.parametrize("name", list(RENDERERS))
def test_the_rendered_plan_differs_from_the_text_at_most_on_theme_15(
    from_text: dict, seeds_dir: Path, tmp_path: Path, name: str
) -> None:
    """Goals, and whether each theme is addressed at all, are the same in every format."""
    folder = tmp_path / "other"
    folder.mkdir()
    parts = _parts((seeds_dir / SEED_PLAN_2018).read_text(encoding="utf-8"))
    (folder / name).write_bytes(RENDERERS[name](parts))
    from_other = _levels(folder, tmp_path / "ws-other")
    differ = {cell for cell in from_text if from_text[cell] != from_other.get(cell)}
    assert differ <= {("rar-hovedstaden-2018", "15")}, differ
    assert all((from_text[c] == "") == (from_other[c] == "") for c in differ)

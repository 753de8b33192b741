"""A plan reads and scores the same whatever file it comes in: text, Markdown, PDF, DOCX, HTML.

Real plans arrive as PDFs, Word files and web pages far more often than as text. The test renders
each OCR'd seed plan (København 2018 and 2022) into every format, with its headings set as headings
(by level: Word styles, `<h2>`, `##`, a larger font) as the plan's author would set them, and
checks that ingest → tag gives the same headings, the same units and the same matrix row as the
text file (and, from Word and HTML, the same passages). The rendered files also set the plan's
numbered list items as headings, as careless authors and converters do (`1. Udsatte skal hjælpes
ind på arbejdsmarkedet gennem en virksomhedsrettet indsats.` in the 2018 plan's section 4.7): every
reader must still read them as list items (`compare.ingest.headings`, module docstring).
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from compare.cli import main
from compare.ingest import parse_document, segment
from compare.ingest.headings import strip_bullet_sign
from compare.review.matrix import matrix_cells
from compare.store.workspace import Workspace
from compare.tagging.units import build_units, promote_inline_headings
from tests.conftest import SEED_PLAN_2018, SEED_PLAN_2022
from tests.format_samples import BULLET, PLAIN_HEADING, RENDERERS, Parts

pytestmark = [pytest.mark.seeds, pytest.mark.slow]
PLANS = {
    2018: (SEED_PLAN_2018, ("ministermaal-2018", "rar-hovedstaden-2018")),
    2022: (SEED_PLAN_2022, ("ministermaal-2022", "rar-hovedstaden-2018")),
}
ITEMS = 5 + 16  # 5 goals + 16 themes
# Word and HTML keep the text's paragraphs as they are. A PDF wraps them anew (a bullet the OCR
# broke over two paragraphs is one there), and Markdown reads the OCR's stray `|` and `o`
# (chart debris) as table and bullet marks: their passages differ in places, their headings not.
SAME_PASSAGES = {"plan.docx", "plan.html"}
# A list item numbered like a chapter (`1. Udsatte skal ...`).
LIST_ITEM = re.compile(r"^\d{1,2}\.\s+[A-ZÆØÅ]")


def _parts(text: str) -> Parts:
    """The plan's headings (with their levels), paragraphs and bullet items as the text reader
    finds them.

    Numbered list items get level 1, as if the author had styled the lists as chapters.
    """
    rows = segment("plan", parse_document(text.encode("utf-8"), "plan.txt"))
    lines = text.split("\n")
    parts: Parts = []
    for is_heading, level, display, line in rows.select(
        "is_heading", "level", "text", "line_start"
    ).iter_rows():
        if is_heading:
            parts.append((min(level, 6), display))
        elif LIST_ITEM.match(display):
            parts.append((1, display))
        elif strip_bullet_sign(lines[line - 1]) != lines[line - 1]:
            parts.append((BULLET, display))
        else:
            parts.append((0, display))
    return parts


def _tag(folder: Path, root: Path, year: int) -> Workspace:
    frameworks = PLANS[year][1]
    args = ["tag", str(folder), "--workspace", str(root)]
    result = CliRunner().invoke(main, [*args, *[a for f in frameworks for a in ("--framework", f)]])
    assert result.exit_code == 0, result.output
    return Workspace.open(root)


def _row(ws: Workspace, year: int) -> dict[tuple[str, str], str]:
    """The plan's matrix row: level per (framework, item)."""
    cells = matrix_cells(ws, list(PLANS[year][1]))
    assert set(cells["municipality"]) == {"København"} and set(cells["year"]) == {year}
    return {(r["framework_id"], r["item_id"]): r["level"] for r in cells.iter_rows(named=True)}


def _sections(ws: Workspace) -> list[tuple[int, str, str]]:
    """(level, heading, heading of its unit) of every heading as the tagger sees the plan."""
    segments = promote_inline_headings(ws.read_segments())
    (units,) = build_units(segments).values()
    heads = segments.filter(pl.col("is_heading")).select("section_no", "level", "text")
    text_of = {s: " ".join(t.split()) for s, _, t in heads.iter_rows()}
    return [
        (level, text_of[s], text_of.get(units.unit_of_section.get(s, 0), ""))
        for s, level, _ in heads.iter_rows()
    ]


def _read(
    seeds_dir: Path, folder: Path, name: str, year: int, plain_sub_headings: bool = False
) -> tuple[dict, list, list]:
    """Write the plan of `year` as `name` into `folder`, tag it; its row, sections, passages.

    With `plain_sub_headings`, headings below the chapters are set as body text
    (`PLAIN_HEADING`: numbered ones in `Normal`, the others bold).
    """
    folder.mkdir()
    text = (seeds_dir / PLANS[year][0]).read_text(encoding="utf-8")
    parts = _parts(text)
    if plain_sub_headings:
        parts = [(PLAIN_HEADING if level >= 2 else level, t) for level, t in parts]
    data = text.encode("utf-8") if name == "plan.txt" else RENDERERS[name](parts)
    (folder / name).write_bytes(data)
    ws = _tag(folder, folder.parent / f"ws-{folder.name}", year)
    return _row(ws, year), _sections(ws), ws.read_segments().sort("seg_no")["text"].to_list()


@pytest.fixture(scope="module", params=sorted(PLANS))
def from_text(
    request: pytest.FixtureRequest, seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[int, dict, list, list]:
    """The year and the text file's row, sections and passages: what other formats reproduce."""
    year = request.param
    read = _read(seeds_dir, tmp_path_factory.mktemp("txt") / "plan", "plan.txt", year)
    assert len(read[0]) == ITEMS
    return year, *read


@pytest.mark.parametrize("name", list(RENDERERS))
def test_the_plan_in_another_format_reads_and_scores_as_the_text(
    from_text: tuple[int, dict, list, list], seeds_dir: Path, tmp_path: Path, name: str
) -> None:
    year, text_row, text_sections, text_passages = from_text
    row, sections, passages = _read(seeds_dir, tmp_path / "other", name, year)
    differ = {
        cell: (text_row[cell], row.get(cell))
        for cell in text_row
        if text_row[cell] != row.get(cell)
    }
    assert not differ, differ
    # the same headings at the same levels, grouped into the same units
    assert sections == text_sections
    if name in SAME_PASSAGES:
        assert passages == text_passages


@pytest.mark.parametrize("name", ["plan.docx", "plan.html"])
def test_sub_headings_set_as_body_text_read_and_score_as_the_text(
    from_text: tuple[int, dict, list, list], seeds_dir: Path, tmp_path: Path, name: str
) -> None:
    # Chapters styled, sections and sub-headings set as body text (numbered or bold), as many
    # Word files and web pages are: the same headings, units and row as the text file.
    year, text_row, text_sections, _ = from_text
    row, sections, _ = _read(seeds_dir, tmp_path / "other", name, year, plain_sub_headings=True)
    assert row == text_row
    assert sections == text_sections


def test_the_rendered_files_set_list_items_as_headings(seeds_dir: Path) -> None:
    """The fixture holds what the readers must see through: list items styled as headings."""
    text = (seeds_dir / SEED_PLAN_2018).read_text(encoding="utf-8")
    styled = [t for level, t in _parts(text) if level == 1]
    assert any(t.startswith("1. Udsatte skal") for t in styled)
    docx = parse_document(RENDERERS["plan.docx"](_parts(text)), "plan.docx")
    paragraphs = [" ".join(b.text.split()) for b in docx.blocks if not b.is_heading]
    assert any(t.startswith("1. Udsatte skal") for t in paragraphs)

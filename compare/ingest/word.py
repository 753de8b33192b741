"""Read Word .docx files (python-docx): headings from styles, tables as one paragraph per row."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from compare.errors import UnreadableDocument, UnsafeArchive
from compare.ingest.headings import build_blocks, mark_headings
from compare.ingest.model import FORMAT_DOCX, Line, RawDocument
from compare.zipguard import check_archive

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# English and Danish names of Word's built-in heading styles (`Heading 2`, `Overskrift 2`).
_HEADING_STYLE = re.compile(r"^(?:heading|overskrift)\s*(\d)$", re.I)
_TITLE_STYLES = {"title", "titel"}


def _style_level(paragraph: Paragraph, styles: dict[str | None, int | None]) -> int | None:
    """The heading level a paragraph's style (or its outline level) gives it, else None."""
    p_pr = paragraph._p.pPr
    style_id = p_pr.pStyle.val if p_pr is not None and p_pr.pStyle is not None else None
    if style_id not in styles:
        name = paragraph.style.name if paragraph.style is not None else ""
        match = _HEADING_STYLE.match(name.strip())
        if match:
            styles[style_id] = int(match.group(1))
        elif name.strip().lower() in _TITLE_STYLES:
            styles[style_id] = 0
        else:
            styles[style_id] = None
    level = styles[style_id]
    if level is None and p_pr is not None:
        outline = p_pr.find(f"{_W}outlineLvl")
        if outline is not None:
            value = outline.get(f"{_W}val", "")
            if value.isdigit() and int(value) < 9:
                level = int(value) + 1
    return level


def _row_text(row_cells: list) -> str:
    """A table row as `cell | cell`; a merged cell (the same cell repeated) counts once."""
    cells: list[str] = []
    seen: set[int] = set()
    for cell in row_cells:
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        cells.append(" ".join(cell.text.split()))
    while cells and not cells[-1]:
        cells.pop()
    return " | ".join(cells)


def _style_bold(run: Run, styles: dict[str | None, bool | None]) -> bool | None:
    """Whether the run's character style sets bold, looked up once per style in a document.

    `run.style` looks a style up by scanning every style of the document (the default one,
    for a run without a style, scans them all), which took most of the time reading a file.
    """
    style_id = run._r.style
    if style_id not in styles:
        style = run.style
        styles[style_id] = style is not None and style.font.bold
    return styles[style_id]


def _all_bold(paragraph: Paragraph, styles: dict[str | None, bool | None]) -> bool:
    """True if every run with text is bold (directly or through its character style)."""
    runs = [run for run in paragraph.runs if run.text.strip()]
    return bool(runs) and all(run.bold or _style_bold(run, styles) for run in runs)


def _body_items(parent: Any) -> Iterator[Any]:
    """Paragraphs and tables in document order, including those inside content controls."""
    for child in parent.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag in ("p", "tbl"):
            yield child
        elif tag == "sdt":  # a content control (templates, tables of contents) wraps its content
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _body_items(content)


def read_docx(data: bytes, name: str) -> RawDocument:
    """Read a .docx: paragraphs and table rows in document order.

    Headings come from `Heading N`/`Overskrift N` styles (and `Title`); a document without any
    heading style gets headings from numbering and short lines, as plain text does. A styled
    heading that is a list item by the one rule of `compare.ingest.headings` (`1. Udsatte skal
    hjælpes ind på arbejdsmarkedet gennem en virksomhedsrettet indsats.`) is a paragraph.
    """
    try:
        check_archive(data, name)  # before python-docx inflates any part in memory
    except UnsafeArchive as err:
        raise UnreadableDocument(name, str(err).removeprefix(f"{name}: ")) from None
    document = Document(io.BytesIO(data))
    styles: dict[str | None, int | None] = {}
    bold_styles: dict[str | None, bool | None] = {}
    lines: list[Line] = []
    texts: list[str] = []
    title: str | None = None
    for child in _body_items(document.element.body):
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            text = paragraph.text.strip()
            if not text:
                continue
            level = _style_level(paragraph, styles)
            if level == 0:
                title = title or " ".join(text.split())
                level = 1
            lines.append(
                Line(
                    text,
                    len(texts) + 1,
                    line_end=len(texts) + text.count("\n") + 1,
                    gap_before=True,
                    heading_level=level,
                    standalone=True,
                    bold=_all_bold(paragraph, bold_styles),
                )
            )
            texts.extend(text.split("\n"))
        elif tag == "tbl":
            for row in Table(child, document).rows:
                text = _row_text(row.cells)
                if text.strip(" |"):
                    lines.append(Line(text, len(texts) + 1, gap_before=True, table=True))
                    texts.append(text)
    lines = mark_headings(lines)
    core_title = (document.core_properties.title or "").strip()
    return RawDocument(
        build_blocks(lines), None, FORMAT_DOCX, core_title or title, "\n".join(texts)
    )

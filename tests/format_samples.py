"""One plan rendered as each file format the tool reads: headings set as headings, by level.

`Parts` is a plan in reading order: (heading level, text), level 0 for a paragraph, -1 for a
page break and -2 for a bullet item. Headings become Word heading styles, `<hN>`, `#`-headings
and, in a PDF, a font size per level larger than the body text; bullet items become Word's
`List Bullet` paragraphs, `<li>`, `- ` items and `•` lines. `PLAIN_HEADING` parts are sub-headings
set as body text, as many Word files and web pages set them.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable

from tests.ingest_samples import DEJAVU

Parts = list[tuple[int, str]]
PAGE_BREAK = -1
BULLET = -2
# A sub-heading a styled file sets as body text (Word and HTML only): a `Normal` paragraph if
# it is numbered ("4.5 Unge i uddannelse"), a bold one if not ("Status").
PLAIN_HEADING = -3
NUMBERED = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s")
PDF_SIZES = {0: 10.5, 1: 17, 2: 14.5, 3: 12.5, 4: 12, 5: 12, 6: 12}


def text_file(parts: Parts) -> bytes:
    """Plain text: each part a paragraph of its own, page breaks as form feeds."""
    marks = {PAGE_BREAK: "\f", BULLET: "• "}
    out = [marks[level] + (t if level == BULLET else "") if level < 0 else t for level, t in parts]
    return "\n\n".join(out).encode("utf-8")


def pdf_file(parts: Parts) -> bytes:
    """A text-layer PDF (fpdf2, DejaVu so æ, ø and å survive), one font size per level."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("Body", "", str(DEJAVU))
    pdf.add_page()
    for level, text in parts:
        if level == PAGE_BREAK:
            pdf.add_page()
            continue
        size = PDF_SIZES[max(level, 0)]
        pdf.set_font("Body", size=size)
        pdf.multi_cell(0, size * 0.55, text=f"• {text}" if level == BULLET else text)
        pdf.ln(4)
    return bytes(pdf.output())


def docx_file(parts: Parts) -> bytes:
    """A Word file: headings with the built-in `Heading N` styles, paragraphs in `Normal`."""
    from docx import Document
    from docx.enum.text import WD_BREAK

    document = Document()
    for level, text in parts:
        if level == PAGE_BREAK:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif level == BULLET:
            document.add_paragraph(text, style="List Bullet")
        elif level == PLAIN_HEADING:
            document.add_paragraph().add_run(text).bold = not NUMBERED.match(text)
        elif level:
            document.add_heading(text, level=level)
        else:
            document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def html_file(parts: Parts) -> bytes:
    """An HTML page: `<hN>` headings and `<p>` paragraphs."""
    tags = {0: "<p>{}</p>", BULLET: "<ul><li>{}</li></ul>"}

    def tag(level: int, text: str) -> str:
        if level == PLAIN_HEADING:
            return "<p>{}</p>" if NUMBERED.match(text) else "<p><strong>{}</strong></p>"
        return tags.get(level, f"<h{level}>{{}}</h{level}>")

    body = "\n".join(
        tag(level, t).format(html.escape(t)) for level, t in parts if level != PAGE_BREAK
    )
    page = f"<html><head><meta charset='utf-8'><title>Plan</title></head><body>{body}</body></html>"
    return page.encode("utf-8")


def markdown_file(parts: Parts) -> bytes:
    """Markdown: `#`-headings, `- ` items; a paragraph opening with `#` or `|` is escaped."""
    lines = [
        f"{'#' * level} {t}"
        if level > 0
        else f"- {t}"
        if level == BULLET
        else re.sub(r"^([#|])", r"\\\1", t)
        for level, t in parts
        if level != PAGE_BREAK
    ]
    return "\n\n".join(lines).encode("utf-8")


# file name -> renderer; the name's suffix tells the reader the format
RENDERERS: dict[str, Callable[[Parts], bytes]] = {
    "plan.md": markdown_file,
    "plan.pdf": pdf_file,
    "plan.docx": docx_file,
    "plan.html": html_file,
}

"""One plan rendered as each file format the tool reads: headings set as headings, by level.

`Parts` is a plan in reading order: (heading level, text), level 0 for a paragraph and -1 for a
page break. Headings become Word heading styles, `<hN>`, `#`-headings and, in a PDF, a font
size per level larger than the body text.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable

from tests.ingest_samples import DEJAVU

Parts = list[tuple[int, str]]
PAGE_BREAK = -1
PDF_SIZES = {0: 10.5, 1: 17, 2: 14.5, 3: 12.5, 4: 12, 5: 12, 6: 12}


def text_file(parts: Parts) -> bytes:
    """Plain text: each part a paragraph of its own, page breaks as form feeds."""
    return "\n\n".join("\f" if level == PAGE_BREAK else t for level, t in parts).encode("utf-8")


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
        pdf.set_font("Body", size=PDF_SIZES[level])
        pdf.multi_cell(0, PDF_SIZES[level] * 0.55, text=text)
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
        elif level:
            document.add_heading(text, level=level)
        else:
            document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def html_file(parts: Parts) -> bytes:
    """An HTML page: `<hN>` headings and `<p>` paragraphs."""
    body = "\n".join(
        f"<h{level}>{html.escape(t)}</h{level}>" if level else f"<p>{html.escape(t)}</p>"
        for level, t in parts
        if level != PAGE_BREAK
    )
    page = f"<html><head><meta charset='utf-8'><title>Plan</title></head><body>{body}</body></html>"
    return page.encode("utf-8")


def markdown_file(parts: Parts) -> bytes:
    """Markdown: `#`-headings; a paragraph opening with `#` is escaped, as an editor does."""
    lines = [
        f"{'#' * level} {t}" if level else re.sub(r"^#", r"\\#", t)
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

"""Read HTML pages (beautifulsoup4): h1–h6 headings, paragraphs, list items and table rows."""

from __future__ import annotations

import warnings

from bs4 import BeautifulSoup, Comment, NavigableString, Tag, XMLParsedAsHTMLWarning

from compare.ingest.headings import build_blocks, mark_headings
from compare.ingest.model import FORMAT_HTML, Line, RawDocument

_SKIP = {
    "script",
    "style",
    "nav",
    "noscript",
    "template",
    "svg",
    "head",
    "iframe",
    "button",
    "form",
    "select",
}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCKS = {
    "p",
    "div",
    "li",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "aside",
    "ul",
    "ol",
    "dl",
    "figure",
    "figcaption",
    "caption",
    "address",
    "body",
    "html",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "details",
    "summary",
}


_BOLD = {"b", "strong"}


class _Walker:
    """Collects a page's text blocks in document order."""

    def __init__(self) -> None:
        # text, heading level, table row, all in bold
        self.blocks: list[tuple[str, int | None, bool, bool]] = []
        self.buffer: list[tuple[str, bool]] = []  # text pieces, each inside <b>/<strong> or not
        self.bold_depth = 0

    def flush(self) -> None:
        text = "".join(piece for piece, _ in self.buffer)
        # A paragraph set wholly in bold (`<p><b>Status</b></p>`) may be a sub-heading.
        bold = all(in_bold for piece, in_bold in self.buffer if piece.strip())
        self.buffer.clear()
        lines = [" ".join(line.split()) for line in text.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            self.blocks.append((text, None, False, bold))

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                self.buffer.append((str(child), self.bold_depth > 0))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name.lower()
            if name in _SKIP or child.get("hidden") is not None:
                continue
            if name in _HEADINGS:
                self.flush()
                text = " ".join(child.get_text(" ").split())
                if text:
                    self.blocks.append((text, _HEADINGS[name], False, False))
            elif name == "br":
                self.buffer.append(("\n", self.bold_depth > 0))
            elif name == "tr":
                self.flush()
                cells = [
                    " ".join(c.get_text(" ").split())
                    for c in child.find_all(["td", "th"], recursive=False)
                ]
                while cells and not cells[-1]:
                    cells.pop()
                if any(cells):
                    self.blocks.append((" | ".join(cells), None, True, False))
            elif name in _BLOCKS:
                self.flush()
                self.walk(child)
                self.flush()
            elif name in _BOLD:
                self.bold_depth += 1
                self.walk(child)
                self.bold_depth -= 1
            else:
                self.walk(child)


def read_html(data: bytes, name: str) -> RawDocument:
    """Read an HTML page; navigation, scripts and styles are left out.

    A page without h1–h6 gets headings from numbering and short lines, as plain text does. An
    `<hN>` that is a list item by the one rule of `compare.ingest.headings` (a numbered sentence,
    or numbered lines counting on: `<h1>1. Alle ledige ...</h1><h1>2. Flere ledige ...</h1>`)
    is a paragraph.

    The encoding comes from the page itself (BOM or `<meta charset>`), else it is detected.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(data, "html.parser")
    title_tag = soup.find("title")
    walker = _Walker()
    walker.walk(soup.body if soup.body is not None else soup)
    walker.flush()
    lines: list[Line] = []
    line_no = 1
    texts: list[str] = []
    for text, level, table, bold in walker.blocks:
        span = text.count("\n")
        lines.append(
            Line(
                text,
                line_no,
                line_end=line_no + span,
                gap_before=True,
                heading_level=level,
                table=table,
                standalone=True,
                bold=bold,
            )
        )
        texts.append(text)
        line_no += span + 1
    lines = mark_headings(lines)
    title = " ".join(title_tag.get_text(" ").split()) if title_tag is not None else ""
    if not title:
        title = next((text for text, level, *_ in walker.blocks if level == 1), "")
    return RawDocument(build_blocks(lines), None, FORMAT_HTML, title or None, "\n".join(texts))

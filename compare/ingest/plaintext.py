"""Readers for plain text (including OCR output) and Markdown."""

from __future__ import annotations

import html
import re

from compare.ingest.headings import build_blocks, is_bullet, mark_headings
from compare.ingest.model import FORMAT_MD, FORMAT_TXT, Line, RawDocument

_TAG = re.compile(r"<[^<>]{1,200}>")
_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_EMPTY_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,2}[.)])\s*$")  # a list marker with nothing after it
_INLINE_HTML = re.compile(
    r"</?(?:p|u|ul|ol|li|br|b|i|em|strong|span|div|sup|sub)\b[^<>]{0,200}>", re.I
)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\3(?![\w*])")


def split_lines(text: str) -> list[tuple[str, int | None]]:
    """The lines of a text with their page: form feeds start a new page, if there are any."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\f" not in text:
        return [(line, None) for line in text.split("\n")]
    out: list[tuple[str, int | None]] = []
    for page_no, page in enumerate(text.split("\f"), start=1):
        if out:
            # the form feed sits inside a line; keep line numbering as an editor shows it
            last, _ = out.pop()
            first, *rest = page.split("\n")
            out.append((last, page_no - 1))
            out.append((first, page_no))
            out.extend((line, page_no) for line in rest)
        else:
            out.extend((line, page_no) for line in page.split("\n"))
    return out


def _table_row(line: str) -> str:
    """A tab-separated row as `cell | cell`, with inline HTML (seen in exported tables) removed."""
    cells = [html.unescape(_TAG.sub(" ", cell)).strip() for cell in line.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    return " | ".join(cells)


def text_lines(text: str) -> tuple[list[Line], int | None]:
    """Located, non-blank lines of a plain text and its page count (None without form feeds)."""
    raw = split_lines(text)
    lines: list[Line] = []
    gap = True
    for line_no, (content, page) in enumerate(raw, start=1):
        stripped = content.strip()
        if not stripped:
            gap = True
            continue
        if "\t" in stripped or (content.endswith("\t") and len(stripped) < 80):
            lines.append(Line(_table_row(content), line_no, page=page, gap_before=gap, table=True))
        else:
            if "<" in stripped:  # exported tables sometimes carry their cells' HTML
                stripped = " ".join(html.unescape(_INLINE_HTML.sub(" ", stripped)).split())
            # (text, line_no, line_end, page, gap_before): positional, as keywords cost more
            lines.append(Line(stripped, line_no, 0, page, gap))
        gap = False
    pages = max((p for _, p in raw if p is not None), default=None) if "\f" in text else None
    return lines, pages


def read_text(text: str) -> RawDocument:
    """Read plain or OCR'd text; headings are found from numbering and short standalone lines.

    The rules are in `compare.ingest.headings`; the list-item rule there is the one every
    format shares.
    """
    lines, pages = text_lines(text)
    blocks = build_blocks(mark_headings(lines))
    return RawDocument(blocks, pages, FORMAT_TXT, None, text)


def strip_inline_markdown(text: str) -> str:
    """Markdown inline markup removed: emphasis, links (their text kept), code ticks, escapes."""
    # Each pattern runs only where its opening character is: most lines have no markup at all.
    if "[" in text:
        text = _LINK.sub(r"\1", text)
    for _ in range(2):  # nested emphasis: ***x***
        if "*" not in text and "_" not in text:
            break
        text = _EMPHASIS.sub(lambda m: m.group(2) or m.group(4) or "", text)
    text = text.replace("`", "")
    if "\\" not in text:
        return text
    return _ESCAPE.sub(r"\1", text)


def read_markdown(text: str) -> RawDocument:
    """Read Markdown: `#` and underlined headings, paragraphs, list items and table rows.

    A `#`-heading that is a list item by the one rule of `compare.ingest.headings`
    (`# 1. Udsatte skal hjælpes ind på arbejdsmarkedet gennem en virksomhedsrettet indsats.`)
    is a paragraph, as the same line is in plain text.
    """
    raw = split_lines(text)
    lines: list[Line] = []
    gap = True
    in_fence = False
    for index, (content, page) in enumerate(raw):
        line_no = index + 1
        stripped = content.strip()
        if _FENCE.match(content):
            in_fence = not in_fence
            gap = True
            continue
        if in_fence:
            if stripped:
                lines.append(Line(content.rstrip(), line_no, page=page, standalone=True))
            continue
        if not stripped:
            gap = True
            continue
        atx = _ATX.match(content)
        if atx and atx.group(2).strip("#*_ "):
            level = len(atx.group(1))
            heading = strip_inline_markdown(atx.group(2)).strip(" *_")
            lines.append(Line(heading, line_no, page=page, gap_before=True, heading_level=level))
            gap = True
            continue
        if _EMPTY_ITEM.match(content):
            continue
        previous = lines[-1] if lines else None
        if (
            _SETEXT.match(content)
            and previous is not None
            and previous.line_no == line_no - 1
            and previous.heading_level is None
            and not previous.table
            and not is_bullet(previous.text)
        ):
            previous.heading_level = 1 if stripped.startswith("=") else 2
            gap = True
            continue
        if stripped.startswith("|") or (stripped.count("|") >= 2 and "\t" not in stripped):
            if not _TABLE_RULE.match(stripped):
                cells = [strip_inline_markdown(c).strip() for c in stripped.strip("|").split("|")]
                lines.append(
                    Line(" | ".join(cells), line_no, page=page, gap_before=gap, table=True)
                )
            gap = False
            continue
        if "\t" in stripped:
            lines.append(Line(_table_row(content), line_no, page=page, gap_before=gap, table=True))
        else:
            lines.append(Line(strip_inline_markdown(stripped), line_no, page=page, gap_before=gap))
        gap = False
    title = next((line.text for line in lines if line.heading_level == 1), None)
    if title is None:
        title = next((line.text for line in lines if line.heading_level is not None), None)
    pages = max((p for _, p in raw if p is not None), default=None)
    return RawDocument(build_blocks(lines), pages, FORMAT_MD, title, text)

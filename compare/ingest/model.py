"""What a reader returns: located lines in, headings and paragraphs (blocks) out."""

from __future__ import annotations

from dataclasses import dataclass, field

# Formats, as stored in DOCUMENTS.format.
FORMAT_PDF = "pdf"
FORMAT_DOCX = "docx"
FORMAT_HTML = "html"
FORMAT_MD = "md"
FORMAT_TXT = "txt"

# Suffixes a folder is searched for; any other file in a folder is left alone.
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {".pdf", ".docx", ".html", ".htm", ".md", ".markdown", ".txt", ".text"}
)

DEFAULT_MAX_BYTES = 100 * 1024 * 1024  # larger files are refused before they are read


@dataclass(slots=True)
class Line:
    """One non-blank line of extracted text and what the reader knows about it.

    `gap_before` says a blank line, a vertical gap or a page start separates it from the line
    before. Structured formats (DOCX, HTML, Markdown) set `heading_level` on their headings and
    `standalone` on lines that are whole paragraphs already; DOCX and HTML set `bold` on a
    paragraph set wholly in bold, which a file with heading styles may use for sub-headings.
    """

    text: str
    line_no: int  # 1-based line in the extracted text
    line_end: int = 0  # last line, for headings merged from wrapped lines (0: same as line_no)
    page: int | None = None
    gap_before: bool = False
    size: float | None = None  # font size at the line's start (PDF only)
    heading_level: int | None = None
    table: bool = False  # a table row: its own paragraph, never a heading
    standalone: bool = False  # a whole paragraph: never joined with its neighbours
    bold: bool = False  # all of it set in bold (DOCX runs, HTML <b>/<strong>)

    def __post_init__(self) -> None:
        if self.line_end < self.line_no:
            self.line_end = self.line_no


@dataclass(frozen=True, slots=True)
class Block:
    """A heading or a paragraph, with where it is in the original."""

    text: str  # as extracted (line breaks kept); segment() cleans it for display
    is_heading: bool
    level: int  # heading level, 1 = top; 0 for paragraphs
    page: int | None
    line_start: int
    line_end: int


@dataclass(frozen=True)
class RawDocument:
    """A document's extracted text as blocks, plus what the format says about it."""

    blocks: list[Block]
    pages: int | None  # None where the format has no pages
    format: str
    title: str | None = None  # from the file's own metadata or title heading, if any
    text: str = field(default="", repr=False)  # the full extracted text the line numbers count in

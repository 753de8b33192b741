"""Read PDFs with a text layer (pypdfium2): lines with page, font size and vertical gaps."""

from __future__ import annotations

import ctypes
import statistics
import threading

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from compare.errors import UnreadableDocument
from compare.ingest.headings import build_blocks, mark_headings
from compare.ingest.model import FORMAT_PDF, Line, RawDocument

GAP_RATIO = 1.45  # a line this much further below than the usual line pitch starts a paragraph
MIN_TEXT_CHARS = 20  # fewer letters than this in the whole file: it is a scan without OCR
# PDFium is not thread-safe, and the app may read two uploads at once: one PDF at a time.
_PDFIUM_LOCK = threading.Lock()


Row = tuple[str, float | None, float | None]  # text, baseline y, font size


def _open(data: bytes, name: str) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        if err.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise UnreadableDocument(
                name, "encrypted PDF (password-protected); save an unprotected copy first"
            ) from None
        raise UnreadableDocument(name, "corrupt PDF; it cannot be opened") from None


def _page_lines(textpage: pdfium.PdfTextPage) -> list[Row]:
    """(text, baseline y, font size) of each line of a page, blank lines as ("", None, None)."""
    text = textpage.get_text_range()
    raw = textpage.raw
    x, y = ctypes.c_double(), ctypes.c_double()
    out: list[tuple[str, float | None, float | None]] = []
    offset = 0
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if stripped:
            first = offset + (len(line) - len(line.lstrip()))
            size = pdfium_c.FPDFText_GetFontSize(raw, first)
            ok = pdfium_c.FPDFText_GetCharOrigin(raw, first, ctypes.byref(x), ctypes.byref(y))
            out.append((stripped, y.value if ok else None, size or None))
        else:
            out.append(("", None, None))
        # get_text_range returns "\r\n" between lines; both are characters of the text page
        offset += len(line) + 2
    return out


def _pairs(page: list[Row]) -> list[tuple[float, float | None, float | None]]:
    """(pitch, font size, font size of the line above) for each text line below another."""
    out = []
    previous: tuple[float, float | None] | None = None
    for text, y, size in page:
        if text and y is not None:
            if previous is not None and previous[0] - y > 0:
                out.append((previous[0] - y, size, previous[1]))
            previous = (y, size)
    return out


def _line_pitch(pages: list[list[Row]]) -> tuple[float | None, bool]:
    """The document's usual line pitch inside a paragraph, per point of font size if it can.

    Measured over the whole document, between lines of the same size: on a page of one-line
    paragraphs and bullets most pitches are paragraph gaps, over a plan most are not. The
    second value says whether the pitch is per point of font size (else in points).
    """
    pairs = [pair for page in pages for pair in _pairs(page)]
    ratios = [pitch / size for pitch, size, above in pairs if size and size == above]
    if ratios:
        return statistics.median(ratios), True
    pitches = [pitch for pitch, _, _ in pairs]
    return (statistics.median(pitches) if pitches else None), False


def _gaps(page: list[Row], pitch: float | None, per_size: bool) -> list[bool]:
    """For each line, whether a vertical gap (or a change of font size) comes before it.

    The usual pitch (`_line_pitch`) grows with the font size, so a heading set large and
    wrapped over two lines stays one heading.
    """
    gaps: list[bool] = []
    prev_y: float | None = None
    prev_size: float | None = None
    blank = True
    for text, y, size in page:
        if not text:
            blank = True
            gaps.append(True)
            continue
        unit = (size or prev_size) if per_size else 1.0
        usual = pitch * unit if pitch is not None and unit else None
        gap = blank or prev_y is None or y is None or usual is None
        if not gap and prev_y is not None and y is not None and usual is not None:
            between = prev_y - y
            gap = between <= 0 or between > GAP_RATIO * usual
        if not gap and size and prev_size and abs(size - prev_size) > 0.1 * prev_size:
            gap = True
        gaps.append(gap)
        prev_y, prev_size, blank = y, size, False
    return gaps


def read_pdf(data: bytes, name: str) -> RawDocument:
    """Read a PDF's text layer page by page; headings come from font size or numbering.

    Lines set larger than the body text are headings, a numbered one at the level its number
    gives (`41 QOverordnet status` after `4 Status og indsatser` is 4.1, as in text); a large
    line that is a list item by the one rule of `compare.ingest.headings` is a paragraph.

    Raises UnreadableDocument for corrupt, encrypted, empty and image-only PDFs.
    """
    with _PDFIUM_LOCK:
        lines, page_count, text, title = _extract(data, name)
    blocks = build_blocks(mark_headings(lines))
    return RawDocument(blocks, page_count, FORMAT_PDF, title, text)


def _extract(data: bytes, name: str) -> tuple[list[Line], int, str, str | None]:
    """Lines with page, size and gaps, the page count, the text and the metadata title."""
    document = _open(data, name)
    try:
        page_count = len(document)
        if page_count == 0:
            raise UnreadableDocument(name, "the PDF has no pages")
        pages: list[list[Row]] = []
        for index in range(page_count):
            page = document[index]
            textpage = page.get_textpage()
            try:
                pages.append(_page_lines(textpage))
            finally:
                textpage.close()
                page.close()
        pitch, per_size = _line_pitch(pages)
        lines: list[Line] = []
        texts: list[str] = []
        line_no = 0
        letters = 0
        for index, rows in enumerate(pages):
            gaps = _gaps(rows, pitch, per_size)
            page_lines = [text for text, _, _ in rows]
            # a lone number first or last on a page is a page number, not text
            content = [i for i, (text, _, _) in enumerate(rows) if text]
            drop = {
                i
                for i in (content[:1] + content[-1:])
                if rows[i][0].isdigit() and len(rows[i][0]) <= 4
            }
            for i, (text, _, size) in enumerate(rows):
                if text and i not in drop:
                    if letters < MIN_TEXT_CHARS:  # counting stops once there is text enough
                        letters += sum(ch.isalpha() for ch in text)
                    # (text, line_no, line_end, page, gap_before, size): positional, as
                    # keywords cost more
                    gap = gaps[i] or i == content[0]
                    lines.append(Line(text, line_no + i + 1, 0, index + 1, gap, size))
            line_no += len(page_lines)
            texts.append("\n".join(page_lines))
        if letters < MIN_TEXT_CHARS:
            raise UnreadableDocument(name, "no text layer; OCR it first")
        title = (document.get_metadata_dict().get("Title") or "").strip() or None
    finally:
        document.close()
    return lines, page_count, "\n".join(texts), title

"""Tell a file's real format from its first bytes, and decode text in whatever encoding it has.

Real files are misnamed (a PDF saved as `.txt`, a Word file as `.pdf`), so the content decides
where it cheaply can; the extension decides the rest.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath

from charset_normalizer import from_bytes

from compare.errors import UnreadableDocument
from compare.ingest.model import (
    FORMAT_DOCX,
    FORMAT_HTML,
    FORMAT_MD,
    FORMAT_PDF,
    FORMAT_TXT,
)

_SUFFIX_FORMATS = {
    ".pdf": FORMAT_PDF,
    ".docx": FORMAT_DOCX,
    ".html": FORMAT_HTML,
    ".htm": FORMAT_HTML,
    ".md": FORMAT_MD,
    ".markdown": FORMAT_MD,
    ".txt": FORMAT_TXT,
    ".text": FORMAT_TXT,
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc, and password-protected Office files
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S)
_ATX_HEADING = re.compile(r"^#{1,6}[ \t]+\S", re.M)
# Encodings a Danish document that is not UTF-8 is realistically in.
_WESTERN = ["cp1252", "latin_1", "iso8859_15", "cp850", "mac_roman"]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")  # C0 and C1 controls, not \t \n \f \r


def sniff_format(data: bytes, name: str) -> str:
    """The format to read `data` as: from its content where that is certain, else its suffix.

    Raises UnreadableDocument for content no reader handles (old .doc, other ZIP files, a
    `.pdf` that is not a PDF) and for unsupported suffixes.
    """
    suffix = PurePath(name).suffix.lower()
    head = data[:1024]
    if b"%PDF-" in head:
        return FORMAT_PDF
    if data.startswith(b"PK\x03\x04"):
        if _is_docx(data):
            return FORMAT_DOCX
        raise UnreadableDocument(
            name,
            "a ZIP archive but not a Word .docx document "
            "(spreadsheets and other Office files are not supported)",
        )
    if data.startswith(_OLE_MAGIC):
        raise UnreadableDocument(
            name,
            "an old Word .doc file or a password-protected Office file; "
            "save it as an unprotected .docx or PDF first",
        )
    fmt = _SUFFIX_FORMATS.get(suffix)
    if fmt == FORMAT_PDF:
        raise UnreadableDocument(name, "not a PDF file (corrupt, or the extension is wrong)")
    if fmt == FORMAT_DOCX:
        raise UnreadableDocument(name, "not a Word .docx file (corrupt, or the extension is wrong)")
    if fmt is None:
        shown = f"'{suffix}'" if suffix else "(no extension)"
        raise UnreadableDocument(
            name, f"unsupported file type {shown}; use PDF, DOCX, HTML, Markdown or plain text"
        )
    if fmt == FORMAT_TXT and _HTML_START.match(head):
        return FORMAT_HTML
    return fmt


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def looks_like_markdown(text: str) -> bool:
    """True for text with at least two `#` headings: Markdown saved under a `.txt` name."""
    if "#" not in text[:200_000]:  # no heading can match: no line-by-line regex pass
        return False
    return len(_ATX_HEADING.findall(text, 0, 200_000)) >= 2


# æ/ø/å where Danish words have them: lower-case, beside a letter (`på`, `år`). Another code
# page's reading of cp1252's typographic quotes and dashes is no such letter: `AC’ere` read as
# `ACÆere`, `’karriere’` as `ÆkarriereÆ`, `—` as `ó`. (Capitals are not counted: those readings
# make capitals at word starts.)
_DANISH_IN_WORDS = re.compile(r"(?<=[a-zæøåéü])[æøå]|[æøå](?=[a-zæøåéü])")
# Typographic quotes, dashes and ellipses where typeset text has them: an opening quote before
# a word, a closing one after it, an apostrophe inside one, a dash between spaces or numbers.
# Only cp1252 (of the candidates) has these; in other code pages the same bytes are letters.
_TYPOGRAPHY = re.compile(
    r"(?<![^\s(\[/-])[‘“„](?=\w)"
    r"|(?<=[\w.,!?])[’”](?=[\s.,;:!?)\]/-]|$)"
    r"|(?<=[A-Za-z])’(?=[a-z])"
    r"|(?<=\s)[–—](?=\s)|(?<=\d)–(?=\d)"
    r"|(?<=\w)…",
    re.M,
)


def _plausibility(text: str) -> int:
    """How Danish-typeset a reading of 8-bit text looks: æ/ø/å in words, typography in place."""
    return len(_DANISH_IN_WORDS.findall(text)) + len(_TYPOGRAPHY.findall(text))


def _decode_8bit(data: bytes, name: str) -> str:
    """Decode non-UTF-8 text: Windows-1252 unless another code page reads more æ/ø/å in words.

    Windows-1252 is by far the most common code page for Danish files. charset-normalizer's
    pick for a text without æ/ø/å but with typographic quotes and dashes is often another one
    (’ read as Æ, — as ù), and for a short DOS (cp850) text often cp1252: so every code page
    it finds plausible is read, and one other than cp1252 wins only when it reads more like
    Danish typeset text (æ/ø/å inside words, quotes and dashes where they belong).
    """
    readings = []
    try:
        readings.append(data.decode("cp1252"))
    except UnicodeDecodeError:  # bytes cp1252 leaves undefined (0x81, 0x8d, 0x8f, 0x90, 0x9d)
        pass
    readings.extend(str(match) for match in from_bytes(data, cp_isolation=_WESTERN))
    if not readings:
        raise UnreadableDocument(name, "not a text file (no known text encoding fits)")
    return max(readings, key=_plausibility)  # the first of equals: cp1252 when it fits


def _utf16_byte_order(sample: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" for UTF-16 text without a byte-order mark, else None.

    Text in Latin script has a zero high byte in nearly every code unit: zeros at odd offsets
    (little-endian) or at even ones (big-endian), and hardly any on the other side.
    """
    units = len(sample) // 2
    if units < 4:
        return None
    odd = sample[1 : 2 * units : 2].count(0) / units
    even = sample[0 : 2 * units : 2].count(0) / units
    if odd > 0.5 and even < 0.05:
        return "utf-16-le"
    if even > 0.5 and odd < 0.05:
        return "utf-16-be"
    return None


def decode_text(data: bytes, name: str) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 (with or without BOM), else a
    Western 8-bit code page.

    Raises UnreadableDocument when the bytes are not text at all (a binary file named `.txt`).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    sample = data[:65536]
    if b"\x00" in sample:
        byte_order = _utf16_byte_order(sample)
        if byte_order is None:
            raise UnreadableDocument(name, "not a text file (binary content)")
        try:
            text = data[: len(data) - len(data) % 2].decode(byte_order)
        except UnicodeDecodeError:
            raise UnreadableDocument(
                name,
                f"looks like {byte_order.upper()} text without a byte-order mark, but "
                "does not decode as it; save it as UTF-8",
            ) from None
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode_8bit(data, name)
    if len(_CONTROL.findall(text[:65536])) > 0.01 * min(len(text), 65536) + 2:
        raise UnreadableDocument(name, "not a text file (binary content)")
    return text

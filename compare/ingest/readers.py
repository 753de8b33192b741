"""Turn a file (or an upload's bytes) into a RawDocument, whatever its format."""

from __future__ import annotations

from pathlib import Path

from compare.errors import UnreadableDocument
from compare.ingest.model import (
    DEFAULT_MAX_BYTES,
    FORMAT_DOCX,
    FORMAT_HTML,
    FORMAT_MD,
    FORMAT_PDF,
    RawDocument,
)
from compare.ingest.plaintext import read_markdown, read_text
from compare.ingest.sniff import decode_text, looks_like_markdown, sniff_format


def _megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def check_size(size: int, name: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Refuse an empty file or one over the limit before anything is read."""
    if size == 0:
        raise UnreadableDocument(name, "empty file (0 bytes)")
    if size > max_bytes:
        raise UnreadableDocument(
            name,
            f"too large ({_megabytes(size)} > limit {_megabytes(max_bytes)}); "
            "split it or raise the limit",
        )


def load_bytes(path: Path | str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """A file's bytes, after checking it exists, is a file and is within the size limit."""
    path = Path(path)
    try:
        if path.is_dir():
            raise UnreadableDocument(path, "is a folder, not a file")
        check_size(path.stat().st_size, path, max_bytes)
        return path.read_bytes()
    except FileNotFoundError:
        raise UnreadableDocument(path, "file not found") from None
    except PermissionError:
        raise UnreadableDocument(path, "permission denied; check who may read the file") from None
    except OSError as err:
        raise UnreadableDocument(path, f"cannot be read ({err.strerror or err})") from None


def parse_document(data: bytes, name: str) -> RawDocument:
    """Read a document from its bytes; `name` only gives the extension and the error messages.

    Raises UnreadableDocument with one clear reason when the bytes cannot become text.
    """
    if not data:
        raise UnreadableDocument(name, "empty file (0 bytes)")
    fmt = sniff_format(data, name)
    # Each format's library loads only when a file of that format comes (pypdfium2,
    # python-docx, BeautifulSoup): commands that read no document do not pay for them.
    try:
        if fmt == FORMAT_PDF:
            from compare.ingest.pdf import read_pdf

            raw = read_pdf(data, name)
        elif fmt == FORMAT_DOCX:
            from compare.ingest.word import read_docx

            raw = read_docx(data, name)
        elif fmt == FORMAT_HTML:
            from compare.ingest.web import read_html

            raw = read_html(data, name)
        else:
            text = decode_text(data, name)
            if fmt == FORMAT_MD or looks_like_markdown(text):
                raw = read_markdown(text)
            else:
                raw = read_text(text)
    except UnreadableDocument:
        raise
    except (MemoryError, RecursionError):
        raise UnreadableDocument(name, f"too complex to read as {fmt.upper()}") from None
    except Exception as err:  # a reader library choking on a malformed file
        detail = " ".join(str(err).split())[:120]
        raise UnreadableDocument(
            name, f"corrupt or malformed {fmt.upper()} file ({type(err).__name__}: {detail})"
        ) from None
    if not any(block.text.strip() for block in raw.blocks):
        raise UnreadableDocument(name, "no text found in the document")
    return raw


def read_document(path: Path | str, max_bytes: int = DEFAULT_MAX_BYTES) -> RawDocument:
    """Read one file into blocks (headings and paragraphs with page and line range).

    The content decides the format where it can (a PDF named `.txt` is read as a PDF);
    `max_bytes` limits the file size (default 100 MB). Raises UnreadableDocument.
    """
    path = Path(path)
    return parse_document(load_bytes(path, max_bytes), path.name)

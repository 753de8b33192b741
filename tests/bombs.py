"""Zip bombs for the guard's tests and benchmark: real DOCX/XLSX files with one part padded.

Padding is whitespace between XML elements (or empty rows of a sheet), so each file is valid
and would be read in full by python-docx or openpyxl without the guard; deflate shrinks it
about a thousandfold. Parts are written in chunks, so building a 1 GB bomb needs little memory.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

from docx import Document

CHUNK = 1 << 20


def docx_bytes() -> bytes:
    """A small, ordinary DOCX with a heading and a paragraph."""
    document = Document()
    document.add_heading("Beskæftigelsesplan 2018", level=1)
    document.add_paragraph("Flere i job. Albertslund Kommune.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pad_part(data: bytes, part: str, before: bytes, padding: bytes, size: int) -> bytes:
    """The zip `data` with `size` bytes of `padding` inserted in `part` just before `before`."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename != part:
                target.writestr(entry, content)
                continue
            head, tail = content.split(before, 1)
            with target.open(part, "w", force_zip64=size > 1 << 31) as stream:
                stream.write(head)
                block = padding * (CHUNK // len(padding))
                written = 0
                while written < size:
                    piece = block[: size - written]
                    stream.write(piece)
                    written += len(piece)
                stream.write(before + tail)
    return out.getvalue()


def docx_bomb(size: int) -> bytes:
    """A DOCX whose word/document.xml inflates by `size` bytes of whitespace."""
    return pad_part(docx_bytes(), "word/document.xml", b"</w:body>", b" ", size)


def xlsx_bomb(workbook: bytes, part: str, size: int) -> bytes:
    """An XLSX whose sheet `part` gets `size` bytes of extra cells after its rows.

    Rows without numbers follow the last one; each holds a run of small cells.
    """
    cells = b"<c><v>1</v></c>" * 64
    row = b"<row>" + cells + b"</row>"
    return pad_part(workbook, part, b"</sheetData>", row, size)


def understate_sizes(data: bytes, part: str, declared: int) -> bytes:
    """The zip with `part`'s uncompressed size set to `declared` in both of its headers.

    A lying central directory: readers that trust it would inflate far more than announced.
    """
    raw = bytearray(data)
    name = part.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (at := raw.find(signature, start)) >= 0:
            start = at + 4
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if raw[name_at : name_at + len(name)] == name:
                struct.pack_into("<I", raw, at + offset, declared)
    return bytes(raw)


def sheet_part(workbook: Path | bytes, title: str) -> str:
    """The zip path of the worksheet called `title`."""
    from openpyxl import load_workbook

    source = io.BytesIO(workbook) if isinstance(workbook, bytes) else workbook
    book = load_workbook(source, read_only=True)
    try:
        return book[title]._worksheet_path
    finally:
        book.close()

"""Bad input: every broken file gives one UnreadableDocument naming the file and the problem."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from compare.errors import UnreadableDocument
from compare.ingest import read_document
from tests.ingest_samples import (
    docx_bytes,
    encrypted_pdf_bytes,
    image_only_pdf_bytes,
    pdf_bytes,
)


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


CASES: list[tuple[str, Callable[[], bytes], str]] = [
    ("empty.pdf", lambda: b"", "empty file (0 bytes)"),
    ("empty.txt", lambda: b"", "empty file (0 bytes)"),
    ("corrupt.pdf", lambda: b"%PDF-1.7\n" + bytes(range(256)) * 20, "corrupt PDF"),
    ("truncated.pdf", lambda: pdf_bytes()[:1500], "corrupt PDF"),
    ("locked.pdf", encrypted_pdf_bytes, "encrypted PDF (password-protected)"),
    ("scan.pdf", image_only_pdf_bytes, "no text layer; OCR it first"),
    ("notes.txt", lambda: bytes(range(256)) * 40, "not a text file"),
    (
        "photo.txt",
        lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 200,
        "not a text file",
    ),
    ("budget.xlsx", lambda: b"some bytes", "unsupported file type '.xlsx'"),
    ("README", lambda: b"plain words", "unsupported file type (no extension)"),
    ("sheet.docx", lambda: _zip({"xl/workbook.xml": "<workbook/>"}), "not a Word .docx"),
    (
        "broken.docx",
        lambda: _zip({"word/document.xml": "<not xml", "[Content_Types].xml": "x"}),
        "corrupt or malformed DOCX",
    ),
    ("old.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "old Word .doc"),
    ("plan.pdf", lambda: b"Dette er bare tekst.", "not a PDF file"),
    ("plan.docx", lambda: b"Dette er bare tekst.", "not a Word .docx file"),
    ("blank.txt", lambda: b"\n \n\t\n", "no text found"),
]


@pytest.mark.parametrize(("name", "make", "reason"), CASES, ids=[c[0] for c in CASES])
def test_bad_file_gives_one_clear_reason(tmp_path: Path, name: str, make, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(UnreadableDocument) as caught:
        read_document(path)
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"{name}: ")
    assert "\n" not in str(caught.value)


def test_too_large_file_is_refused_before_reading(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "huge.pdf"
    path.write_bytes(pdf_bytes() + b"\n%" + b"x" * 3_000_000)

    def no_reading(self: Path) -> bytes:
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(UnreadableDocument) as caught:
        read_document(path, max_bytes=1024 * 1024)
    assert caught.value.reason.startswith("too large (3 MB > limit 1 MB)")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(UnreadableDocument, match="file not found"):
        read_document(tmp_path / "nowhere.pdf")
    with pytest.raises(UnreadableDocument, match="is a folder"):
        read_document(tmp_path)


def test_good_files_pass_the_same_checks(tmp_path: Path) -> None:
    # The checks above must not refuse the formats they guard.
    for name, data in [("ok.pdf", pdf_bytes()), ("ok.docx", docx_bytes())]:
        path = tmp_path / name
        path.write_bytes(data)
        assert read_document(path).blocks

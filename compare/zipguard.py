"""`check_archive`: refuse a zip-based file (DOCX, XLSX) before a reader inflates it in memory.

A few hundred kilobytes of zip can declare, or hide, gigabytes of XML: python-docx and openpyxl
would inflate and parse all of it. So before either reads a file, its central directory is
checked (entry count, each entry's and the total declared size) and then every entry is inflated
in small chunks and counted, without keeping the data, so a size the directory lies about is
caught too. Both the DOCX reader and the workbook import call this one guard.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from compare.errors import UnsafeArchive

CHUNK = 1 << 20  # inflate 1 MB at a time: the memory the check itself needs
MB = 1 << 20


@dataclass(frozen=True)
class ArchiveLimits:
    """How much a zip-based document may hold once inflated.

    The defaults are generous for the files this tool reads (a 300-page plan's document.xml
    is a few MB; an export of 98 municipalities × 3 frameworks inflates to about 10 MB) and
    keep what the readers then parse well under a gigabyte of memory.
    """

    max_entries: int = 5_000
    max_entry_bytes: int = 32 * MB
    max_total_bytes: int = 256 * MB


DEFAULT_LIMITS = ArchiveLimits()


def check_archive(
    source: Path | str | bytes | BinaryIO, name: str, limits: ArchiveLimits = DEFAULT_LIMITS
) -> None:
    """Raise UnsafeArchive if the zip in `source` holds too many entries or inflates too far.

    `name` is only used in the message. A file that is not a zip at all raises
    zipfile.BadZipFile, as `zipfile.ZipFile` does; the caller says what it expected.
    """
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    with zipfile.ZipFile(source) as archive:
        entries = archive.infolist()
        if len(entries) > limits.max_entries:
            raise UnsafeArchive(
                f"{name}: the file holds {len(entries):,} parts (at most "
                f"{limits.max_entries:,} are read); it is not a normal document"
            )
        declared = 0
        for entry in entries:
            _check_size(name, entry.filename, entry.file_size, limits)
            declared += entry.file_size
            if declared > limits.max_total_bytes:
                raise UnsafeArchive(_too_big(name, "its parts", declared, limits.max_total_bytes))
        inflated = 0
        for entry in entries:
            inflated += _inflate(archive, entry, name, limits)
            if inflated > limits.max_total_bytes:
                raise UnsafeArchive(_too_big(name, "its parts", inflated, limits.max_total_bytes))


def _check_size(name: str, part: str, size: int, limits: ArchiveLimits) -> None:
    if size > limits.max_entry_bytes:
        raise UnsafeArchive(_too_big(name, f"its part {part!r}", size, limits.max_entry_bytes))


def _inflate(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, name: str, limits: ArchiveLimits
) -> int:
    """Inflate one entry in chunks, keeping nothing; returns its real size (capped)."""
    size = 0
    try:
        with archive.open(entry) as stream:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                _check_size(name, entry.filename, size, limits)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as err:
        raise UnsafeArchive(
            f"{name}: its part {entry.filename!r} cannot be unpacked ({err})"
        ) from err
    return size


def _too_big(name: str, what: str, size: int, limit: int) -> str:
    return (
        f"{name}: {what} would unpack to more than {limit // MB} MB "
        f"({size / MB:,.0f} MB or more); the file is refused as unsafe to open"
    )

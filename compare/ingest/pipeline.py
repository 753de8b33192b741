"""Ingest files into a workspace: hash, read, segment, detect metadata, store — all or nothing.

A failed file is reported and the batch goes on. Frames are written once per chunk of files,
segments first and documents last, each atomically; the documents frame is what says a document
is stored, so a crash at any point leaves the earlier Parquet files as they were.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path, PurePath
from typing import Any

import polars as pl

from compare.errors import CompareError, UnreadableDocument
from compare.ingest.metadata import detect_metadata, period_label
from compare.ingest.model import (
    DEFAULT_MAX_BYTES,
    FORMAT_DOCX,
    FORMAT_HTML,
    FORMAT_MD,
    FORMAT_PDF,
    FORMAT_TXT,
    SUPPORTED_SUFFIXES,
    RawDocument,
)
from compare.ingest.overrides import Overrides, apply_overrides
from compare.ingest.readers import check_size, load_bytes, parse_document
from compare.ingest.segment import segment
from compare.schema import DOCUMENTS, KIND_OVERVIEW, SEGMENTS, conform
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace

Progress = Callable[[int, int, str], None]

CHUNK_SIZE = 200  # files per write: bounds memory and what a crash can cost
_UNSAFE_CHARS = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]")


@dataclass(frozen=True)
class DocumentSummary:
    """What the CLI and the app show about one newly stored document."""

    doc_id: str
    file_name: str
    title: str | None
    municipality: str | None
    municipality_note: str | None
    year: int | None
    year_to: int | None
    kind: str
    format: str
    pages: int | None
    n_sections: int

    @property
    def period(self) -> str:
        """`2018`, `2016-2020`, or `?` when no year was found."""
        return period_label(self.year, self.year_to) or "?"

    @property
    def who(self) -> str:
        """The municipality, or what to say when there is none (and what to do about it)."""
        if self.municipality:
            return self.municipality
        if self.kind == KIND_OVERVIEW:
            return "several municipalities (a regional overview)"
        return "? (municipality not found: set it with --municipality or on the Plan page)"


@dataclass
class IngestReport:
    """The outcome of one ingest: documents added, duplicates skipped, files that failed."""

    added: list[DocumentSummary] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (name, stored doc_id)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (name, what is wrong)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no file failed (duplicates are fine)."""
        return not self.failed


@dataclass(frozen=True)
class _Source:
    name: str  # display name, never used as a path
    source_path: str | None
    load: Callable[[], bytes]


@dataclass
class _Prepared:
    row: dict[str, Any]
    segments: pl.DataFrame
    summary: DocumentSummary


# The stored original's suffix: the format read, whatever the file was called.
_SUFFIX_BY_FORMAT = {
    FORMAT_PDF: ".pdf",
    FORMAT_DOCX: ".docx",
    FORMAT_HTML: ".html",
    FORMAT_MD: ".md",
    FORMAT_TXT: ".txt",
}


def safe_name(name: str) -> str:
    """An uploaded file's name made safe to show and store: its last part, no control characters.

    `../x.pdf` and `C:\\\\tmp\\\\x.pdf` both give `x.pdf`; an empty result gives `upload`.
    """
    last = re.split(r"[\\/]", unicodedata.normalize("NFC", name or ""))[-1]
    last = " ".join(_UNSAFE_CHARS.sub(" ", last).split()).lstrip(". ")
    if len(last) > 200:
        suffix = PurePath(last).suffix[:16]
        last = last[: 200 - len(suffix)] + suffix
    return last or "upload"


def _hidden(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return any(part.startswith((".", "~$")) for part in parts)


def collect_files(paths: Iterable[Path | str], exclude: Path | None = None) -> list[Path]:
    """Files named directly, plus supported files found (recursively, sorted) in named folders.

    Hidden files, Word lock files (`~$x.docx`) and anything under `exclude` (the workspace
    itself) are left out of folders; a file named directly is always tried.
    """
    found: dict[Path, None] = {}
    excluded = exclude.resolve() if exclude is not None else None
    for item in paths:
        path = Path(item)
        if path.is_dir():
            files = sorted(
                (
                    f
                    for f in path.rglob("*")
                    if f.suffix.lower() in SUPPORTED_SUFFIXES
                    and f.is_file()
                    and not _hidden(f, path)
                ),
                key=lambda f: f.relative_to(path).as_posix().lower(),
            )
            for file in files:
                if excluded is None or not file.resolve().is_relative_to(excluded):
                    found.setdefault(file, None)
        else:
            found.setdefault(path, None)
    return list(found)


def _text_hash(segments: pl.DataFrame) -> str:
    """Hash of what the tagger reads: every segment's heading path and text, in order."""
    digest = hashlib.sha256()
    for path, text in zip(segments["heading_path"], segments["text"], strict=True):
        digest.update(f"{path}\x1f{text}\x1e".encode())
    return digest.hexdigest()


def _title(raw: RawDocument, detected: str | None) -> str | None:
    # Word titles, HTML titles and Markdown headings come from the content; PDF metadata titles
    # are often a converter's leftovers ("Microsoft Word - bilag3.docx"), so detection wins there.
    if raw.title and raw.format in (FORMAT_DOCX, FORMAT_HTML, FORMAT_MD):
        return raw.title
    return detected or raw.title


def _prepare(
    source: _Source,
    data: bytes,
    doc_id: str,
    content_hash: str,
    overrides: Overrides,
    ws: Workspace,
) -> _Prepared:
    raw = parse_document(data, source.name)
    segments = segment(doc_id, raw)
    meta = detect_metadata(raw.text)
    row: dict[str, Any] = {
        "doc_id": doc_id,
        "content_hash": content_hash,
        "text_hash": _text_hash(segments),
        "file_name": source.name,
        "source_path": source.source_path,
        "stored_path": None,
        "format": raw.format,
        "title": _title(raw, meta.title),
        "municipality": meta.municipality,
        "kommunekode": meta.kommunekode,
        "municipality_note": meta.municipality_note,
        "year": meta.year,
        "year_to": meta.year_to,
        "kind": meta.kind,
        "pages": raw.pages,
        "n_sections": int(segments["is_heading"].sum()),
        "n_chars": len(raw.text),
        "ingested_at": datetime.now(UTC).replace(tzinfo=None),
    }
    apply_overrides(row, overrides)
    name = f"{doc_id}{_SUFFIX_BY_FORMAT.get(raw.format, '.bin')}"
    row["stored_path"] = ws.write_original(name, data)
    summary = DocumentSummary(
        doc_id,
        source.name,
        row["title"],
        row["municipality"],
        row["municipality_note"],
        row["year"],
        row["year_to"],
        row["kind"],
        raw.format,
        raw.pages,
        row["n_sections"],
    )
    return _Prepared(row, segments, summary)


def _commit(ws: Workspace, prepared: list[_Prepared], report: IngestReport) -> list[_Prepared]:
    """Add prepared documents to the stored frames; returns those actually added."""
    if not prepared:
        return []
    with ws.lock("ingest"):
        documents = ws.read_documents()
        stored = set(documents["doc_id"].to_list())
        fresh = []
        for item in prepared:
            if item.row["doc_id"] in stored:  # another process stored it meanwhile
                report.duplicates.append((item.summary.file_name, item.row["doc_id"]))
            else:
                fresh.append(item)
        if not fresh:
            return []
        new_ids = [item.row["doc_id"] for item in fresh]
        new_docs = conform(pl.DataFrame([item.row for item in fresh], schema=DOCUMENTS), DOCUMENTS)
        # Segments of these ids can only be left over from a crash before documents were
        # written: replace them, never duplicate them.
        segments = ws.read_segments().filter(~pl.col("doc_id").is_in(new_ids))
        segments = pl.concat([segments, *(conform(item.segments, SEGMENTS) for item in fresh)])
        ws.write_segments(segments)
        ws.write_documents(pl.concat([documents, new_docs]))
    return fresh


def _failure(err: Exception) -> str:
    if isinstance(err, UnreadableDocument):
        return err.reason
    if isinstance(err, CompareError):
        return str(err)
    return f"unexpected error ({type(err).__name__}: {' '.join(str(err).split())[:200]})"


def _ingest(
    sources: list[_Source],
    ws: Workspace,
    overrides: dict[str, Any] | None,
    progress: Progress | None,
    reviewer: str,
    chunk_size: int,
) -> IngestReport:
    report = IngestReport()
    try:
        checked = Overrides.from_dict(overrides)
    except CompareError as err:
        report.failed.extend((source.name, str(err)) for source in sources)
        return report
    stored = ws.read_documents()
    known = dict(zip(stored["doc_id"], stored["file_name"], strict=True))
    pending: list[_Prepared] = []
    total = len(sources)

    def commit() -> None:
        added = _commit(ws, pending, report)
        report.added.extend(item.summary for item in added)
        report.warnings.extend(
            ReviewStore.for_workspace(ws).record_metadata(
                [item.row["doc_id"] for item in added], checked.given(), reviewer
            )
        )
        pending.clear()

    for done, source in enumerate(sources, start=1):
        try:
            data = source.load()
            content_hash = hashlib.sha256(data).hexdigest()
            doc_id = content_hash[:16]
            if doc_id in known:
                report.duplicates.append((source.name, doc_id))
            else:
                pending.append(_prepare(source, data, doc_id, content_hash, checked, ws))
                known[doc_id] = source.name
        except Exception as err:  # one bad file never stops the batch
            report.failed.append((source.name, _failure(err)))
        if progress is not None:
            progress(done, total, source.name)
        if len(pending) >= chunk_size:
            commit()
    commit()
    return report


def ingest_paths(
    paths: Iterable[Path | str],
    ws: Workspace,
    overrides: dict[str, Any] | None = None,
    progress: Progress | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    reviewer: str = "ingest",
    chunk_size: int = CHUNK_SIZE,
) -> IngestReport:
    """Ingest files and folders (searched recursively) into the workspace.

    `overrides` sets municipality, year, year_to or kind for every file (an unknown municipality
    fails each file); they go into the documents frame and, as the analyst's word, into the
    review store under `reviewer`. `progress(done, total, name)` is called after each file.
    Files already stored (same bytes) are reported as duplicates, not stored twice.
    """
    files = collect_files(paths, exclude=ws.root)
    sources = [
        _Source(path.name, str(path.absolute()), partial(load_bytes, path, max_bytes))
        for path in files
    ]
    return _ingest(sources, ws, overrides, progress, reviewer, chunk_size)


def ingest_bytes(
    name: str,
    data: bytes,
    ws: Workspace,
    overrides: dict[str, Any] | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    reviewer: str = "upload",
) -> IngestReport:
    """Ingest one uploaded file from its bytes; `name` is display text only, never a path."""
    shown = safe_name(name)

    def load() -> bytes:
        check_size(len(data), shown, max_bytes)
        return data

    return _ingest([_Source(shown, None, load)], ws, overrides, None, reviewer, CHUNK_SIZE)

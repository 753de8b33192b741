"""Ingest files into a workspace: hash, read, segment, detect metadata, store — all or nothing.

A failed file is reported and the batch goes on. Frames are written once per chunk of files,
segments first and documents last, each atomically; the documents frame is what says a document
is stored, so a crash at any point leaves the earlier Parquet files as they were.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path, PurePath
from typing import Any

import polars as pl

from compare.errors import CompareError, DiskFull, UnreadableDocument
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
from compare.pool import cpu_count, worker_pool
from compare.schema import DOCUMENTS, KIND_OVERVIEW, SEGMENTS, FrameSchema, conform
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace
from compare.text import NORMALISER_VERSION

Progress = Callable[[int, int, str], None]

CHUNK_SIZE = 200  # files per write: bounds memory and what a crash can cost
MIN_FILES_FOR_PROCESSES = 8  # below this, worker processes cost more than they save
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
    files: int = 0  # files found and tried

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
    last = " ".join(_UNSAFE_CHARS.sub(" ", last).split())
    # Leading dots go (no hidden files), the suffix stays: `....txt` is a text file.
    suffix = PurePath(last).suffix if last.strip(". ") else ""
    stem = last[: len(last) - len(suffix)].lstrip(". ")
    last = (stem or "upload") + suffix if last.strip(". ") else ""
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
            root = path.resolve()
            if excluded is not None and root.is_relative_to(excluded):
                continue  # the folder is inside the workspace
            # Resolve a file only where it can lead into the workspace: when the workspace is
            # inside the folder, or the file is a symbolic link (rglob does not enter linked
            # folders, so any other file resolves to a path under the folder).
            nested = excluded is not None and excluded.is_relative_to(root)
            for file in files:
                if (
                    excluded is None
                    or (not nested and not file.is_symlink())
                    or not file.resolve().is_relative_to(excluded)
                ):
                    found.setdefault(file, None)
        else:
            found.setdefault(path, None)
    return list(found)


def _text_hash(segments: pl.DataFrame) -> str:
    """Hash of what the tagger reads: every segment's heading path and text, in order.

    One string hashed at once: the same digest as feeding the rows one by one.
    """
    paths, texts = segments["heading_path"].to_list(), segments["text"].to_list()
    joined = "".join([f"{path}\x1f{text}\x1e" for path, text in zip(paths, texts, strict=True)])
    return hashlib.sha256(joined.encode()).hexdigest()


def _conformed(frame: pl.DataFrame, schema: FrameSchema) -> pl.DataFrame:
    """`conform(frame, schema)`, skipped for a frame that has the schema's columns and types in
    order already (every parsed document's segments): a select per document adds up."""
    if list(frame.schema.items()) == list(schema.items()):
        return frame
    return conform(frame, schema)


def _title(raw: RawDocument, detected: str | None) -> str | None:
    # Word titles, HTML titles and Markdown headings come from the content; PDF metadata titles
    # are often a converter's leftovers ("Microsoft Word - bilag3.docx"), so detection wins there.
    if raw.title and raw.format in (FORMAT_DOCX, FORMAT_HTML, FORMAT_MD):
        return raw.title
    return detected or raw.title


def _parse(
    name: str, data: bytes, doc_id: str, content_hash: str, root: Path
) -> tuple[dict[str, Any], pl.DataFrame]:
    """Read, segment and detect one file and store its original: the per-file work.

    Runs in a worker process (or in this one for small batches): everything it needs comes in as
    arguments, and it returns the document's row (before the analyst's overrides) and segments.
    """
    raw = parse_document(data, name)
    segments = segment(doc_id, raw)
    meta = detect_metadata(raw.text)
    stored = Workspace(root).write_original(
        f"{doc_id}{_SUFFIX_BY_FORMAT.get(raw.format, '.bin')}", data
    )
    row: dict[str, Any] = {
        "doc_id": doc_id,
        "content_hash": content_hash,
        "text_hash": _text_hash(segments),
        "file_name": name,
        "source_path": None,
        "stored_path": stored,
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
        "normaliser_version": NORMALISER_VERSION,
    }
    return row, segments


def _parse_in_worker(
    name: str, data: bytes, doc_id: str, content_hash: str, root: Path
) -> tuple[dict[str, Any], pl.DataFrame] | str | _DiskFullInWorker:
    """`_parse` for a worker process: a failure comes back as its message, not as an exception
    (the project's exceptions do not survive pickling, and one bad file never stops the batch)."""
    try:
        return _parse(name, data, doc_id, content_hash, root)
    except DiskFull as err:  # stops the batch in the main process (see `_ingest`)
        return _DiskFullInWorker(str(err))
    except Exception as err:
        return _failure(err)


@dataclass(frozen=True)
class _DiskFullInWorker:
    """A worker's report that the disk is full: every later file would fail the same way."""

    message: str


def _prepared(
    source: _Source, parsed: tuple[dict[str, Any], pl.DataFrame], overrides: Overrides
) -> _Prepared:
    """The parsed document with the analyst's overrides applied, and its summary."""
    row, segments = parsed
    row["source_path"] = source.source_path
    apply_overrides(row, overrides)
    summary = DocumentSummary(
        row["doc_id"],
        source.name,
        row["title"],
        row["municipality"],
        row["municipality_note"],
        row["year"],
        row["year_to"],
        row["kind"],
        row["format"],
        row["pages"],
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
        segments = pl.concat([segments, *(_conformed(item.segments, SEGMENTS) for item in fresh)])
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
    workers: int | None = 1,
) -> IngestReport:
    report = IngestReport(files=len(sources))
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

    n_workers = workers if workers is not None else cpu_count()
    if total < MIN_FILES_FOR_PROCESSES and workers is None:
        n_workers = 1
    in_flight: deque[tuple[_Source, Future | None, Any]] = deque()
    done = 0

    def finish_one() -> None:
        nonlocal done
        source, future, outcome = in_flight.popleft()
        if future is not None:
            try:
                outcome = future.result()
            except Exception as err:  # a worker that died: this file fails, not the batch
                outcome = _failure(err)
        if isinstance(outcome, _DiskFullInWorker):
            raise DiskFull(outcome.message)
        if isinstance(outcome, str):
            report.failed.append((source.name, outcome))
        elif outcome is not None:
            try:
                pending.append(_prepared(source, outcome, checked))
            except Exception as err:  # one bad file never stops the batch
                report.failed.append((source.name, _failure(err)))
        done += 1
        if progress is not None:
            progress(done, total, source.name)
        if len(pending) >= chunk_size:
            commit()

    def run(pool: Executor | None) -> None:
        window = 4 * n_workers  # files read ahead: bounds the bytes held in memory
        for source in sources:
            future, outcome = None, None
            try:
                data = source.load()
                content_hash = hashlib.sha256(data).hexdigest()
                doc_id = content_hash[:16]
                if doc_id in known:
                    report.duplicates.append((source.name, doc_id))
                else:
                    known[doc_id] = source.name
                    args = (source.name, data, doc_id, content_hash, ws.root)
                    if pool is None:
                        outcome = _parse_in_worker(*args)
                    else:
                        future = pool.submit(_parse_in_worker, *args)
            except DiskFull:  # every later file would fail the same way
                raise
            except Exception as err:  # one bad file never stops the batch
                outcome = _failure(err)
            in_flight.append((source, future, outcome))
            while len(in_flight) > (window if pool is not None else 0):
                finish_one()
        while in_flight:
            finish_one()

    try:
        if n_workers > 1:
            with worker_pool(n_workers) as pool:
                run(pool)
        else:
            run(None)
        commit()
    except BaseException:
        _remove_uncommitted_originals(ws, pending)
        raise
    return report


def _remove_uncommitted_originals(ws: Workspace, pending: list[_Prepared]) -> None:
    """Delete the copies of originals whose documents were never stored (a failed commit).

    Left behind, they are orphans that fill the disk that made the commit fail.
    """
    try:
        stored = set(ws.read_documents()["doc_id"].to_list())
    except Exception:  # noqa: BLE001 - cleaning up after an error must not hide that error
        return
    for item in pending:
        if item.row["doc_id"] not in stored and item.row["stored_path"]:
            (ws.root / item.row["stored_path"]).unlink(missing_ok=True)


def ingest_paths(
    paths: Iterable[Path | str],
    ws: Workspace,
    overrides: dict[str, Any] | None = None,
    progress: Progress | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    reviewer: str = "ingest",
    chunk_size: int = CHUNK_SIZE,
    workers: int | None = None,
) -> IngestReport:
    """Ingest files and folders (searched recursively) into the workspace.

    `overrides` sets municipality, year, year_to or kind for every file (an unknown municipality
    fails each file); they go into the documents frame and, as the analyst's word, into the
    review store under `reviewer`. `progress(done, total, name)` is called after each file.
    Files already stored (same bytes) are reported as duplicates, not stored twice. `workers`
    processes read the files (omit it for one per CPU on larger batches; 1 reads them here).
    """
    files = collect_files(paths, exclude=ws.root)
    sources = [
        _Source(path.name, str(path.absolute()), partial(load_bytes, path, max_bytes))
        for path in files
    ]
    return _ingest(sources, ws, overrides, progress, reviewer, chunk_size, workers)


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

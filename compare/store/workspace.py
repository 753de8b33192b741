"""The workspace folder: where frames (Parquet), originals and the review database live.

Every file is written atomically (temporary file in the same folder, fsync, rename), so a crash
or a failed ingest never leaves a half-written file and never loses what was stored before.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from compare.config import WORKSPACE_ENV as ENV_VAR  # noqa: F401  (the name callers import)
from compare.config import workspace_dir as default_workspace
from compare.schema import DOCUMENTS, EVIDENCE, SEGMENTS, TAGS, FrameSchema, conform, empty_frame

SEARCH_INDEX_FILE = "search_terms.parquet"
ORIGINALS_DIR = "originals"  # copies of the ingested files, named by doc_id
_STAMP_KEY = "compare.segments_stamp"  # Parquet metadata: the segments stamp an index was built on


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Call `write(tmp)` to fill a temporary file beside `path`, then rename it over `path`.

    If `write` raises, the temporary file is removed and `path` is untouched.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    os.chmod(tmp, 0o644)  # mkstemp makes 0600; colleagues sharing a workspace must read it
    try:
        write(tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_parquet(frame: pl.DataFrame, path: Path) -> None:
    """Write a frame to Parquet atomically."""
    atomic_write(path, lambda tmp: frame.write_parquet(tmp))


def write_bytes(data: bytes, path: Path) -> None:
    """Write bytes atomically."""
    atomic_write(path, lambda tmp: tmp.write_bytes(data))


@dataclass(frozen=True)
class Workspace:
    """One workspace folder and the files in it."""

    root: Path

    @classmethod
    def open(cls, root: Path | str | None = None) -> Workspace:
        """Open (and create) a workspace; omit `root` to use `default_workspace()`."""
        path = Path(root).expanduser() if root is not None else default_workspace()
        path.mkdir(parents=True, exist_ok=True)
        return cls(path.resolve())

    @property
    def documents_path(self) -> Path:
        return self.root / "documents.parquet"

    @property
    def segments_path(self) -> Path:
        return self.root / "segments.parquet"

    @property
    def tags_path(self) -> Path:
        return self.root / "tags.parquet"

    @property
    def evidence_path(self) -> Path:
        return self.root / "evidence.parquet"

    @property
    def review_db_path(self) -> Path:
        return self.root / "review.sqlite"

    @property
    def review_wal_path(self) -> Path:
        """The review database's write-ahead log, where a decision lands first."""
        return self.review_db_path.with_name(self.review_db_path.name + "-wal")

    @property
    def originals_dir(self) -> Path:
        return self.root / ORIGINALS_DIR

    def write_original(self, name: str, data: bytes) -> str:
        """Keep a copy of an ingested file's bytes; returns its `stored_path` (relative, POSIX)."""
        write_bytes(data, self.originals_dir / name)
        return f"{ORIGINALS_DIR}/{name}"

    @property
    def search_index_path(self) -> Path:
        """The search vocabulary (term, n), derived from the segments and rebuilt when stale."""
        return self.root / SEARCH_INDEX_FILE

    def _read(self, path: Path, schema: FrameSchema, where: pl.Expr | None = None) -> pl.DataFrame:
        if not path.exists():
            return empty_frame(schema)
        if where is None:
            return conform(pl.read_parquet(path), schema)
        return conform(pl.scan_parquet(path).filter(where).collect(), schema)

    def read_documents(self) -> pl.DataFrame:
        """All ingested documents as detected (empty frame if none).

        Without the analysts' corrections: to show or count documents, use
        `compare.store.documents.load_documents`, which applies them.
        """
        return self._read(self.documents_path, DOCUMENTS)

    def read_segments(self, doc_ids: list[str] | None = None) -> pl.DataFrame:
        """Segments of all documents, or of the given ones."""
        if not self.segments_path.exists():
            return empty_frame(SEGMENTS)
        lazy = pl.scan_parquet(self.segments_path)
        if doc_ids is not None:
            lazy = lazy.filter(pl.col("doc_id").is_in(doc_ids))
        return conform(lazy.collect(), SEGMENTS)

    def read_segment_columns(self, columns: list[str]) -> pl.DataFrame:
        """Only these columns of every segment (the search reads `norm` without the text)."""
        if not self.segments_path.exists():
            return empty_frame({name: SEGMENTS[name] for name in columns})
        return conform(pl.read_parquet(self.segments_path, columns=columns), SEGMENTS).select(
            columns
        )

    def segments_stamp(self) -> str:
        """The segments file's modification time and size: what a derived index was built from."""
        stat = self.segments_path.stat()
        return f"{stat.st_mtime_ns}:{stat.st_size}"

    def read_tags(self, where: pl.Expr | None = None) -> pl.DataFrame:
        """All tagger results, or those matching `where` (empty frame if nothing is tagged).

        A `where` filter is applied while reading (predicate pushdown): one cell's rows of a
        large workspace are read without loading the whole file.
        """
        return self._read(self.tags_path, TAGS, where)

    def read_evidence(self, where: pl.Expr | None = None) -> pl.DataFrame:
        """All evidence passages, or those matching `where` (read as `read_tags` reads them)."""
        return self._read(self.evidence_path, EVIDENCE, where)

    def read_search_index(self, stamp: str) -> pl.DataFrame | None:
        """The stored search vocabulary if it was built from segments with this stamp, else None."""
        path = self.search_index_path
        if not path.exists() or pl.read_parquet_metadata(path).get(_STAMP_KEY) != stamp:
            return None
        return pl.read_parquet(path)

    def write_search_index(self, vocabulary: pl.DataFrame, stamp: str) -> None:
        """Store the search vocabulary with the stamp of the segments it was built from."""
        atomic_write(
            self.search_index_path,
            lambda tmp: vocabulary.write_parquet(tmp, metadata={_STAMP_KEY: stamp}),
        )

    def write_documents(self, frame: pl.DataFrame) -> None:
        """Replace the documents frame: conformed to its schema, sorted, written atomically."""
        write_parquet(conform(frame, DOCUMENTS).sort("doc_id"), self.documents_path)

    def write_segments(self, frame: pl.DataFrame) -> None:
        """Replace the segments frame: conformed to its schema, sorted, written atomically."""
        write_parquet(conform(frame, SEGMENTS).sort("doc_id", "seg_no"), self.segments_path)

    def write_tags(self, frame: pl.DataFrame) -> None:
        """Replace the tagger results: conformed to its schema, sorted, written atomically."""
        ordered = conform(frame, TAGS).sort("doc_id", "framework_id", "item_id")
        write_parquet(ordered, self.tags_path)

    def write_evidence(self, frame: pl.DataFrame) -> None:
        """Replace the evidence passages: conformed to its schema, sorted, written atomically."""
        ordered = conform(frame, EVIDENCE).sort("doc_id", "framework_id", "item_id", "rank")
        write_parquet(ordered, self.evidence_path)

    @contextmanager
    def lock(self, name: str) -> Iterator[None]:
        """Serialise writers of one kind ("ingest", "tag") in this workspace across processes.

        The CLI and the app may ingest or tag at the same time; each takes the lock before it
        reads, merges and rewrites the stored frames, so neither loses the other's rows.
        """
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; writes are still atomic
            yield
            return
        with open(self.root / f".{name}.lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def mtimes(self) -> tuple[float, ...]:
        """Modification times of the stored frames and review DB: a cheap cache key for the UI."""
        # SQLite writes land in the -wal file first; the DB file's mtime lags behind them.
        wal = self.review_wal_path
        paths = (
            self.documents_path,
            self.segments_path,
            self.tags_path,
            self.evidence_path,
            self.review_db_path,
            wal,
        )
        return tuple(p.stat().st_mtime if p.exists() else 0.0 for p in paths)

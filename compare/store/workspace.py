"""The workspace folder: where frames (Parquet), originals and the review database live.

Every file is written atomically (temporary file in the same folder, fsync, rename), so a crash
or a failed ingest never leaves a half-written file and never loses what was stored before.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from compare.config import WORKSPACE_ENV as ENV_VAR  # noqa: F401  (the name callers import)
from compare.config import env_crash_point
from compare.config import workspace_dir as default_workspace
from compare.errors import CompareError, DamagedFile, DiskFull, ReadOnlyWorkspace
from compare.schema import DOCUMENTS, EVIDENCE, SEGMENTS, TAGS, FrameSchema, conform, empty_frame

TAG_JOURNAL = ".tag-commit.json"  # present while a tags + evidence commit is being completed
NEXT_SUFFIX = ".next"


_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
_READ_ONLY = (errno.EROFS, errno.EACCES, errno.EPERM)
# Polars and pyarrow report the OS error in their message only: "(os error 28)".
_FULL_TEXT = ("no space left on device", "os error 28", "disk quota exceeded", "file too large")
_READ_ONLY_TEXT = ("read-only file system", "os error 30", "permission denied", "os error 13")


def write_error(err: BaseException, path: Path) -> CompareError | None:
    """The clear error for a failed write of `path` (disk full, read-only folder), if it is one."""
    code = getattr(err, "errno", None)
    text = str(err).lower()
    if code in _FULL or any(t in text for t in _FULL_TEXT):
        reason = getattr(err, "strerror", None) or "No space left on device"
        return DiskFull(
            f"the disk is full ({reason}): {path.name} could not be written in {path.parent}. "
            "Nothing "
            "stored was changed (the half-written file was removed): free some space and run "
            "it again"
        )
    denied = code in _READ_ONLY or any(t in text for t in _READ_ONLY_TEXT)
    # Only a folder that cannot be written is read-only: a file another program holds open
    # (Excel on Windows) is refused the same way, and its caller says so.
    if code == errno.EROFS or (denied and not os.access(path.parent, os.W_OK)):
        return ReadOnlyWorkspace(
            f"the folder {path.parent} is read-only: {path.name} cannot be written. Viewing "
            "works; to change anything, get write access to the folder (or copy the workspace "
            "and use --workspace COPY)"
        )
    return None


SEARCH_INDEX_FILE = "search_terms.parquet"
ORIGINALS_DIR = "originals"  # copies of the ingested files, named by doc_id
_STAMP_KEY = "compare.segments_stamp"  # Parquet metadata: the segments stamp an index was built on
_DOCUMENTS_CACHE: dict[str, tuple[tuple[str, int, int, int], pl.DataFrame]] = {}


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Call `write(tmp)` to fill a temporary file beside `path`, then rename it over `path`.

    If `write` raises, the temporary file is removed and `path` is untouched. A full disk or a
    read-only folder raises DiskFull or ReadOnlyWorkspace.
    """
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; colleagues sharing a workspace must read it
        write(tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as err:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        clear = write_error(err, path) if isinstance(err, Exception) else None
        if clear is not None:
            raise clear from err
        raise


def write_parquet(frame: pl.DataFrame, path: Path) -> None:
    """Write a frame to Parquet atomically."""
    atomic_write(path, lambda tmp: frame.write_parquet(tmp))


def write_bytes(data: bytes, path: Path) -> None:
    """Write bytes atomically."""
    atomic_write(path, lambda tmp: tmp.write_bytes(data))


def crash_point(name: str) -> None:
    """Kill this process, as `kill -9` would, when `$COMPARE_CRASH_AT` names this point.

    The crash tests run `compare tag` in a subprocess with it set; it is never set otherwise.
    """
    if env_crash_point() == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder; its renames are durable enough
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Workspace:
    """One workspace folder and the files in it."""

    root: Path

    @classmethod
    def open(cls, root: Path | str | None = None) -> Workspace:
        """Open (and create) a workspace; omit `root` to use `default_workspace()`."""
        path = Path(root).expanduser() if root is not None else default_workspace()
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise (write_error(err, path / ".") or err) from err
        return cls(path.resolve())

    @property
    def documents_path(self) -> Path:
        return self.root / "documents.parquet"

    @property
    def segments_path(self) -> Path:
        return self.root / "segments.parquet"

    @property
    def tags_path(self) -> Path:
        """The committed tags file (see `commit_tagging`)."""
        return self._committed(self.root / "tags.parquet")

    @property
    def evidence_path(self) -> Path:
        """The committed evidence file (see `commit_tagging`)."""
        return self._committed(self.root / "evidence.parquet")

    def _committed(self, path: Path) -> Path:
        # While a commit is completed (its journal exists), a file not yet renamed into place
        # is still waiting beside it: that one is the committed version.
        pending = path.with_name(path.name + NEXT_SUFFIX)
        if (self.root / TAG_JOURNAL).exists() and pending.exists():
            return pending
        return path

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
        try:
            if where is None:
                return conform(pl.read_parquet(path), schema)
            return conform(pl.scan_parquet(path).filter(where).collect(), schema)
        except FileNotFoundError:
            raise
        except (OSError, pl.exceptions.PolarsError) as err:
            raise self.damaged(path, err) from err

    def damaged(self, path: Path, err: BaseException) -> DamagedFile:
        """The error for a stored frame that cannot be read (truncated, or not Parquet)."""
        cause = " ".join(str(err).split())[:160]
        if path.name.startswith(("tags", "evidence")):
            fix = "move it away and run `compare tag` to tag the plans again"
        elif path.name.startswith("search_terms"):
            fix = "delete it: it is rebuilt by itself"
        else:
            fix = (
                "restore it from a backup, or move it away and ingest the plans again "
                "(`compare tag data/plans`); analysts' decisions in review.sqlite are kept"
            )
        return DamagedFile(f"{path} is damaged and cannot be read ({cause}): {fix}")

    def _read_committed(
        self, name: str, schema: FrameSchema, where: pl.Expr | None = None
    ) -> pl.DataFrame:
        for _ in range(3):  # a commit may rename the file between finding and opening it
            try:
                return self._read(self._committed(self.root / name), schema, where)
            except FileNotFoundError:
                continue
        return self._read(self._committed(self.root / name), schema, where)

    def read_documents(self) -> pl.DataFrame:
        """All ingested documents as detected (empty frame if none).

        Without the analysts' corrections: to show or count documents, use
        `compare.store.documents.load_documents`, which applies them. Read once per version of
        the file: every step of a command (ingest, tag, summary) asks for it, and a write always
        replaces the file (a new inode), which the next read sees.
        """
        try:
            stat = self.documents_path.stat()
        except FileNotFoundError:
            return empty_frame(DOCUMENTS)
        key = (str(self.documents_path), stat.st_ino, stat.st_mtime_ns, stat.st_size)
        cached = _DOCUMENTS_CACHE.get(key[0])
        if cached is not None and cached[0] == key:
            return cached[1]
        frame = self._read(self.documents_path, DOCUMENTS)
        _DOCUMENTS_CACHE.clear()  # one workspace's frame at a time: bounded memory
        _DOCUMENTS_CACHE[key[0]] = (key, frame)
        return frame

    def read_segments(self, doc_ids: list[str] | None = None) -> pl.DataFrame:
        """Segments of all documents, or of the given ones."""
        if not self.segments_path.exists():
            return empty_frame(SEGMENTS)
        lazy = pl.scan_parquet(self.segments_path)
        if doc_ids is not None:
            lazy = lazy.filter(pl.col("doc_id").is_in(doc_ids))
        try:
            return conform(lazy.collect(), SEGMENTS)
        except (OSError, pl.exceptions.PolarsError) as err:
            raise self.damaged(self.segments_path, err) from err

    def read_segment_columns(self, columns: list[str]) -> pl.DataFrame:
        """Only these columns of every segment (the search reads `norm` without the text)."""
        if not self.segments_path.exists():
            return empty_frame({name: SEGMENTS[name] for name in columns})
        try:
            frame = pl.read_parquet(self.segments_path, columns=columns)
        except (OSError, pl.exceptions.PolarsError) as err:
            raise self.damaged(self.segments_path, err) from err
        return conform(frame, SEGMENTS).select(columns)

    def segment_column_batches(self, column: str, rows: int) -> Iterator[pl.Series]:
        """One column of the segments, `rows` segments at a time: read without holding it all
        (the search vocabulary is counted a batch at a time)."""
        if not self.segments_path.exists():
            return
        try:
            lazy = pl.scan_parquet(self.segments_path).select(column)
            total = lazy.select(pl.len()).collect().item()
            for start in range(0, total, rows):
                frame = conform(lazy.slice(start, rows).collect(), {column: SEGMENTS[column]})
                yield frame[column]
        except (OSError, pl.exceptions.PolarsError) as err:
            raise self.damaged(self.segments_path, err) from err

    def segments_stamp(self) -> str:
        """The segments file's modification time and size: what a derived index was built from."""
        stat = self.segments_path.stat()
        return f"{stat.st_mtime_ns}:{stat.st_size}"

    def read_tags(self, where: pl.Expr | None = None) -> pl.DataFrame:
        """All tagger results, or those matching `where` (empty frame if nothing is tagged).

        A `where` filter is applied while reading (predicate pushdown): one cell's rows of a
        large workspace are read without loading the whole file.
        """
        return self._read_committed("tags.parquet", TAGS, where)

    def read_evidence(self, where: pl.Expr | None = None) -> pl.DataFrame:
        """All evidence passages, or those matching `where` (read as `read_tags` reads them)."""
        return self._read_committed("evidence.parquet", EVIDENCE, where)

    def read_search_index(self, stamp: str) -> pl.DataFrame | None:
        """The stored search vocabulary if it was built from segments with this stamp, else None."""
        path = self.search_index_path
        try:
            if not path.exists() or pl.read_parquet_metadata(path).get(_STAMP_KEY) != stamp:
                return None
            return pl.read_parquet(path)
        except (OSError, pl.exceptions.PolarsError):
            return None  # a damaged index is a stale one: it is rebuilt

    def write_search_index(self, vocabulary: pl.DataFrame, stamp: str) -> None:
        """Store the search vocabulary with the stamp of the segments it was built from.

        It is a cache: in a read-only or full workspace it is not stored, and search works all
        the same.
        """
        try:
            atomic_write(
                self.search_index_path,
                lambda tmp: vocabulary.write_parquet(tmp, metadata={_STAMP_KEY: stamp}),
            )
        except (DiskFull, ReadOnlyWorkspace):
            pass

    def write_documents(self, frame: pl.DataFrame) -> None:
        """Replace the documents frame: conformed to its schema, sorted, written atomically."""
        write_parquet(conform(frame, DOCUMENTS).sort("doc_id"), self.documents_path)

    def write_segments(self, frame: pl.DataFrame) -> None:
        """Replace the segments frame: conformed to its schema, sorted, written atomically."""
        write_parquet(conform(frame, SEGMENTS).sort("doc_id", "seg_no"), self.segments_path)

    def write_tags(self, frame: pl.DataFrame) -> None:
        """Replace the tagger results: conformed to its schema, sorted, written atomically."""
        ordered = conform(frame, TAGS).sort("doc_id", "framework_id", "item_id")
        write_parquet(ordered, self.root / "tags.parquet")

    def write_evidence(self, frame: pl.DataFrame) -> None:
        """Replace the evidence passages: conformed to its schema, sorted, written atomically."""
        ordered = conform(frame, EVIDENCE).sort("doc_id", "framework_id", "item_id", "rank")
        write_parquet(ordered, self.root / "evidence.parquet")

    def commit_tagging(self, tags: pl.DataFrame, evidence: pl.DataFrame) -> None:
        """Replace the tags and evidence frames together: a crash leaves the old pair or the new.

        Both are written beside their files (`*.next`), then a journal naming them is written:
        from that moment the new pair is committed, and renaming them into place is completed
        by whoever comes next (`recover_tagging`). A crash before the journal leaves the old
        pair, and the `*.next` files are removed. Call it holding `lock("tag")`.
        """
        self.recover_tagging()
        names = ("evidence.parquet", "tags.parquet")
        ordered = (
            conform(evidence, EVIDENCE).sort("doc_id", "framework_id", "item_id", "rank"),
            conform(tags, TAGS).sort("doc_id", "framework_id", "item_id"),
        )
        for name, frame in zip(names, ordered, strict=True):
            write_parquet(frame, self.root / (name + NEXT_SUFFIX))
            crash_point(f"tag-written-{name.split('.')[0]}")
        write_bytes(json.dumps({"files": list(names)}).encode(), self.root / TAG_JOURNAL)
        _fsync_dir(self.root)
        crash_point("tag-journal")
        self.recover_tagging()

    def recover_tagging(self) -> None:
        """Finish a tags + evidence commit that a crash interrupted, or undo one never committed.

        Call it holding `lock("tag")`; reading needs no recovery (see `tags_path`).
        """
        journal = self.root / TAG_JOURNAL
        if journal.exists():
            for name in json.loads(journal.read_text(encoding="utf-8"))["files"]:
                pending = self.root / (name + NEXT_SUFFIX)
                if pending.exists():
                    os.replace(pending, self.root / name)
                    crash_point(f"tag-renamed-{name.split('.')[0]}")
            _fsync_dir(self.root)
            journal.unlink()
        else:
            for name in ("evidence.parquet", "tags.parquet"):
                (self.root / (name + NEXT_SUFFIX)).unlink(missing_ok=True)

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
        path = self.root / f".{name}.lock"
        try:
            handle = open(path, "a+b")  # noqa: SIM115 - closed below, after the unlock
        except OSError as err:
            raise (write_error(err, path) or err) from err
        with handle:
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

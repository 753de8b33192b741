"""The review database: analysts' decisions on matrix cells and document metadata, in SQLite.

Decisions are the one thing in a workspace that cannot be recomputed, so they live in a real
database (WAL mode, one short transaction per change) and are append-only: every change is a new
row saying who changed what from what to what, and an undo is one more row restoring the state
before. Nothing is ever updated or deleted (triggers refuse it). A connection is opened per
operation, so the store is safe to use from Streamlit reruns and from several processes at once.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from compare.errors import CompareError, DamagedFile, DiskFull, ReadOnlyWorkspace
from compare.registry.lookup import Registry, load_registry
from compare.schema import (
    DECISIONS,
    KINDS,
    LEVELS,
    METADATA_CHANGES,
    PASSAGE_CHANGES,
    YEAR_RANGE,
    FrameSchema,
)
from compare.store.workspace import Workspace

SCHEMA_VERSION = 3  # 2: who imported a workbook decision; 3: analysts' evidence passages
BUSY_TIMEOUT_MS = 30_000  # a writer waits this long for another process's transaction

# The row-level remark ("Supplerende mål/bemærkninger") of a plan in a framework is stored as a
# decision on this pseudo item: no framework item can have an empty id.
REMARK_ITEM = ""

METADATA_FIELDS: tuple[str, ...] = (
    "municipality",
    "kommunekode",
    "year",
    "year_to",
    "kind",
    "title",
)
_INT_FIELDS = frozenset({"year", "year_to"})


_FIELD_LIST = ", ".join(f"'{field}'" for field in METADATA_FIELDS)
_LEVEL_LIST = ", ".join(f"'{level}'" for level in LEVELS)
_SCHEMA_STATEMENTS: tuple[str, ...] = (
    f"""CREATE TABLE decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        doc_id TEXT NOT NULL,
        municipality TEXT,
        year INTEGER,
        framework_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        level TEXT CHECK (level IS NULL OR level IN ({_LEVEL_LIST})),
        note TEXT,
        reviewer TEXT NOT NULL CHECK (length(trim(reviewer)) > 0),
        decided_at TEXT NOT NULL,
        text_hash TEXT,
        previous_level TEXT,
        previous_note TEXT,
        undone_of INTEGER REFERENCES decisions(id))""",
    "CREATE INDEX decisions_cell ON decisions (doc_id, framework_id, item_id, id)",
    f"""CREATE TABLE metadata_changes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        doc_id TEXT NOT NULL,
        field TEXT NOT NULL CHECK (field IN ({_FIELD_LIST})),
        value TEXT,
        previous_value TEXT,
        reviewer TEXT NOT NULL CHECK (length(trim(reviewer)) > 0),
        changed_at TEXT NOT NULL,
        undone_of INTEGER REFERENCES metadata_changes(id))""",
    "CREATE INDEX metadata_field ON metadata_changes (doc_id, field, id)",
    *(
        f"CREATE TRIGGER {table}_no_{action} BEFORE {action.upper()} ON {table}"
        " BEGIN SELECT RAISE(ABORT, 'review history is append-only'); END"
        for table in ("decisions", "metadata_changes")
        for action in ("update", "delete")
    ),
)
# Version 3: added to an older database by `_ensure_schema`, so old databases keep working.
_SCHEMA_V3: tuple[str, ...] = (
    """CREATE TABLE passage_changes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        doc_id TEXT NOT NULL,
        framework_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        seg_no INTEGER NOT NULL,
        included INTEGER CHECK (included IS NULL OR included IN (0, 1)),
        is_target INTEGER CHECK (is_target IS NULL OR is_target IN (0, 1)),
        quote TEXT,
        heading_path TEXT,
        page INTEGER,
        line_start INTEGER,
        line_end INTEGER,
        reviewer TEXT NOT NULL CHECK (length(trim(reviewer)) > 0),
        changed_at TEXT NOT NULL,
        undone_of INTEGER REFERENCES passage_changes(id))""",
    "CREATE INDEX passage_cell ON passage_changes (doc_id, framework_id, item_id, seg_no, id)",
    *(
        f"CREATE TRIGGER passage_changes_no_{action} BEFORE {action.upper()} ON passage_changes"
        " BEGIN SELECT RAISE(ABORT, 'review history is append-only'); END"
        for action in ("update", "delete")
    ),
)


@dataclass(frozen=True)
class NewDecision:
    """One decision to record (see `ReviewStore.decide` for what each field means)."""

    doc_id: str
    framework_id: str
    item_id: str
    level: str
    note: str | None = None
    text_hash: str | None = None
    municipality: str | None = None
    year: int | None = None


# Statements that bring a database from the version before to this version (key), in order.
# A new database is created at version 1 and then migrated, so both paths give one schema.
_MIGRATIONS: dict[int, tuple[str, ...]] = {
    # 2: a decision from a workbook keeps who imported it; `reviewer` is who edited it.
    2: ("ALTER TABLE decisions ADD COLUMN imported_by TEXT",),
    3: _SCHEMA_V3,
}


def normalise_level(level: str) -> str:
    """The canonical level for user input ("x", " (x) ", "blank"), or a CompareError."""
    text = (level or "").strip().upper()
    if text in ("BLANK", "-", "NONE"):
        text = ""
    if text not in LEVELS:
        raise CompareError(f"level {level!r} is not one of 'X', '(X)' or blank ('')")
    return text


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _inserted_id(cursor: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just wrote (sqlite3 types it as optional; it is always set)."""
    if cursor.lastrowid is None:
        raise CompareError("the review database did not return the new row's id")
    return cursor.lastrowid


def _require_reviewer(reviewer: str | None) -> str:
    name = (reviewer or "").strip()
    if not name:
        raise CompareError("reviewer is missing: say who makes the change (e.g. --reviewer NAME)")
    return name


def _check_value(field: str, value: str | int | None) -> str | None:
    """The stored (text) form of a metadata override, validated per field."""
    if field not in METADATA_FIELDS:
        raise CompareError(
            f"unknown metadata field {field!r}: use one of {', '.join(METADATA_FIELDS)}"
        )
    if value is None:
        return None
    text = str(value).strip()
    if field in _INT_FIELDS:
        if not text.isdigit() or not YEAR_RANGE[0] <= int(text) <= YEAR_RANGE[1]:
            raise CompareError(
                f"{field} must be a year between {YEAR_RANGE[0]} and {YEAR_RANGE[1]}, not {value!r}"
            )
        return str(int(text))
    if field == "kind" and text not in KINDS:
        raise CompareError(f"kind must be one of {', '.join(KINDS)}, not {value!r}")
    if not text:
        raise CompareError(f"{field} must not be empty (to clear an override, pass no value)")
    return text


LOW_DISK_BYTES = 1 << 20  # an I/O error with less than 1 MiB free is a full disk


class ReviewStore:
    """Append-only SQLite store of analysts' decisions and metadata overrides."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    @classmethod
    def for_workspace(cls, ws: Workspace) -> ReviewStore:
        """The store kept in the workspace (`ws.review_db_path`)."""
        return cls(ws.review_db_path)

    # -- connections -----------------------------------------------------------------------

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A fresh connection in autocommit mode, schema created on first use; always closed.

        In a read-only folder the database is opened read-only, so viewing still works. SQLite
        errors become one clear error: DiskFull, ReadOnlyWorkspace or DamagedFile.
        """
        read_only = self.path.exists() and not os.access(self.path.parent, os.W_OK)
        conn: sqlite3.Connection | None = None
        try:
            if read_only:
                # Without a -wal file there is nothing beyond the main file, and nobody can
                # write here: "immutable" reads it without the -shm file it could not create.
                wal = self.path.with_name(self.path.name + "-wal").exists()
                uri = f"{self.path.as_uri()}?{'mode=ro' if wal else 'immutable=1'}"
                conn = sqlite3.connect(uri, uri=True, isolation_level=None)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(
                    self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
                )
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                _use_wal(conn)
                # FULL: a committed decision survives even a power cut, not only a killed process.
                conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._ensure_schema(conn)
            yield conn
        except sqlite3.Error as err:
            raise self._clear_error(err) from err
        except OSError as err:  # the folder itself cannot be made
            if isinstance(err, PermissionError) or err.errno in (30, 13):
                raise self._clear_error(sqlite3.OperationalError("readonly")) from err
            raise
        finally:
            if conn is not None:
                conn.close()

    def _clear_error(self, err: sqlite3.Error) -> CompareError:
        """The one clear error for what SQLite reported: only real damage is called damage."""
        text = str(err).lower()
        free = shutil.disk_usage(self.path.parent).free if self.path.parent.exists() else None
        if "full" in text or (free is not None and free < LOW_DISK_BYTES and "i/o" in text):
            return DiskFull(
                f"the disk is full: the review database {self.path} could not be written. "
                "It is not damaged (SQLite undid the unfinished change): free some space and "
                "try again"
            )
        if "readonly" in text or "read-only" in text or "unable to open" in text:
            return ReadOnlyWorkspace(
                f"the folder {self.path.parent} is read-only: decisions cannot be saved in "
                f"{self.path.name}. Viewing works; to review, get write access to the folder"
            )
        if "malformed" in text or "not a database" in text or "corrupt" in text:
            return DamagedFile(
                f"{self.path}: the review database cannot be read: it is damaged ({err}). It "
                "is left untouched: "
                "restore it from a backup, or move it away to start a new one (`sqlite3 "
                f"{self.path.name} .recover` can often save the decisions in it)"
            )
        return CompareError(f"{self.path}: the review database cannot be used ({err})")

    @staticmethod
    def _ensure_schema(conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise CompareError(
                f"the review database has schema version {version}, newer than "
                f"this program's {SCHEMA_VERSION}: update the program"
            )
        conn.execute("BEGIN IMMEDIATE")  # two first users at once: one creates, one waits
        try:
            found = conn.execute("PRAGMA user_version").fetchone()[0]
            if found < 1:
                for statement in _SCHEMA_STATEMENTS:
                    conn.execute(statement)
            for step in range(max(found, 1) + 1, SCHEMA_VERSION + 1):
                for statement in _MIGRATIONS[step]:
                    conn.execute(statement)
            if found < SCHEMA_VERSION:
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, holding the write lock from its first read (BEGIN IMMEDIATE)."""
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def _query(self, sql: str, params: tuple[Any, ...], schema: FrameSchema) -> pl.DataFrame:
        if not self.path.exists():  # reading never creates the database
            return pl.DataFrame(schema=schema)
        with self._connect() as conn:
            rows = conn.execute(sql, params).fetchall()
        return pl.DataFrame(rows, schema=schema, orient="row")

    # -- decisions -------------------------------------------------------------------------

    def decide(
        self,
        doc_id: str,
        framework_id: str,
        item_id: str,
        level: str,
        note: str | None = None,
        reviewer: str = "",
        text_hash: str | None = None,
        *,
        municipality: str | None = None,
        year: int | None = None,
    ) -> int:
        """Record an analyst's level (and note) for one cell; returns the new decision's id.

        `note=None` keeps the cell's current note; `""` clears it. `text_hash` is the
        document's text hash now, so the matrix can flag the cell when the document changes.
        """
        entry = NewDecision(
            doc_id, framework_id, item_id, level, note, text_hash, municipality, year
        )
        return self.decide_all([entry], reviewer)[0]

    def decide_all(
        self,
        entries: Sequence[NewDecision],
        reviewer: str,
        *,
        imported_by: str | None = None,
        unchanged_since: int | None = None,
    ) -> list[int]:
        """Record several decisions in one transaction: all of them, or (on any error) none.

        Each entry is its own history row, as if `decide` had been called for it; returns their
        ids. A workbook import uses this, so a killed import leaves no half-recorded workbook:
        `reviewer` is then who edited the workbook and `imported_by` who imported it. With
        `unchanged_since` (a `last_decision_id`), nothing is recorded if any decision was made
        after it: the caller judged the entries against that state.
        """
        name = _require_reviewer(reviewer)
        levels = [normalise_level(e.level) if e.item_id != REMARK_ITEM else None for e in entries]
        with self._transaction() as conn:
            if unchanged_since is not None and _last_id(conn) != unchanged_since:
                raise CompareError(
                    "a colleague recorded a decision while the workbook was being read; "
                    "nothing was recorded: import it again"
                )
            return [
                _insert_decision(conn, entry, level, name, imported_by)
                for entry, level in zip(entries, levels, strict=True)
            ]

    def last_decision_id(self) -> int:
        """The id of the newest decision (0 when there is none): a stamp of the state."""
        if not self.path.exists():
            return 0
        with self._connect() as conn:
            return _last_id(conn)

    def clear(self, doc_id: str, framework_id: str, item_id: str, reviewer: str) -> int:
        """Withdraw the decision on a cell, so the tagger's level applies again; returns the id.

        Recorded as a history row with no level and no note, like an undo back to the start.
        """
        name = _require_reviewer(reviewer)
        with self._transaction() as conn:
            previous = _current(conn, doc_id, framework_id, item_id)
            if previous is None or previous[1:] == (None, None):
                raise CompareError(f"{doc_id} {framework_id}/{item_id} has no decision to clear")
            cursor = conn.execute(
                "INSERT INTO decisions (doc_id, framework_id, item_id, reviewer, decided_at,"
                " previous_level, previous_note) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (doc_id, framework_id, item_id, name, _now(), *previous[1:]),
            )
            return _inserted_id(cursor)

    def set_remark(
        self,
        doc_id: str,
        framework_id: str,
        note: str,
        reviewer: str,
        text_hash: str | None = None,
        *,
        municipality: str | None = None,
        year: int | None = None,
    ) -> int:
        """Record the row remark ("Supplerende mål/bemærkninger") of a plan in a framework."""
        return self.decide(
            doc_id,
            framework_id,
            REMARK_ITEM,
            "",
            note,
            reviewer,
            text_hash,
            municipality=municipality,
            year=year,
        )

    def undo(self, decision_id: int, reviewer: str) -> int:
        """Restore the state before `decision_id` as a new history row; returns its id.

        Only the current decision of a cell can be undone (undo later ones first), so an undo
        never silently discards a colleague's later change. Undoing an undo redoes.
        """
        name = _require_reviewer(reviewer)
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT doc_id, municipality, year, framework_id, item_id, level, note, text_hash,"
                " previous_level, previous_note FROM decisions WHERE id = ?",
                (decision_id,),
            ).fetchone()
            if row is None:
                raise CompareError(f"there is no decision {decision_id} to undo")
            doc_id, municipality, year, framework_id, item_id, level, note, text_hash = row[:8]
            current = _current(conn, doc_id, framework_id, item_id)
            current_id = current[0] if current is not None else None
            if current_id != decision_id:
                raise CompareError(
                    f"decision {decision_id} is no longer the current one for "
                    f"{doc_id} {framework_id}/{item_id}: undo decision "
                    f"{current_id} first"
                )
            # The restored state keeps the text hash it was decided on, so re-check still works.
            before = conn.execute(
                "SELECT text_hash FROM decisions WHERE doc_id = ? AND framework_id = ? AND"
                " item_id = ? AND id < ? ORDER BY id DESC LIMIT 1",
                (doc_id, framework_id, item_id, decision_id),
            ).fetchone()
            cursor = conn.execute(
                "INSERT INTO decisions (doc_id, municipality, year, framework_id, item_id, level,"
                " note, reviewer, decided_at, text_hash, previous_level, previous_note,"
                " undone_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    doc_id,
                    municipality,
                    year,
                    framework_id,
                    item_id,
                    row[8],
                    row[9],
                    name,
                    _now(),
                    before[0] if before else text_hash,
                    level,
                    note,
                    decision_id,
                ),
            )
            return _inserted_id(cursor)

    def latest(self, include_remarks: bool = False) -> pl.DataFrame:
        """The current decision per (doc_id, framework_id, item_id), in that order.

        Cells whose current state is "no decision" (undone back to the tagger) are left out;
        row remarks are left out unless `include_remarks`.
        """
        frame = self._query(
            f"SELECT {', '.join(DECISIONS)} FROM decisions WHERE id IN (SELECT MAX(id) FROM"
            " decisions GROUP BY doc_id, framework_id, item_id)"
            " ORDER BY doc_id, framework_id, item_id",
            (),
            DECISIONS,
        )
        is_remark = pl.col("item_id") == REMARK_ITEM
        keep = pl.col("level").is_not_null() | (is_remark & pl.col("note").is_not_null())
        if not include_remarks:
            keep = keep & ~is_remark
        return frame.filter(keep)

    def remarks(self) -> pl.DataFrame:
        """The current non-empty row remark per (doc_id, framework_id)."""
        frame = self.latest(include_remarks=True)
        return frame.filter((pl.col("item_id") == REMARK_ITEM) & (pl.col("note") != ""))

    def history(
        self, doc_id: str | None = None, framework_id: str | None = None, item_id: str | None = None
    ) -> pl.DataFrame:
        """Every decision ever recorded (oldest first), optionally for one document/item."""
        where, params = _where(doc_id=doc_id, framework_id=framework_id, item_id=item_id)
        return self._query(
            f"SELECT {', '.join(DECISIONS)} FROM decisions{where} ORDER BY id", params, DECISIONS
        )

    # -- analysts' evidence passages -------------------------------------------------------

    def change_passage(
        self,
        doc_id: str,
        framework_id: str,
        item_id: str,
        seg_no: int,
        reviewer: str,
        *,
        included: bool | None = None,
        is_target: bool | None = None,
        passage: dict[str, Any] | None = None,
    ) -> int:
        """Record an analyst's change to one passage of a cell; returns the change's id.

        `included=True` adds the passage (`passage` gives its quote, heading_path, page and
        lines as shown, kept so it survives re-tagging), `False` removes it; `is_target` marks
        (or unmarks) it as the passage carrying the target. A value left None keeps the
        passage's current state for that field.
        """
        name = _require_reviewer(reviewer)
        with self._transaction() as conn:
            before = _current_passage(conn, doc_id, framework_id, item_id, seg_no)
            shown = dict(passage or {})
            if before is not None:
                for field, value in zip(_PASSAGE_TEXT, before[3:], strict=True):
                    shown.setdefault(field, value)
            keep_included = before[1] if before else None
            keep_target = before[2] if before else None
            return _insert_passage(
                conn,
                (doc_id, framework_id, item_id, int(seg_no)),
                keep_included if included is None else int(included),
                keep_target if is_target is None else int(is_target),
                shown,
                name,
            )

    def undo_passage(self, change_id: int, reviewer: str) -> int:
        """Restore a passage to its state before `change_id`, as a new history row."""
        name = _require_reviewer(reviewer)
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT doc_id, framework_id, item_id, seg_no FROM passage_changes WHERE id = ?",
                (change_id,),
            ).fetchone()
            if row is None:
                raise CompareError(f"there is no passage change {change_id} to undo")
            current = _current_passage(conn, *row)
            if current is None or current[0] != change_id:
                latest = current[0] if current else "?"
                raise CompareError(
                    f"passage change {change_id} is no longer the current one: undo "
                    f"change {latest} first"
                )
            earlier = conn.execute(
                "SELECT included, is_target FROM passage_changes WHERE doc_id = ? AND"
                " framework_id = ? AND item_id = ? AND seg_no = ? AND id < ?"
                " ORDER BY id DESC LIMIT 1",
                (*row, change_id),
            ).fetchone()
            included, is_target = earlier if earlier else (None, None)
            shown = dict(zip(_PASSAGE_TEXT, current[3:], strict=True))
            return _insert_passage(conn, row, included, is_target, shown, name, undone_of=change_id)

    def passages(self) -> pl.DataFrame:
        """The current analyst state per (cell, seg_no) where it differs from the tagger's."""
        frame = self._query_passages(
            " WHERE id IN (SELECT MAX(id) FROM passage_changes"
            " GROUP BY doc_id, framework_id, item_id, seg_no)"
            " ORDER BY doc_id, framework_id, item_id, seg_no",
            (),
        )
        return frame.filter(pl.col("included").is_not_null() | pl.col("is_target").is_not_null())

    def passage_history(
        self, doc_id: str | None = None, framework_id: str | None = None, item_id: str | None = None
    ) -> pl.DataFrame:
        """Every passage change ever recorded (oldest first), optionally for one cell."""
        where, params = _where(doc_id=doc_id, framework_id=framework_id, item_id=item_id)
        return self._query_passages(f"{where} ORDER BY id", params)

    def _query_passages(self, tail: str, params: tuple[Any, ...]) -> pl.DataFrame:
        # SQLite has no booleans: read the two flags as integers, then cast.
        flags = ("included", "is_target")
        raw = {name: pl.Int8 if name in flags else dtype for name, dtype in PASSAGE_CHANGES.items()}
        frame = self._query(
            f"SELECT {', '.join(PASSAGE_CHANGES)} FROM passage_changes{tail}", params, raw
        )
        return frame.with_columns(pl.col(*flags).cast(pl.Boolean))

    # -- metadata overrides ----------------------------------------------------------------

    def set_metadata(
        self,
        doc_id: str,
        field: str,
        value: str | int | None,
        reviewer: str,
        registry: Registry | None = None,
    ) -> int:
        """Override one detected metadata field of a document; `value=None` clears the override.

        A municipality is resolved through the registry (omit `registry` for the default one)
        and its kommunekode is set with it in the same transaction. Returns the change's id.
        """
        stored = _check_value(field, value)
        name = _require_reviewer(reviewer)
        changes = [(field, stored)]
        if field == "municipality":
            code = None
            if stored is not None:
                municipality = (registry or load_registry()).get(stored)
                stored, code = municipality.name, municipality.code
            changes = [("municipality", stored), ("kommunekode", code)]
        with self._transaction() as conn:
            ids = [_insert_change(conn, doc_id, f, v, name) for f, v in changes]
        return ids[0]

    def record_metadata(
        self, doc_ids: Sequence[str], values: Mapping[str, str | int], reviewer: str
    ) -> list[str]:
        """Record the same metadata `values` for each document (as stated at ingest); warnings.

        The documents frame already carries the values, so a store that cannot be written only
        costs the history, never the document: each failure is a warning, not an error.
        """
        warnings = []
        for doc_id in doc_ids if values else ():
            try:
                for field, value in values.items():
                    self.set_metadata(doc_id, field, value, reviewer)
            except Exception as err:  # noqa: BLE001 - the document is stored; only history is lost
                warnings.append(f"{doc_id}: overrides not recorded in the review store ({err})")
        return warnings

    def undo_metadata(self, change_id: int, reviewer: str) -> int:
        """Restore a metadata field to its value before `change_id`, as a new history row."""
        name = _require_reviewer(reviewer)
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT doc_id, field, previous_value FROM metadata_changes WHERE id = ?",
                (change_id,),
            ).fetchone()
            if row is None:
                raise CompareError(f"there is no metadata change {change_id} to undo")
            current = conn.execute(
                "SELECT MAX(id) FROM metadata_changes WHERE doc_id = ? AND field = ?", row[:2]
            ).fetchone()[0]
            if current != change_id:
                raise CompareError(
                    f"metadata change {change_id} is no longer the current one "
                    f"for {row[0]} {row[1]}: undo change {current} first"
                )
            return _insert_change(conn, row[0], row[1], row[2], name, undone_of=change_id)

    def metadata_overrides(self) -> pl.DataFrame:
        """The current override per (doc_id, field) that is set (not cleared)."""
        frame = self._query(
            f"SELECT {', '.join(METADATA_CHANGES)} FROM metadata_changes WHERE id IN"
            " (SELECT MAX(id) FROM metadata_changes GROUP BY doc_id, field) ORDER BY doc_id, field",
            (),
            METADATA_CHANGES,
        )
        return frame.filter(pl.col("value").is_not_null())

    def metadata_history(self, doc_id: str | None = None) -> pl.DataFrame:
        """Every metadata change ever recorded (oldest first), optionally for one document."""
        where, params = _where(doc_id=doc_id)
        return self._query(
            f"SELECT {', '.join(METADATA_CHANGES)} FROM metadata_changes{where} ORDER BY id",
            params,
            METADATA_CHANGES,
        )

    def integrity_check(self) -> str:
        """SQLite's own consistency check of the database file ("ok" when sound)."""
        with self._connect() as conn:
            return "; ".join(row[0] for row in conn.execute("PRAGMA integrity_check"))


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch the database to WAL (persistent, so usually already done).

    The switch needs an exclusive lock and SQLite answers "locked" at once, without its busy
    handler, when another process opens the new file at the same moment: so wait here instead.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def _insert_decision(
    conn: sqlite3.Connection,
    entry: NewDecision,
    level: str | None,
    reviewer: str,
    imported_by: str | None = None,
) -> int:
    """Insert one decision row inside an open transaction; returns its id."""
    previous = _current(conn, entry.doc_id, entry.framework_id, entry.item_id)
    prev_level, prev_note = previous[1:] if previous else (None, None)
    cursor = conn.execute(
        "INSERT INTO decisions (doc_id, municipality, year, framework_id, item_id, level,"
        " note, reviewer, decided_at, text_hash, previous_level, previous_note, imported_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            entry.doc_id,
            entry.municipality,
            entry.year,
            entry.framework_id,
            entry.item_id,
            level,
            prev_note if entry.note is None else entry.note,
            reviewer,
            _now(),
            entry.text_hash,
            prev_level,
            prev_note,
            (imported_by or "").strip() or None,
        ),
    )
    return _inserted_id(cursor)


def _last_id(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM decisions").fetchone()[0])


def _current(
    conn: sqlite3.Connection, doc_id: str, framework_id: str, item_id: str
) -> tuple[int, str | None, str | None] | None:
    return conn.execute(
        "SELECT id, level, note FROM decisions WHERE doc_id = ? AND framework_id = ? AND"
        " item_id = ? ORDER BY id DESC LIMIT 1",
        (doc_id, framework_id, item_id),
    ).fetchone()


_PASSAGE_TEXT = ("quote", "heading_path", "page", "line_start", "line_end")


def _current_passage(
    conn: sqlite3.Connection, doc_id: str, framework_id: str, item_id: str, seg_no: int
) -> tuple[Any, ...] | None:
    return conn.execute(
        f"SELECT id, included, is_target, {', '.join(_PASSAGE_TEXT)} FROM passage_changes"
        " WHERE doc_id = ? AND framework_id = ? AND item_id = ? AND seg_no = ?"
        " ORDER BY id DESC LIMIT 1",
        (doc_id, framework_id, item_id, int(seg_no)),
    ).fetchone()


def _insert_passage(
    conn: sqlite3.Connection,
    cell: tuple[Any, ...],
    included: int | None,
    is_target: int | None,
    shown: dict[str, Any],
    reviewer: str,
    undone_of: int | None = None,
) -> int:
    cursor = conn.execute(
        "INSERT INTO passage_changes (doc_id, framework_id, item_id, seg_no, included,"
        f" is_target, {', '.join(_PASSAGE_TEXT)}, reviewer, changed_at, undone_of)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            *cell,
            included,
            is_target,
            *(shown.get(field) for field in _PASSAGE_TEXT),
            reviewer,
            _now(),
            undone_of,
        ),
    )
    return _inserted_id(cursor)


def _insert_change(
    conn: sqlite3.Connection,
    doc_id: str,
    field: str,
    value: str | None,
    reviewer: str,
    undone_of: int | None = None,
) -> int:
    previous = conn.execute(
        "SELECT value FROM metadata_changes WHERE doc_id = ? AND field = ? ORDER BY id DESC"
        " LIMIT 1",
        (doc_id, field),
    ).fetchone()
    cursor = conn.execute(
        "INSERT INTO metadata_changes (doc_id, field, value, previous_value, reviewer,"
        " changed_at, undone_of) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (doc_id, field, value, previous[0] if previous else None, reviewer, _now(), undone_of),
    )
    return _inserted_id(cursor)


def _where(**filters: str | None) -> tuple[str, tuple[str, ...]]:
    used = {name: value for name, value in filters.items() if value is not None}
    if not used:
        return "", ()
    return " WHERE " + " AND ".join(f"{name} = ?" for name in used), tuple(used.values())

"""Narratives: the analysts' texts of the written overview, kept with history in review.sqlite.

A narrative is the text an analyst writes for one item of a framework in one council's overview
of one year (the themes table of seed 003), or for one municipality in a per-municipality table
(seed 003's *Handicapindsatsen*: `municipality` set). Like decisions they are append-only: each
save is a new row with who, when and the text it replaced. The table lives in the same SQLite
file as the decisions but is created here, with `CREATE TABLE IF NOT EXISTS`, and does not touch
the review schema's `user_version`: an old database gains the table on first use and keeps
working with programs that do not know it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl

from compare.errors import CompareError
from compare.schema import NARRATIVES
from compare.store.review_db import BUSY_TIMEOUT_MS, _now, _require_reviewer, _use_wal
from compare.store.workspace import Workspace

THEME_ROW = ""  # `municipality` of a narrative on the whole item (not one municipality's row)

_KEY = ("council", "year", "framework_id", "item_id", "municipality")
_STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS narratives (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        council TEXT NOT NULL,
        year INTEGER NOT NULL,
        framework_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        municipality TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL,
        reviewer TEXT NOT NULL CHECK (length(trim(reviewer)) > 0),
        saved_at TEXT NOT NULL,
        previous_text TEXT,
        draft_text TEXT)""",
    "CREATE INDEX IF NOT EXISTS narratives_key"
    " ON narratives (council, year, framework_id, item_id, municipality, id)",
    *(
        f"CREATE TRIGGER IF NOT EXISTS narratives_no_{action} BEFORE {action.upper()}"
        " ON narratives BEGIN SELECT RAISE(ABORT, 'narrative history is append-only'); END"
        for action in ("update", "delete")
    ),
)


class NarrativeStore:
    """Append-only store of narrative texts, in the workspace's review database file."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    @classmethod
    def for_workspace(cls, ws: Workspace) -> NarrativeStore:
        """The store kept in the workspace's `review.sqlite`."""
        return cls(ws.review_db_path)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            try:
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                _use_wal(conn)
                conn.execute("PRAGMA synchronous = FULL")
                for statement in _STATEMENTS:
                    conn.execute(statement)
            except sqlite3.DatabaseError as err:
                raise CompareError(
                    f"{self.path}: the review database cannot be opened ({err}); "
                    "it is left untouched: restore it from a backup or move it away"
                ) from err
            yield conn
        finally:
            conn.close()

    def save(
        self,
        council: str,
        year: int,
        framework_id: str,
        item_id: str,
        text: str,
        reviewer: str,
        *,
        municipality: str = THEME_ROW,
        draft_text: str | None = None,
    ) -> int:
        """Record a new text for one narrative; returns the new row's id.

        `draft_text` is the machine draft the analyst saw, so a saved text can be told apart
        from an accepted draft. Saving the text it already has records nothing and returns
        the current id.
        """
        name = _require_reviewer(reviewer)
        body = (text or "").strip()
        if not body:
            raise CompareError("the narrative text is empty: write something before saving")
        key = (council.strip(), int(year), framework_id, str(item_id), municipality or THEME_ROW)
        if not key[0]:
            raise CompareError("council is missing: say whose overview the text belongs to")
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                current = conn.execute(
                    f"SELECT id, text FROM narratives WHERE {_match()} ORDER BY id DESC LIMIT 1",
                    key,
                ).fetchone()
                if current is not None and current[1] == body:
                    conn.execute("COMMIT")
                    return int(current[0])
                cursor = conn.execute(
                    "INSERT INTO narratives (council, year, framework_id, item_id, municipality,"
                    " text, reviewer, saved_at, previous_text, draft_text)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*key, body, name, _now(), current[1] if current else None, draft_text),
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return int(cursor.lastrowid or 0)

    def _query(self, sql: str, params: tuple[Any, ...]) -> pl.DataFrame:
        if not self.path.exists():  # reading never creates the database
            return pl.DataFrame(schema=NARRATIVES)
        with self._connect() as conn:
            rows = conn.execute(sql, params).fetchall()
        return pl.DataFrame(rows, schema=NARRATIVES, orient="row")

    def latest(
        self, council: str, year: int, framework_id: str | None = None, *, rows: bool = False
    ) -> pl.DataFrame:
        """The current text per narrative of a council's overview of `year`.

        Theme narratives only, unless `rows` (then only per-municipality rows).
        """
        where = "council = ? AND year = ?" + (" AND framework_id = ?" if framework_id else "")
        where += " AND municipality != ''" if rows else " AND municipality = ''"
        params: tuple[Any, ...] = (council, int(year), *((framework_id,) if framework_id else ()))
        return self._query(
            f"SELECT {', '.join(NARRATIVES)} FROM narratives WHERE id IN (SELECT MAX(id) FROM"
            f" narratives WHERE {where} GROUP BY {', '.join(_KEY)}) ORDER BY id",
            params,
        )

    def current(
        self,
        council: str,
        year: int,
        framework_id: str,
        item_id: str,
        municipality: str = THEME_ROW,
    ) -> dict[str, Any] | None:
        """The current row of one narrative, or None if it was never saved."""
        frame = self.history(council, year, framework_id, item_id, municipality)
        return frame.row(-1, named=True) if frame.height else None

    def history(
        self,
        council: str,
        year: int,
        framework_id: str,
        item_id: str,
        municipality: str = THEME_ROW,
    ) -> pl.DataFrame:
        """Every save of one narrative, oldest first."""
        return self._query(
            f"SELECT {', '.join(NARRATIVES)} FROM narratives WHERE {_match()} ORDER BY id",
            (council, int(year), framework_id, str(item_id), municipality or THEME_ROW),
        )


def _match() -> str:
    return " AND ".join(f"{column} = ?" for column in _KEY)


def narrative_texts(latest: pl.DataFrame) -> dict[str, dict[str, Any]]:
    """item_id (or "item_id/municipality" for table rows) -> its current narrative row."""
    out: dict[str, dict[str, Any]] = {}
    for row in latest.iter_rows(named=True):
        key = (
            row["item_id"] if not row["municipality"] else f"{row['item_id']}/{row['municipality']}"
        )
        out[key] = row
    return out

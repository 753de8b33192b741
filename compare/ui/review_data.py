"""Cached loaders for the review side of the matrix page: effective evidence and confidence.

Keyed like `compare.ui.data` on the workspace folder and its file stamps (which include the
review database's log), so an analyst's passage change or a re-tag is read on the next run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

from compare.review.evidence import effective_evidence
from compare.review.queue import CELL
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace
from compare.ui import data

CONFIDENCE_COLUMNS = ("confidence", "confidence_reason")  # added to TAGS by the tagger


def cell_evidence(ws: Workspace, doc_id: str, framework_id: str, item_id: str) -> pl.DataFrame:
    """The effective evidence of one cell (EFFECTIVE_EVIDENCE): tagger's passages with the
    analysts' additions, removals and target marks merged in, best first."""
    return _cell_evidence(str(ws.root), data.workspace_stamp(ws), doc_id, framework_id, item_id)


def cell_tag(ws: Workspace, doc_id: str, framework_id: str, item_id: str) -> dict[str, Any]:
    """The tagger's row of one cell ({} where there is none): re-read only when the tags file
    changes, not after every decision."""
    rows = _tagger_rows(str(ws.root), _mtime(ws.tags_path), "tags", doc_id, framework_id, item_id)
    return rows.row(0, named=True) if rows.height else {}


def history(ws: Workspace) -> pl.DataFrame:
    """Every decision ever recorded (DECISIONS, oldest first): read once per workspace change."""
    return _history(str(ws.root), data.workspace_stamp(ws))


def cell_history(ws: Workspace, doc_id: str, framework_id: str, item_id: str) -> pl.DataFrame:
    """The decisions on one cell (or, with item_id REMARK_ITEM, on a row remark), oldest first."""
    return _only(history(ws), doc_id, framework_id, item_id)


def passage_history(ws: Workspace, doc_id: str, framework_id: str, item_id: str) -> pl.DataFrame:
    """The passage changes of one cell (PASSAGE_CHANGES), oldest first."""
    frame = _passage_history(str(ws.root), data.workspace_stamp(ws))
    return _only(frame, doc_id, framework_id, item_id)


def confidence(ws: Workspace, framework_ids: tuple[str, ...]) -> pl.DataFrame | None:
    """The tagger's confidence per cell (doc_id, framework_id, item_id, confidence[,
    confidence_reason]) for these frameworks; None while the tags carry no confidence."""
    # Keyed on the tags file alone: a decision does not change the tagger's confidence.
    return _confidence(str(ws.root), _mtime(ws.tags_path), framework_ids)


def _mtime(path: Path) -> int:
    return path.stat().st_mtime_ns if path.exists() else 0


def _only(frame: pl.DataFrame, doc_id: str, framework_id: str, item_id: str) -> pl.DataFrame:
    return frame.filter(
        (pl.col("doc_id") == doc_id)
        & (pl.col("framework_id") == framework_id)
        & (pl.col("item_id") == item_id)
    )


@st.cache_data(max_entries=4, show_spinner=False)
def _history(root: str, stamp: data.Stamp) -> pl.DataFrame:
    return ReviewStore.for_workspace(Workspace(Path(root))).history()


@st.cache_data(max_entries=4, show_spinner=False)
def _passage_history(root: str, stamp: data.Stamp) -> pl.DataFrame:
    return ReviewStore.for_workspace(Workspace(Path(root))).passage_history()


@st.cache_data(max_entries=4, show_spinner=False)
def _passages(root: str, stamp: data.Stamp) -> pl.DataFrame:
    return ReviewStore.for_workspace(Workspace(Path(root))).passages()


@st.cache_data(max_entries=64, show_spinner=False)
def _cell_evidence(
    root: str, stamp: data.Stamp, doc_id: str, framework_id: str, item_id: str
) -> pl.DataFrame:
    ws = Workspace(Path(root))
    tagger = _tagger_rows(root, _mtime(ws.evidence_path), "evidence", doc_id, framework_id, item_id)
    mine = _only(_passages(root, stamp), doc_id, framework_id, item_id)
    return effective_evidence(tagger, mine)


@st.cache_data(max_entries=64, show_spinner=False)
def _tagger_rows(
    root: str, stamp: int, table: str, doc_id: str, framework_id: str, item_id: str
) -> pl.DataFrame:
    # Only the cell's rows (predicate pushdown), keyed on that one file's modification time.
    ws = Workspace(Path(root))
    cell = (
        (pl.col("doc_id") == doc_id)
        & (pl.col("framework_id") == framework_id)
        & (pl.col("item_id") == item_id)
    )
    return ws.read_evidence(cell) if table == "evidence" else ws.read_tags(cell)


@st.cache_data(max_entries=8, show_spinner=False)
def _confidence(root: str, stamp: int, framework_ids: tuple[str, ...]) -> pl.DataFrame | None:
    tags = Workspace(Path(root)).read_tags(pl.col("framework_id").is_in(list(framework_ids)))
    present = [c for c in CONFIDENCE_COLUMNS if c in tags.columns]
    if "confidence" not in present:  # TAGS has no confidence yet: the queue orders by margin
        return None
    return tags.select(*CELL, *present)

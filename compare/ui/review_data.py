"""Cached loaders for the review side of the matrix page: effective evidence and confidence.

Keyed like `compare.ui.data` on the workspace folder and its file stamps (which include the
review database's log), so an analyst's passage change or a re-tag is read on the next run.
"""

from __future__ import annotations

from pathlib import Path

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


def confidence(ws: Workspace, framework_ids: tuple[str, ...]) -> pl.DataFrame | None:
    """The tagger's confidence per cell (doc_id, framework_id, item_id, confidence[,
    confidence_reason]) for these frameworks; None while the tags carry no confidence."""
    return _confidence(str(ws.root), data.workspace_stamp(ws), framework_ids)


@st.cache_data(max_entries=64, show_spinner=False)
def _cell_evidence(
    root: str, stamp: data.Stamp, doc_id: str, framework_id: str, item_id: str
) -> pl.DataFrame:
    ws = Workspace(Path(root))
    tagger = data.cell_evidence(ws, doc_id, framework_id, item_id)
    passages = ReviewStore.for_workspace(ws).passages()
    mine = passages.filter(
        (pl.col("doc_id") == doc_id)
        & (pl.col("framework_id") == framework_id)
        & (pl.col("item_id") == item_id)
    )
    return effective_evidence(tagger, mine)


@st.cache_data(max_entries=8, show_spinner=False)
def _confidence(
    root: str, stamp: data.Stamp, framework_ids: tuple[str, ...]
) -> pl.DataFrame | None:
    path = Workspace(Path(root)).tags_path
    if not path.exists():
        return None
    scan = pl.scan_parquet(path)
    present = [c for c in CONFIDENCE_COLUMNS if c in scan.collect_schema().names()]
    if "confidence" not in present:
        return None
    return (
        scan.filter(pl.col("framework_id").is_in(list(framework_ids)))
        .select(*CELL, *present)
        .collect()
    )

"""Cached, read-only loaders for the app: one call into the core per page run.

Every loader is keyed on cheap inputs — the workspace folder and the modification stamps of its
files — so a re-run after a click reads nothing from disk, and any write (an ingest, a re-tag, a
colleague's decision) changes the stamp and so the key. Nothing here writes a file or shows a
message; after the app itself writes, pages call `clear()` to be certain the next run re-reads.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import streamlit as st

from compare.errors import CompareError
from compare.frameworks.catalog import Framework, frameworks_dir, load_frameworks
from compare.frameworks.files import SUFFIXES
from compare.registry.lookup import Registry, load_registry
from compare.review.matrix import matrix_cells
from compare.schema import KIND_PLAN, SEGMENTS, conform
from compare.store.documents import load_documents
from compare.store.workspace import Workspace, default_workspace

Stamp = tuple[float | int, ...]


def configuration_error() -> str | None:
    """What is wrong with the configured folders (a `$COMPARE_FRAMEWORKS` naming none), or None."""
    try:
        frameworks_dir()
    except CompareError as err:
        return str(err)
    return None


def app_workspace() -> Workspace:
    """The workspace the app shows: `$COMPARE_WORKSPACE`, else data/workspace (made if absent)."""
    return Workspace.open(default_workspace())


def workspace_stamp(ws: Workspace) -> Stamp:
    """The workspace's file stamps (`ws.mtimes()`) and the size of the review database's log.

    A decision is written to `review.sqlite-wal`; two decisions within one tick of the file
    system's clock leave the log's modification time as it was, but not its size.
    """
    wal = ws.review_wal_path
    return (*ws.mtimes(), wal.stat().st_size if wal.exists() else 0)


def frameworks_stamp(folder: Path | None = None) -> tuple[tuple[str, int], ...]:
    """Names and modification times of the framework files: the frameworks' cache key."""
    folder = folder if folder is not None else frameworks_dir()
    if not folder.is_dir():
        return ()
    return tuple(
        sorted(
            (p.name, p.stat().st_mtime_ns) for p in folder.iterdir() if p.suffix.lower() in SUFFIXES
        )
    )


_generation = [0]  # how many times `clear` was called in this process


def clear() -> None:
    """Forget every cached load: called right after the app itself writes to the workspace."""
    st.cache_data.clear()
    _generation[0] += 1


def data_key(ws: Workspace) -> tuple[object, ...]:
    """What the workspace's and the frameworks' data are now, as a key for anything a page
    computes from them: it changes with every write (the stamps) and every `clear()`."""
    return (str(ws.root), workspace_stamp(ws), frameworks_stamp(), _generation[0])


def documents(ws: Workspace) -> pl.DataFrame:
    """All documents, with the analysts' metadata overrides applied."""
    return _documents(str(ws.root), workspace_stamp(ws))


def plan_count(ws: Workspace) -> int:
    """How many plans the workspace holds (0 opens the app on the upload page)."""
    docs = documents(ws)
    return docs.filter(pl.col("kind") == KIND_PLAN).height


def cells(
    ws: Workspace, framework_ids: tuple[str, ...] | None, kinds: tuple[str, ...]
) -> pl.DataFrame:
    """The effective matrix in long form (MATRIX_CELLS) for these frameworks and document kinds."""
    return _cells(str(ws.root), workspace_stamp(ws), framework_ids, kinds)


def segments(ws: Workspace, doc_id: str) -> pl.DataFrame:
    """The segments of one document, in order."""
    return _segments(str(ws.root), workspace_stamp(ws), doc_id)


def frameworks() -> list[Framework]:
    """Every framework in the frameworks folder, re-read when a file there changes."""
    folder = frameworks_dir()  # $COMPARE_FRAMEWORKS or data/frameworks, read per call
    return _frameworks(str(folder), frameworks_stamp(folder))


def registry() -> Registry:
    """The municipality registry (cached by the registry module itself)."""
    return load_registry()


@st.cache_data(max_entries=4, show_spinner=False)
def _documents(root: str, stamp: Stamp) -> pl.DataFrame:
    return load_documents(Workspace(Path(root)))


@st.cache_data(max_entries=16, show_spinner=False)
def _cells(
    root: str, stamp: Stamp, framework_ids: tuple[str, ...] | None, kinds: tuple[str, ...]
) -> pl.DataFrame:
    ids = list(framework_ids) if framework_ids is not None else None
    return matrix_cells(Workspace(Path(root)), framework_ids=ids, kinds=kinds)


@st.cache_data(max_entries=8, show_spinner=False)
def _segments(root: str, stamp: Stamp, doc_id: str) -> pl.DataFrame:
    frame = Workspace(Path(root)).read_segments([doc_id])
    return conform(frame, SEGMENTS).sort("seg_no")


@st.cache_data(max_entries=2, show_spinner=False)
def _frameworks(folder: str, stamp: tuple[tuple[str, int], ...]) -> list[Framework]:
    return load_frameworks(Path(folder))

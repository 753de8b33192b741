"""Cached, read-only loaders for the analysis pages (overview, plan, years, search, frameworks).

Same rules as `compare.ui.data`: keyed on the workspace folder and its file stamps (and the
frameworks folder's), nothing here writes a file or shows a message. Documents and matrix cells
come from `compare.ui.data`'s caches, so every page shares one read of them per workspace state.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import streamlit as st

from compare.analysis import search as search_core
from compare.analysis.item_table import item_table as build_item_table
from compare.analysis.overview import theme_overview
from compare.analysis.scope import overview_evidence, resolve_scope, scope_documents
from compare.analysis.years import compare_years
from compare.frameworks.catalog import Framework, find_framework, frameworks_dir, load_frameworks
from compare.registry.lookup import load_registry
from compare.review.evidence import effective_evidence
from compare.review.matrix import matrix_cells
from compare.schema import KIND_PLAN
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace
from compare.ui import data
from compare.ui.tables import docs_for_year

ALL_COUNCILS = "Alle"


def overview(
    ws: Workspace, framework_id: str, year: int | None, council: str
) -> tuple[Framework, pl.DataFrame]:
    """The theme overview of one framework over the plans of `year` (None: all) in `council`."""
    folder = frameworks_dir()
    return _overview(
        str(ws.root),
        data.workspace_stamp(ws),
        str(folder),
        data.frameworks_stamp(folder),
        framework_id,
        year,
        council,
    )


def item_table(
    ws: Workspace, framework_id: str, item_id: str, year: int, council: str
) -> pl.DataFrame:
    """The machine drafts of one item's table per municipality of `council` (ITEM_TABLE)."""
    folder = frameworks_dir()
    return _item_table(
        str(ws.root),
        data.workspace_stamp(ws),
        str(folder),
        data.frameworks_stamp(folder),
        framework_id,
        item_id,
        year,
        council,
    )


@st.cache_data(max_entries=16, show_spinner=False)
def _item_table(
    root: str,
    stamp: tuple,
    folder: str,
    fw_stamp: tuple,
    framework_id: str,
    item_id: str,
    year: int,
    council: str,
) -> pl.DataFrame:
    ws = Workspace(Path(root))
    framework = find_framework(framework_id, Path(folder))
    scope = resolve_scope(framework, council, year)
    documents = scope_documents(docs_for_year(data.documents(ws), year, [KIND_PLAN]), scope)
    cells = data.cells(ws, (framework_id,), (KIND_PLAN,))
    cells = cells.filter(pl.col("doc_id").is_in(documents["doc_id"].implode()))
    evidence = overview_evidence(ws).filter(pl.col("framework_id") == framework_id)
    rows = load_registry().jobcentre_rows(scope.council or council, year)
    members = [m for _, names in rows for m in names]
    return build_item_table(cells, evidence, framework_id, item_id, members)


def plan_evidence(ws: Workspace, doc_id: str) -> pl.DataFrame:
    """Every evidence passage of one document, all frameworks, best first per item."""
    return _plan_evidence(str(ws.root), data.workspace_stamp(ws), doc_id)


def plan_cells(ws: Workspace, doc_id: str) -> pl.DataFrame:
    """The effective matrix cells of one document, every framework (whatever its kind)."""
    return _plan_cells(str(ws.root), data.workspace_stamp(ws), doc_id)


def years(ws: Workspace, municipality: str, year_a: int, year_b: int) -> pl.DataFrame:
    """One municipality's plans of two years compared (YEAR_COMPARISON frame)."""
    folder = frameworks_dir()
    return _years(
        str(ws.root),
        data.workspace_stamp(ws),
        str(folder),
        data.frameworks_stamp(folder),
        municipality,
        year_a,
        year_b,
    )


def plan_cells_all(ws: Workspace) -> pl.DataFrame:
    """The effective matrix over every framework, plans only: which municipality has which years."""
    return data.cells(ws, None, (KIND_PLAN,))


def search(ws: Workspace, query: str, limit: int, plans_only: bool) -> pl.DataFrame:
    """Search hits (SEARCH_RESULTS). The term index must be fresh: call `search_core.load_index`
    first, outside the cache, since it may write the index file."""
    kinds = (KIND_PLAN,) if plans_only else None
    stamp = (*data.workspace_stamp(ws), _index_stamp(ws))
    return _search(str(ws.root), stamp, query, limit, kinds)


def _index_stamp(ws: Workspace) -> int:
    path = ws.search_index_path
    return path.stat().st_mtime_ns if path.exists() else 0


@st.cache_data(max_entries=16, show_spinner=False)
def _overview(
    root: str,
    stamp: tuple,
    folder: str,
    fw_stamp: tuple,
    framework_id: str,
    year: int | None,
    council: str,
) -> tuple[Framework, pl.DataFrame]:
    ws = Workspace(Path(root))
    framework = find_framework(framework_id, Path(folder))
    # The overview helper's scope: a framework that names its council covers only its members.
    scope = resolve_scope(framework, None if council == ALL_COUNCILS else council, year)
    documents = scope_documents(docs_for_year(data.documents(ws), year, [KIND_PLAN]), scope)
    cells = data.cells(ws, (framework_id,), (KIND_PLAN,))
    cells = cells.filter(pl.col("doc_id").is_in(documents["doc_id"].implode()))
    evidence = overview_evidence(ws).filter(pl.col("framework_id") == framework_id)
    return framework, theme_overview(cells, evidence, framework)


def _evidence_rows(ws: Workspace, condition: pl.Expr) -> pl.DataFrame:
    # The effective evidence: analysts' added/removed/marked passages merged in (review/evidence).
    passages = ReviewStore.for_workspace(ws).passages().filter(condition)
    return effective_evidence(ws.read_evidence(condition), passages)


@st.cache_data(max_entries=8, show_spinner=False)
def _plan_evidence(root: str, stamp: tuple, doc_id: str) -> pl.DataFrame:
    ws = Workspace(Path(root))
    return _evidence_rows(ws, pl.col("doc_id") == doc_id).sort("framework_id", "item_id", "rank")


@st.cache_data(max_entries=8, show_spinner=False)
def _plan_cells(root: str, stamp: tuple, doc_id: str) -> pl.DataFrame:
    ws = Workspace(Path(root))
    documents = data.documents(ws)  # shared with the other pages' cache
    cells = matrix_cells(ws, None, kinds=None, include_superseded=True, documents=documents)
    return cells.filter(pl.col("doc_id") == doc_id)


@st.cache_data(max_entries=8, show_spinner=False)
def _years(
    root: str,
    stamp: tuple,
    folder: str,
    fw_stamp: tuple,
    municipality: str,
    year_a: int,
    year_b: int,
) -> pl.DataFrame:
    ws = Workspace(Path(root))
    cells = data.cells(ws, None, (KIND_PLAN,))
    docs = cells.filter(pl.col("municipality") == municipality)["doc_id"].unique()
    evidence = _evidence_rows(ws, pl.col("doc_id").is_in(docs.implode()))
    frameworks = load_frameworks(Path(folder), errors=[])
    return compare_years(cells, frameworks, municipality, year_a, year_b, evidence)


@st.cache_data(max_entries=16, show_spinner=False)
def _search(
    root: str, stamp: tuple, query: str, limit: int, kinds: tuple[str, ...] | None
) -> pl.DataFrame:
    return search_core.search(Workspace(Path(root)), query, limit=limit, kinds=kinds)

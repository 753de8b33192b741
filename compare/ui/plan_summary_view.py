"""The Plan page's summary tab: period, kind, focus areas, own targets, levels, remarks draft."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

from compare.analysis.plan_summary import plan_summary
from compare.errors import CompareError
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace
from compare.ui import analysis, data, state
from compare.ui.components import escape_markdown

KIND_NAMES = {"plan": "Beskæftigelsesplan", "overview": "Regional oversigt", "other": "Andet"}


@st.cache_data(max_entries=8, show_spinner=False)
def _tags(root: str, stamp: tuple, doc_id: str) -> pl.DataFrame:
    return Workspace(Path(root)).read_tags().filter(pl.col("doc_id") == doc_id)


def summary_of(ws: Workspace, doc: dict[str, Any], segments: pl.DataFrame) -> dict[str, Any]:
    """The plan summary of one document (`compare.analysis.plan_summary`)."""
    return plan_summary(
        doc,
        segments,
        analysis.plan_evidence(ws, doc["doc_id"]),
        _tags(str(ws.root), data.workspace_stamp(ws), doc["doc_id"]),
        analysis.plan_cells(ws, doc["doc_id"]),
        data.frameworks(),
    )


def render_summary(ws: Workspace, doc: dict[str, Any], segments: pl.DataFrame) -> None:
    """Show the summary; the remarks draft is accepted as the row remark with one click."""
    summary = summary_of(ws, doc, segments)
    st.markdown(
        f"**Periode:** {summary['period']} · **Type:** "
        f"{KIND_NAMES.get(summary['kind'] or '', summary['kind'] or '?')}"
    )
    if summary["focus_areas"]:
        st.markdown(
            "**Fokusområder:** " + " · ".join(escape_markdown(f) for f in summary["focus_areas"])
        )
    for level in summary["levels"]:
        st.markdown(
            f"**{escape_markdown(level['title'])}:** {level['n_target']} X, "
            f"{level['n_addressed']} (X) af {level['n_items']} punkter "
            f"({escape_markdown(' · '.join(v or '–' for v in level['levels']))})"
        )
    targets = summary["targets"]
    st.markdown(f"**Planens egne mål ({targets.height})**")
    if targets.height:
        table = targets.select(
            pl.col("sentence").alias("Mål"),
            pl.col("heading_path").alias("Afsnit"),
            pl.col("page").alias("Side"),
            pl.format("{}–{}", "line_start", "line_end").alias("Linjer"),
            pl.when(pl.col("serves").list.len() == 0)
            .then(pl.lit("supplerende"))
            .otherwise(pl.col("serves").list.join(", "))
            .alias("Tjener"),
        )
        st.dataframe(table, hide_index=True, width="stretch")
    _remarks(ws, doc, summary)


def _remarks(ws: Workspace, doc: dict[str, Any], summary: dict[str, Any]) -> None:
    framework_id = summary["goals_framework"]
    draft = summary["remarks_draft"]
    if not framework_id or not draft:
        return
    store = ReviewStore.for_workspace(ws)
    current = store.remarks().filter(
        (pl.col("doc_id") == doc["doc_id"]) & (pl.col("framework_id") == framework_id)
    )
    accepted = current["note"][0] if current.height else None
    st.markdown("**Supplerende mål/bemærkninger**")
    key = f"{state.PLAN_SUMMARY_REMARK}:{doc['doc_id']}"
    text = st.text_area(
        "Udkast fra de mål, der ikke tjener et ministermål", value=accepted or draft, key=key
    )
    reviewer = st.session_state.get(state.REVIEWER, "") or ""
    cols = st.columns([1, 3])
    if cols[0].button("Godkend som bemærkning", key=f"{key}:accept", disabled=not reviewer.strip()):
        try:
            store.set_remark(
                doc["doc_id"],
                framework_id,
                text.strip(),
                reviewer,
                doc.get("text_hash"),
                municipality=doc.get("municipality"),
                year=doc.get("year"),
            )
        except CompareError as err:
            st.error(str(err))
        else:
            accepted = text.strip()
    if accepted is None:
        cols[1].markdown(":orange[Udkast – ikke godkendt] (matrixens bemærkning er tom)")
    elif accepted == (text or "").strip():
        cols[1].markdown(":green[Godkendt] som matrixens bemærkning")
    else:
        cols[1].markdown(":orange[Ændringer ikke godkendt]")

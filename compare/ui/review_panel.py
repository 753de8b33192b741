"""The cell panel under the matrix: why the tool says what it says, and the analyst's decision.

Decisions are written through `compare.review.decisions.record_decision` inside button callbacks,
so the run that follows a click already reads the new state; every change is in the review
history and can be undone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

from compare.errors import CompareError
from compare.frameworks.catalog import Framework
from compare.review.decisions import record_decision
from compare.schema import LEVEL_ADDRESSED, LEVEL_NONE, LEVEL_TARGET, LEVELS
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace
from compare.ui import data, state
from compare.ui.components import LEVEL_NAMES, escape_markdown, render_evidence
from compare.ui.pages.plan import open_plan

HISTORY_COLUMNS = {
    "decided_at": "Tidspunkt",
    "reviewer": "Hvem",
    "previous_level": "Fra",
    "level": "Til",
    "note": "Note",
    "undone_of": "Fortryder nr.",
    "id": "Nr.",
}


def render_cell(
    ws: Workspace,
    doc: dict[str, Any],
    framework: Framework,
    item_id: str,
    cell: dict[str, Any] | None,
) -> None:
    """Show one cell's evidence and its review form; `cell` is its MATRIX_CELLS row, if any."""
    item = framework.item(item_id)
    who = doc["municipality"] or doc["file_name"]
    st.subheader(escape_markdown(f"{who} {doc['year'] or ''} — {item.label}"))
    st.caption(escape_markdown(" · ".join(x for x in (framework.title, item.group) if x)))
    state.show_flash()
    if cell is None:
        st.info(
            "Dette punkt er ikke tagget for dokumentet (rammen gælder ikke dets år, eller "
            "dokumentet er ikke tagget endnu)."
        )
        return

    evidence_col, form_col = st.columns([3, 2], gap="large")
    with evidence_col:
        _render_summary(ws, doc, framework.id, item_id, cell)
        st.markdown("**Tekstpassager** (fundne ord fremhævet)")
        render_evidence(
            data.cell_evidence(ws, doc["doc_id"], framework.id, item_id),
            open_key=state.MATRIX_OPEN,
            on_open=open_plan,
        )
    with form_col:
        _render_form(ws, doc, framework.id, item_id, cell)


def _render_summary(
    ws: Workspace, doc: dict[str, Any], framework_id: str, item_id: str, cell: dict[str, Any]
) -> None:
    tagger = cell["tagger_level"] or LEVEL_NONE
    score = cell["score"]
    line = f"Tagger: **{escape_markdown(LEVEL_NAMES.get(tagger, tagger))}**"
    if score is not None:
        line += f" (score {score:.2f})"
    if cell["reviewed"]:
        level = cell["level"] or LEVEL_NONE
        line += (
            f"  \nVurderet: **{escape_markdown(LEVEL_NAMES.get(level, level))}** af "
            f"{escape_markdown(cell['reviewer'] or '?')}, {escape_markdown(_when(cell))}"
        )
    st.markdown(line)
    if cell["note"]:
        st.markdown(f"Note: {escape_markdown(cell['note'])}")
    if cell["recheck"]:
        st.warning(
            "Dokumentet er ændret, siden vurderingen blev lavet: kontrollér den igen "
            "(bekræft eller ret niveauet).",
            icon=":material/warning:",
        )
    tag = data.cell_tag(ws, doc["doc_id"], framework_id, item_id)
    if tag and tag["target_sentence"]:
        st.markdown(f"**Målsætning:** {escape_markdown(tag['target_sentence'])}")


def _when(cell: dict[str, Any]) -> str:
    stamp = cell["decided_at"] or ""
    return stamp[:16].replace("T", " ") + (" UTC" if stamp else "")


def _prepare_form(cell_id: tuple[str, str, str], cell: dict[str, Any]) -> None:
    # The form starts from the cell's current state whenever another cell comes into focus.
    if st.session_state.get(state.REVIEW_FOR) != cell_id:
        st.session_state[state.REVIEW_FOR] = cell_id
        level = cell["level"] or LEVEL_NONE
        st.session_state[state.REVIEW_LEVEL] = level if level in LEVELS else LEVEL_NONE
        st.session_state[state.REVIEW_NOTE] = cell["note"] or ""


def _render_form(
    ws: Workspace, doc: dict[str, Any], framework_id: str, item_id: str, cell: dict[str, Any]
) -> None:
    cell_id = (doc["doc_id"], framework_id, item_id)
    _prepare_form(cell_id, cell)
    reviewer = state.reviewer()
    st.markdown("**Din vurdering**")
    if not reviewer:
        st.info("Skriv dit navn i sidepanelet for at gemme vurderinger.")
    st.radio(
        "Niveau",
        (LEVEL_TARGET, LEVEL_ADDRESSED, LEVEL_NONE),
        key=state.REVIEW_LEVEL,
        format_func=LEVEL_NAMES.get,
        horizontal=True,
    )
    st.text_area("Note (supplerende mål/bemærkning)", key=state.REVIEW_NOTE, height=90)
    args = (str(ws.root), *cell_id)
    save, confirm, undo = st.columns(3)
    save.button(
        "Gem",
        key=state.REVIEW_SAVE,
        type="primary",
        disabled=not reviewer,
        on_click=_save,
        args=(*args, None),
        width="stretch",
    )
    confirm.button(
        "Bekræft",
        key=state.REVIEW_CONFIRM,
        disabled=not reviewer,
        help="Godkend det viste niveau uden at ændre det.",
        on_click=_save,
        args=(*args, cell["level"] or LEVEL_NONE),
        width="stretch",
    )
    history = ReviewStore.for_workspace(ws).history(*cell_id)
    undo.button(
        "Fortryd",
        key=state.REVIEW_UNDO,
        disabled=not reviewer or history.is_empty(),
        help="Fortryd den seneste ændring af denne celle.",
        on_click=_undo,
        args=(*args, int(history["id"][-1]) if history.height else 0),
        width="stretch",
    )
    if history.height:
        with st.expander(f"Historik ({history.height})"):
            shown = history.select(list(HISTORY_COLUMNS)).rename(HISTORY_COLUMNS)
            st.dataframe(shown.sort("Nr.", descending=True), hide_index=True)


def _save(root: str, doc_id: str, framework_id: str, item_id: str, level: str | None) -> None:
    """Button callback: record the form's level (or the given one, to confirm) and note."""
    chosen = st.session_state.get(state.REVIEW_LEVEL, LEVEL_NONE) if level is None else level
    note = str(st.session_state.get(state.REVIEW_NOTE, "")).strip()
    try:
        record_decision(
            Workspace(Path(root)), doc_id, framework_id, item_id, chosen, note, state.reviewer()
        )
    except CompareError as err:
        state.flash("error", f"Vurderingen blev ikke gemt: {err}")
        return
    data.clear()
    st.session_state[state.REVIEW_LEVEL] = chosen
    word = "Bekræftet" if level is not None else "Gemt"
    state.flash("success", f"{word}: {LEVEL_NAMES.get(chosen, chosen)}.")


def _undo(root: str, doc_id: str, framework_id: str, item_id: str, decision_id: int) -> None:
    """Button callback: undo the cell's latest change (a new history row restores the last)."""
    try:
        ReviewStore.for_workspace(Workspace(Path(root))).undo(decision_id, state.reviewer())
    except CompareError as err:
        state.flash("error", f"Kunne ikke fortryde: {err}")
        return
    data.clear()
    st.session_state.pop(state.REVIEW_FOR, None)  # the form re-reads the restored state
    state.flash("success", "Seneste ændring er fortrudt.")


def current_cell(
    cells: pl.DataFrame, doc_id: str, framework_id: str, item_id: str
) -> dict[str, Any] | None:
    """The MATRIX_CELLS row of one cell, or None where the cell does not exist."""
    rows = cells.filter(
        (pl.col("doc_id") == doc_id)
        & (pl.col("framework_id") == framework_id)
        & (pl.col("item_id") == item_id)
    )
    return rows.row(0, named=True) if rows.height else None

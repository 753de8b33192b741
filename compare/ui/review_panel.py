"""The cell panel beside the matrix: why the tool says what it says, and the analyst's decision.

Top to bottom: the cell's heading and the tagger's reading, the one-click decisions of the queue,
the evidence passages (scrolling on their own, so the buttons stay in sight), then the detailed
form (level, cell note, undo), adding a passage from the plan, and the row remark. Every write
happens in a button callback, so the run that follows a click already reads the new state.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

from compare.display import repair_words
from compare.errors import CompareError
from compare.frameworks.catalog import Framework
from compare.review.decisions import record_decision
from compare.schema import LEVEL_ADDRESSED, LEVEL_NONE, LEVEL_TARGET, LEVELS
from compare.store.review_db import REMARK_ITEM, ReviewStore
from compare.store.workspace import Workspace
from compare.ui import data, review_data, state
from compare.ui.components import LEVEL_NAMES, escape_markdown, render_evidence
from compare.ui.pages.plan import open_plan
from compare.ui.passage_panel import mark_target, remove_passage, render_add_passage
from compare.ui.queue_panel import Queue, render_actions

EVIDENCE_HEIGHT = 380  # px: the passages scroll inside this box, the buttons stay in view
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
    queue: Queue,
) -> None:
    """Show one cell's evidence and its review; `cell` is its MATRIX_CELLS row, if any."""
    item = framework.item(item_id)
    who = doc["municipality"] or doc["file_name"]
    st.subheader(escape_markdown(f"{who} {doc['year'] or ''} — {item.label}"))
    if cell is None:
        st.caption(escape_markdown(" · ".join(x for x in (framework.title, item.group) if x)))
        state.show_flash()
        st.info(
            "Dette punkt er ikke tagget for dokumentet (rammen gælder ikke dets år, eller "
            "dokumentet er ikke tagget endnu)."
        )
        return
    reviewer = state.reviewer()
    tag = _render_summary(ws, doc, framework, item_id, cell)
    if not reviewer:
        st.info("Skriv dit navn i sidepanelet for at gemme vurderinger.")
    render_actions(ws, doc, queue, cell["level"] or LEVEL_NONE, disabled=not reviewer)
    state.show_flash()
    evidence = review_data.cell_evidence(ws, doc["doc_id"], framework.id, item_id)
    st.markdown(f"**Tekstpassager** ({evidence.height}, fundne ord fremhævet)")
    with st.container(height=EVIDENCE_HEIGHT):
        if tag.get("target_sentence"):
            shown = repair_words(tag["target_sentence"])  # OCR misreadings repaired for reading
            st.markdown(f"**Målsætning:** {escape_markdown(shown)}")
        render_evidence(
            evidence,
            open_key=state.MATRIX_OPEN,
            on_open=open_plan,
            on_remove=remove_passage if reviewer else None,
            on_target=mark_target if reviewer else None,
            context=(str(ws.root), doc["doc_id"], framework.id, item_id),
        )
    with st.expander("Niveau, note og historik"):
        _render_form(ws, doc, framework.id, item_id, cell)
    with st.expander("Tilføj en passage fra planen"):
        render_add_passage(ws, doc, framework.id, item_id, evidence, bool(reviewer))
    with st.expander("Supplerende mål/bemærkninger (hele rækken)"):
        _render_remark(ws, doc, framework)


def _render_summary(
    ws: Workspace, doc: dict[str, Any], framework: Framework, item_id: str, cell: dict[str, Any]
) -> dict[str, Any]:
    """The tagger's reading and the current decision, in two short lines; returns the tag row."""
    tagger = cell["tagger_level"] or LEVEL_NONE
    score = cell["score"]
    where = " · ".join(
        escape_markdown(x) for x in (framework.title, framework.item(item_id).group) if x
    )
    line = f":gray[{where}]  \nTagger: **{escape_markdown(LEVEL_NAMES.get(tagger, tagger))}**"
    if score is not None:
        line += f" (score {score:.2f})"
    tag = review_data.cell_tag(ws, doc["doc_id"], framework.id, item_id)
    if tag.get("confidence") == "unsure":
        reason = tag.get("confidence_reason") or ""
        line += " · :orange[usikker]" + (f": {escape_markdown(reason)}" if reason else "")
    if cell["reviewed"]:
        level = cell["level"] or LEVEL_NONE
        line += (
            f"  \nVurderet: **{escape_markdown(LEVEL_NAMES.get(level, level))}** af "
            f"{escape_markdown(cell['reviewer'] or 'ukendt')}, {escape_markdown(_when(cell))}"
        )
    st.markdown(line)
    if cell["note"]:
        st.markdown(f"Note til cellen: {escape_markdown(cell['note'])}")
    if cell["recheck"]:
        st.warning(
            "Dokumentet er ændret, siden vurderingen blev lavet: kontrollér den igen "
            "(bekræft eller ret niveauet).",
            icon=":material/warning:",
        )
    return tag


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
    st.radio(
        "Niveau",
        (LEVEL_TARGET, LEVEL_ADDRESSED, LEVEL_NONE),
        key=state.REVIEW_LEVEL,
        format_func=LEVEL_NAMES.get,
        horizontal=True,
    )
    st.text_area(
        "Note til cellen",
        key=state.REVIEW_NOTE,
        height=80,
        help="Kun for denne celle. Rækkens bemærkning (Excel-arkets sidste kolonne) har sit "
        "eget felt nedenfor.",
    )
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
    history = review_data.cell_history(ws, *cell_id)
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
        st.caption(f"Historik ({history.height})")
        shown = history.select(list(HISTORY_COLUMNS)).rename(HISTORY_COLUMNS)
        st.dataframe(
            shown.with_columns(pl.col(pl.Utf8).fill_null("")).sort("Nr.", descending=True),
            hide_index=True,
        )


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


# -- the row remark ----------------------------------------------------------------------------


def _render_remark(ws: Workspace, doc: dict[str, Any], framework: Framework) -> None:
    current = review_data.cell_history(ws, doc["doc_id"], framework.id, REMARK_ITEM).tail(1)
    text = current["note"][0] if current.height else ""
    key = f"{state.REVIEW_REMARK}:{doc['doc_id']}:{framework.id}"
    if key not in st.session_state:
        st.session_state[key] = text or ""
    st.text_area(
        f"Bemærkning til {doc['municipality'] or doc['file_name']} i {framework.title}",
        key=key,
        height=80,
        help="Står i Excel-arkets sidste kolonne for kommunens række; gælder hele rækken, "
        "ikke kun cellen.",
    )
    if text:
        when = str(current["decided_at"][0])[:16].replace("T", " ")
        st.caption(f"Senest af {current['reviewer'][0]}, {when} UTC")
    st.button(
        "Gem bemærkning",
        key=state.REVIEW_REMARK_SAVE,
        disabled=not state.reviewer(),
        on_click=_save_remark,
        args=(str(ws.root), doc["doc_id"], framework.id, key),
    )


def _save_remark(root: str, doc_id: str, framework_id: str, key: str) -> None:
    """Button callback: record the row remark ("Supplerende mål/bemærkninger")."""
    ws = Workspace(Path(root))
    note = str(st.session_state.get(key, "")).strip()
    docs = data.documents(ws).filter(pl.col("doc_id") == doc_id)
    row = docs.row(0, named=True) if docs.height else {}
    try:
        ReviewStore.for_workspace(ws).set_remark(
            doc_id,
            framework_id,
            note,
            state.reviewer(),
            row.get("text_hash"),
            municipality=row.get("municipality"),
            year=row.get("year"),
        )
    except CompareError as err:
        state.flash("error", f"Bemærkningen blev ikke gemt: {err}")
        return
    data.clear()
    state.flash("success", "Bemærkningen er gemt.")


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

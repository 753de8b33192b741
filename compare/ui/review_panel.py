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

from compare.errors import CompareError
from compare.frameworks.catalog import Framework
from compare.review.decisions import record_decision
from compare.review.evidence import matching_segments
from compare.schema import LEVEL_ADDRESSED, LEVEL_NONE, LEVEL_TARGET, LEVELS
from compare.store.review_db import REMARK_ITEM, ReviewStore
from compare.store.workspace import Workspace
from compare.ui import data, review_data, state
from compare.ui.components import LEVEL_NAMES, escape_markdown, render_evidence
from compare.ui.pages.plan import open_plan
from compare.ui.queue_panel import Queue, render_actions
from compare.ui.tables import parse_column

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
    st.subheader(f"{who} {doc['year'] or ''} — {item.label}")
    if cell is None:
        st.caption(" · ".join(x for x in (framework.title, item.group) if x))
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
            st.markdown(f"**Målsætning:** {escape_markdown(tag['target_sentence'])}")
        render_evidence(
            evidence,
            open_key=state.MATRIX_OPEN,
            on_open=open_plan,
            on_remove=_remove_passage if reviewer else None,
            on_target=_mark_target if reviewer else None,
            context=(str(ws.root), doc["doc_id"], framework.id, item_id),
        )
    with st.expander("Niveau, note og historik"):
        _render_form(ws, doc, framework.id, item_id, cell)
    with st.expander("Tilføj en passage fra planen"):
        _render_add_passage(ws, doc, framework.id, item_id, evidence, bool(reviewer))
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


# -- analysts' passages ------------------------------------------------------------------------


def _remove_passage(context: tuple[str, str, str, str], passage: dict[str, Any]) -> None:
    """Button callback: take a wrong passage out of the cell's evidence (kept in the history)."""
    _change_passage(context, passage, "Passagen er fjernet.", included=False)


def _mark_target(context: tuple[str, str, str, str], passage: dict[str, Any]) -> None:
    """Button callback: mark (or unmark) the passage that carries the cell's target."""
    on = not passage.get("is_target")
    word = "markeret som målsætning" if on else "ikke længere markeret som målsætning"
    _change_passage(context, passage, f"Passagen er {word}.", included=True, is_target=on)


def _add_passage(context: tuple[str, str, str, str], segment: dict[str, Any]) -> None:
    """Button callback: add a passage of the plan to the cell's evidence."""
    _change_passage(context, segment, "Passagen er tilføjet.", included=True)


def _change_passage(
    context: tuple[str, str, str, str],
    passage: dict[str, Any],
    message: str,
    *,
    included: bool | None = None,
    is_target: bool | None = None,
) -> None:
    root, doc_id, framework_id, item_id = context
    shown = {
        "quote": passage.get("quote") or passage.get("text"),
        "heading_path": passage.get("heading_path"),
        "page": passage.get("page"),
        "line_start": passage.get("line_start"),
        "line_end": passage.get("line_end"),
    }
    try:
        ReviewStore.for_workspace(Workspace(Path(root))).change_passage(
            doc_id,
            framework_id,
            item_id,
            int(passage["seg_no"]),
            state.reviewer(),
            included=included,
            is_target=is_target,
            passage=shown,
        )
    except CompareError as err:
        state.flash("error", f"Passagen blev ikke ændret: {err}")
        return
    data.clear()
    state.flash("success", message)


def _undo_passage(root: str, change_id: int) -> None:
    try:
        ReviewStore.for_workspace(Workspace(Path(root))).undo_passage(change_id, state.reviewer())
    except CompareError as err:
        state.flash("error", f"Kunne ikke fortryde: {err}")
        return
    data.clear()
    state.flash("success", "Seneste passage-ændring er fortrudt.")


def _render_add_passage(
    ws: Workspace,
    doc: dict[str, Any],
    framework_id: str,
    item_id: str,
    evidence: pl.DataFrame,
    can_write: bool,
) -> None:
    st.text_input(
        "Søg i planens tekst",
        key=state.PASSAGE_QUERY,
        placeholder="fx virksomhedspraktik",
        help="Ord i enhver bøjning; OCR-fejl som Kgbenhavn findes også.",
    )
    query = str(st.session_state.get(state.PASSAGE_QUERY) or "")
    context = (str(ws.root), doc["doc_id"], framework_id, item_id)
    history = review_data.passage_history(ws, *context[1:])
    if history.height:
        st.button(
            "Fortryd seneste passage-ændring",
            key=state.PASSAGE_UNDO,
            disabled=not can_write,
            on_click=_undo_passage,
            args=(context[0], int(history["id"][-1])),
        )
    if not query.strip():
        return
    shown = set(evidence["seg_no"].to_list())
    found = matching_segments(data.segments(ws, doc["doc_id"]), query)
    if found.is_empty():
        st.caption("Ingen afsnit i planen indeholder alle ordene.")
    for segment in found.iter_rows(named=True):
        with st.container(border=True):
            st.caption(escape_markdown(segment["heading_path"] or "(før første overskrift)"))
            st.markdown(escape_markdown(segment["text"] or ""))
            st.button(
                "Er allerede en passage" if segment["seg_no"] in shown else "Tilføj som passage",
                key=f"{state.PASSAGE_ADD}:{segment['seg_no']}",
                icon=":material/add:",
                disabled=not can_write or segment["seg_no"] in shown,
                on_click=_add_passage,
                args=(context, segment),
            )


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


def offer_as_passage(ws: Workspace, hit: dict[str, Any], key: str) -> None:
    """Under a search hit: a button adding the hit's paragraph to the matrix cell in focus, when
    that cell is in the same document (so a search can code a cell)."""
    doc_id = st.session_state.get(state.PICK_DOC)
    parsed = parse_column(str(st.session_state.get(state.PICK_ITEM) or ""))
    if doc_id != hit["doc_id"] or parsed is None:
        return
    segment = data.segments(ws, doc_id).filter(pl.col("seg_no") == hit["seg_no"])
    if segment.is_empty():
        return
    st.button(
        f"Tilføj som passage til cellen i fokus ({parsed[0]} punkt {parsed[1]})",
        key=key,
        icon=":material/add:",
        disabled=not state.reviewer(),
        help="Passagen kommer med i begrundelsen i matrixen, Excel og Word.",
        on_click=_add_passage,
        args=((str(ws.root), doc_id, *parsed), segment.row(0, named=True)),
    )

"""Evidence analysts own, in the cell panel: remove a wrong passage, mark the one carrying the
target, add a paragraph from the plan's text or from a search hit.

Every change is one `ReviewStore.change_passage` row (append-only, undoable) written in a button
callback; `compare.review.evidence.effective_evidence` merges them into what every page shows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

from compare.errors import CompareError
from compare.review.evidence import matching_segments
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace
from compare.ui import data, review_data, state
from compare.ui.components import escape_markdown
from compare.ui.tables import parse_column


def remove_passage(context: tuple[str, str, str, str], passage: dict[str, Any]) -> None:
    """Button callback: take a wrong passage out of the cell's evidence (kept in the history)."""
    _change_passage(context, passage, "Passagen er fjernet.", included=False)


def mark_target(context: tuple[str, str, str, str], passage: dict[str, Any]) -> None:
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


def render_add_passage(
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

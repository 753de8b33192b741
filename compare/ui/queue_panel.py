"""The review queue beside the matrix: how far the review has come, *Næste* / *Forrige*, and the
one-click decisions ("Bekræft og næste", "X og næste" …) with keyboard shortcuts.

The order comes from `compare.review.queue` (unsure cells first); every button works in a
callback, so the run after a click already shows the next cell with the decision recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

from compare.errors import CompareError
from compare.frameworks.catalog import Framework
from compare.review.queue import Cell, cell_keys, next_unreviewed, queue_order, review_progress
from compare.schema import LEVEL_ADDRESSED, LEVEL_NONE, LEVEL_TARGET
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace
from compare.ui import state
from compare.ui.components import LEVEL_NAMES
from compare.ui.review_data import confidence
from compare.ui.tables import column_name, framework_code, parse_column

# One key each: letters a person can press without a modifier (Streamlit ignores them while a
# text field has the focus; "C" and "R" are Streamlit's own).
SHORTCUTS = {"confirm": "B", "next": "N", "previous": "P"}
LEVEL_SHORTCUTS = {LEVEL_TARGET: "1", LEVEL_ADDRESSED: "2", LEVEL_NONE: "0"}
LEVEL_BUTTONS = {LEVEL_TARGET: "X", LEVEL_ADDRESSED: "(X)", LEVEL_NONE: "Blank"}


@dataclass(frozen=True)
class Queue:
    """The cells in review order, which of them are reviewed, and the cell in focus."""

    order: tuple[Cell, ...]
    reviewed: frozenset[Cell]
    current: Cell | None


def build_queue(
    ws: Workspace, cells: pl.DataFrame, doc_ids: list[str], columns: dict[str, tuple[str, str]]
) -> Queue:
    """The queue over the cells in view (rows `doc_ids`, item `columns`), in review order;
    only the plan in focus when the analyst asked for that."""
    current = focus()
    wanted = cells.filter(pl.col("doc_id").is_in(doc_ids)).join(
        pl.DataFrame(list(columns.values()), schema=["framework_id", "item_id"], orient="row"),
        on=["framework_id", "item_id"],
        how="semi",
    )
    if st.session_state.get(state.QUEUE_ONLY_PLAN) and current is not None:
        wanted = wanted.filter(pl.col("doc_id") == current[0])
    framework_ids = tuple(dict.fromkeys(fw for fw, _ in columns.values()))
    ordered = queue_order(wanted, confidence(ws, framework_ids))
    reviewed = frozenset(cell_keys(ordered.filter(pl.col("reviewed"))))
    return Queue(tuple(cell_keys(ordered)), reviewed, current)


def focus() -> Cell | None:
    """The cell in focus, (doc_id, framework_id, item_id), from the pickers' state."""
    doc_id = st.session_state.get(state.PICK_DOC)
    parsed = parse_column(str(st.session_state.get(state.PICK_ITEM) or ""))
    return (doc_id, *parsed) if doc_id and parsed else None


def set_focus(cell: Cell | None) -> None:
    """Bring a cell into focus (the pickers, the panel and the URL follow)."""
    if cell is None:
        return
    st.session_state[state.PICK_DOC] = cell[0]
    st.session_state[state.PICK_ITEM] = column_name(cell[1], cell[2])


def render_progress(cells: pl.DataFrame, frameworks: list[Framework], doc_ids: list[str]) -> None:
    """ "n af N vurderet" per framework for the plans in view, with a bar for all together."""
    shown = cells.filter(pl.col("doc_id").is_in(doc_ids))
    progress = review_progress(shown)
    if progress.is_empty():
        return
    codes = {fw.id: framework_code(fw).rstrip(".") for fw in frameworks}
    done, total = int(progress["n_reviewed"].sum()), int(progress["n_total"].sum())
    text = f"**{done} af {total} vurderet**"
    if progress.height > 1:
        text += " · " + " · ".join(
            f"{codes.get(r['framework_id'], r['framework_id'])}: "
            f"{r['n_reviewed']} af {r['n_total']}"
            for r in progress.iter_rows(named=True)
        )
    st.progress(done / total if total else 0.0, text=text)


def render_navigation(queue: Queue) -> None:
    """*Forrige* / *Næste* (the next unreviewed cell, unsure first) and the plan-only toggle."""
    row = st.container(horizontal=True, vertical_alignment="center")
    left = right = toggle = row
    back = st.session_state.get(state.QUEUE_BACK) or []
    left.button(
        "Forrige",
        key=state.QUEUE_PREVIOUS,
        icon=":material/arrow_back:",
        disabled=not back and not queue.order,
        on_click=_previous,
        args=(queue.order,),
        shortcut=SHORTCUTS["previous"],
    )
    upcoming = next_unreviewed(queue.order, set(queue.reviewed), queue.current)
    right.button(
        "Næste",
        key=state.QUEUE_NEXT,
        icon=":material/arrow_forward:",
        disabled=upcoming is None,
        help="Den næste celle, der ikke er vurderet (de usikre først).",
        on_click=_go,
        args=(upcoming, queue.current),
        shortcut=SHORTCUTS["next"],
    )
    toggle.toggle("Kun kommunen i fokus", key=state.QUEUE_ONLY_PLAN)


def render_actions(
    ws: Workspace, doc: dict[str, Any], queue: Queue, level: str, disabled: bool
) -> None:
    """One click (or key) each: confirm the shown level, or set X / (X) / blank, then go on.

    `doc` is the document row of the cell in focus: its text hash, municipality and year are
    recorded with the decision (as `record_decision` does, without reading the documents again).
    """
    current = queue.current
    if current is None:
        return
    upcoming = next_unreviewed(queue.order, set(queue.reviewed) | {current}, current)
    stamp = (doc["text_hash"], doc["municipality"], doc["year"])
    args = (str(ws.root), current, upcoming, stamp)
    cols = st.columns([2.6, 1, 1.1, 1.4], gap="small")
    cols[0].button(
        "Bekræft og næste",
        key=state.QUEUE_CONFIRM_NEXT,
        type="primary",
        icon=":material/check:",
        disabled=disabled,
        help=f"Godkend {LEVEL_NAMES.get(level, level)} og gå til næste celle.",
        on_click=_decide_and_go,
        args=(*args, level, True),
        shortcut=SHORTCUTS["confirm"],
        width="stretch",
    )
    for col, (choice, label) in zip(cols[1:], LEVEL_BUTTONS.items(), strict=True):
        col.button(
            label,
            key=f"{state.QUEUE_LEVEL_NEXT}:{choice}",
            disabled=disabled,
            help=f"Sæt {LEVEL_NAMES.get(choice, choice)} og gå til næste celle.",
            on_click=_decide_and_go,
            args=(*args, choice, False),
            shortcut=LEVEL_SHORTCUTS[choice],
            width="stretch",
        )


def _go(target: Cell | None, current: Cell | None) -> None:
    """Button callback: move the focus to `target`, remembering where we came from."""
    if target is None:
        return
    if current is not None:
        back = list(st.session_state.get(state.QUEUE_BACK) or [])
        st.session_state[state.QUEUE_BACK] = [*back, current][-200:]
    set_focus(target)


def _previous(order: tuple[Cell, ...]) -> None:
    """Button callback: back to the cell visited before (else the one before in the queue)."""
    back = list(st.session_state.get(state.QUEUE_BACK) or [])
    if back:
        set_focus(back.pop())
        st.session_state[state.QUEUE_BACK] = back
        return
    current = focus()
    if order:
        index = order.index(current) if current in order else 0
        set_focus(order[index - 1])


def _decide_and_go(
    root: str,
    cell: Cell,
    upcoming: Cell | None,
    stamp: tuple[str | None, str | None, int | None],
    level: str,
    confirmed: bool,
) -> None:
    """Button callback: record the level for the cell in focus, then move to the next one.

    No cache is cleared: the write changes the workspace stamp every loader is keyed on, so only
    what depends on the decisions is read again (the frameworks stay cached).
    """
    text_hash, municipality, year = stamp
    try:
        ReviewStore.for_workspace(Workspace(Path(root))).decide(
            *cell,
            level,
            None,
            state.reviewer(),
            text_hash,
            municipality=municipality,
            year=year,
        )
    except CompareError as err:
        state.flash("error", f"Vurderingen blev ikke gemt: {err}")
        return
    word = "Bekræftet" if confirmed else "Sat til"
    if upcoming is None:
        state.flash("success", f"{word}: {LEVEL_NAMES.get(level, level)}. Alle celler er vurderet.")
        st.session_state.pop(state.REVIEW_FOR, None)
        return
    state.flash("success", f"{word}: {LEVEL_NAMES.get(level, level)}. Næste celle.")
    _go(upcoming, cell)

"""Page "Matrix": municipalities × framework items, with each cell's evidence and review."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from compare.errors import CompareError
from compare.frameworks.catalog import Framework
from compare.review.matrix import municipality_order
from compare.schema import KIND_PLAN, KINDS
from compare.store.versions import current_documents
from compare.store.workspace import Workspace
from compare.ui import data, page_script, state
from compare.ui.agreement_panel import render_agreement
from compare.ui.components import escape_markdown
from compare.ui.excel_panel import render_excel
from compare.ui.matrix_style import render_chart, styled_matrix
from compare.ui.queue_panel import build_queue, focus, render_navigation, render_progress
from compare.ui.review_panel import current_cell, render_cell
from compare.ui.tables import (
    COUNCIL_COL,
    MUNICIPALITY_COL,
    SEPARATOR,
    UNKNOWN_COUNCIL,
    MatrixView,
    build_matrix_view,
    covered_years,
    docs_for_year,
    document_councils,
    first_cell,
    parse_column,
)

ALL = "Alle"
KIND_NAMES = {"plan": "Planer", "overview": "Oversigter", "other": "Andet"}
# Less empty space above the title, so the matrix and the cell panel fit a laptop screen.
COMPACT_CSS = "<style>[data-testid='stMainBlockContainer']{padding-top:2.5rem}</style>"
TABLE_HEIGHT = 620  # px: at 1600×1000 the matrix and the panel beside it fit on one screen


def render() -> None:
    """Show the matrix page."""
    st.html(COMPACT_CSS)
    st.title("Matrix")
    ws = data.app_workspace()
    try:
        frameworks = data.frameworks()
    except CompareError as err:
        st.error(f"En rammefil kan ikke læses: {err}. Ret filen i data/frameworks/.")
        return
    documents = data.documents(ws)
    if documents.is_empty() or not frameworks:
        what = "ingen dokumenter" if documents.is_empty() else "ingen rammer i data/frameworks/"
        st.info(f"Der er {what} endnu.")
        st.page_link(str(page_script("upload")), label="Upload planer", icon=":material/upload:")
        return

    year, council, kinds, chosen, group_slot = _filters(documents, frameworks)
    if not chosen:
        st.warning("Vælg mindst én ramme.")
        return
    docs = docs_for_year(current_documents(documents), year, kinds)  # no old versions
    councils, council_order = _councils(docs, year)
    if council != ALL:
        docs = docs.filter(pl.col("doc_id").is_in([d for d, c in councils.items() if c == council]))
    groups = _group_filter(chosen, group_slot)
    if docs.is_empty():
        st.info("Ingen dokumenter passer til filtrene.")
        return
    cells = data.cells(ws, tuple(fw.id for fw in chosen), tuple(kinds))
    if cells.filter(pl.col("doc_id").is_in(docs["doc_id"].implode())).is_empty():
        st.info(
            "Dokumenterne er ikke tagget mod de valgte rammer endnu: kør `compare tag` "
            "(eller `make run`), så udfyldes matrixen."
        )
    registry = data.registry()
    view_key = (
        data.data_key(ws),
        year,
        council,
        tuple(kinds),
        tuple(fw.id for fw in chosen),
        tuple(groups) if groups is not None else None,
    )
    view = state.remembered(  # the same view object while nothing it is built from changed
        state.MEMO_MATRIX_VIEW,
        view_key,
        lambda: build_matrix_view(
            cells, docs, chosen, councils, council_order, municipality_order(registry), groups
        ),
    )
    _missing_members(docs, council, year)
    _restore_focus_from_url(view)
    _sync_focus(view, st.session_state.get(state.MATRIX_TABLE))  # before the table: it marks it
    matrix_col, panel_col = st.columns([3, 2], gap="medium")
    with matrix_col:
        selection = _table(view, view_key)
        st.caption(
            "X = konkret mål · (X) = beskrevet uden konkret resultatniveau · ✓ = vurderet af "
            "en medarbejder · ⚠ = dokumentet er ændret siden vurderingen · – = ikke tagget. "
            "Klik på en celle for at se begrundelsen; blå = cellen i fokus."
        )
        with st.expander("Kolonner og dækning"):
            st.dataframe(view.legend, hide_index=True, width="stretch")
        with st.expander("Diagram: kommuner pr. niveau pr. punkt", icon=":material/bar_chart:"):
            render_chart(view, state.MATRIX_CHART)
        if year is not None:  # a workbook is the overview of one year
            render_excel(
                ws,
                tuple(fw.id for fw in chosen),
                None if council in (ALL, UNKNOWN_COUNCIL) else council,
                year,
            )
        with st.expander("Enighed mellem to analytikere", icon=":material/group:"):
            render_agreement(ws, view)
    _sync_focus(view, selection)
    with panel_col:
        _focus(ws, view, view_key, docs, chosen, cells)


def _filters(
    documents: pl.DataFrame, frameworks: list[Framework]
) -> tuple[int | None, str, list[str], list[Framework], Any]:
    years: list[Any] = covered_years(
        documents.filter(pl.col("kind") == KIND_PLAN)
    ) or covered_years(documents)
    year_options = [*years, ALL]
    state.ensure_option(state.MATRIX_YEAR, year_options, year_options[0])
    cols = st.columns([1, 2, 2, 4, 3])
    year = cols[0].selectbox("År", year_options, key=state.MATRIX_YEAR)
    year = None if year == ALL else int(year)

    registry = data.registry()
    council_options = [ALL, *(registry.councils(year) if year else []), UNKNOWN_COUNCIL]
    state.ensure_option(state.MATRIX_COUNCIL, council_options, ALL)
    council = cols[1].selectbox("Råd", council_options, key=state.MATRIX_COUNCIL)

    state.ensure_options(state.MATRIX_KINDS, list(KINDS), [KIND_PLAN])
    kinds = cols[2].multiselect(
        "Dokumenttyper",
        list(KINDS),
        key=state.MATRIX_KINDS,
        format_func=lambda k: KIND_NAMES.get(k, k),
        placeholder="Planer",
    ) or [KIND_PLAN]

    applicable = [fw for fw in frameworks if year is None or fw.applies_to(year, year)]
    ids = [fw.id for fw in applicable]
    titles = {fw.id: fw.title for fw in applicable}
    if any(i not in ids for i in st.session_state.get(state.MATRIX_FRAMEWORKS, [])):
        # Another year: its own goals replace the last year's, so start again from all.
        del st.session_state[state.MATRIX_FRAMEWORKS]
    state.ensure_options(state.MATRIX_FRAMEWORKS, ids, ids)
    picked = cols[3].multiselect(
        "Rammer (side om side)",
        ids,
        key=state.MATRIX_FRAMEWORKS,
        format_func=lambda i: titles.get(i, i),
        placeholder="Vælg mindst én ramme",
    )
    return year, council, kinds, [fw for fw in applicable if fw.id in picked], cols[4]


def _group_filter(chosen: list[Framework], slot: Any) -> list[str] | None:
    """The theme-group filter, in `slot` (the filter row's last column); None: all groups."""
    groups = list(dict.fromkeys(item.group or "" for fw in chosen for item in fw.items))
    if len(groups) < 2:
        return None
    state.ensure_options(state.MATRIX_GROUPS, groups)
    picked = slot.multiselect(
        "Temagrupper",
        groups,
        key=state.MATRIX_GROUPS,
        format_func=lambda g: g or "(uden gruppe)",
        placeholder="Alle grupper",
    )
    return picked or None


def _councils(docs: pl.DataFrame, year: int | None) -> tuple[dict[str, str], list[str]]:
    """Each document's council (in the filter year, else the plan's own year), in display order."""
    registry = data.registry()
    councils = {
        doc_id: council or UNKNOWN_COUNCIL
        for doc_id, council in document_councils(docs, year, registry).items()
    }
    order: dict[str, None] = {}
    for when in sorted({year} if year else {y for y in docs["year"].to_list() if y}):
        order.update(dict.fromkeys(registry.councils(when)))
    return councils, list(order)


def _missing_members(docs: pl.DataFrame, council: str, year: int | None) -> None:
    """Name the council's municipalities that have no document in view: gaps are findings too."""
    if council in (ALL, UNKNOWN_COUNCIL) or year is None:
        return
    registry = data.registry()
    present = set(docs["municipality"].drop_nulls().to_list())
    missing = [
        m.name
        for m in registry.municipalities()
        if registry.council(m, year) == council and m.name not in present
    ]
    if missing:
        st.caption(f"Ingen plan for {year} i workspace fra: {', '.join(missing)}.")


def _table(view: MatrixView, view_key: Any) -> Any:
    """Render the coloured matrix; returns the table's selection event.

    The styled table is made again only when the view (`view_key`) or the cell in focus
    changed: a re-run after a click elsewhere on the page reuses it.
    """
    focused = _focus_column_row(view)
    styler = state.remembered(
        state.MEMO_MATRIX_STYLED, (view_key, focused), lambda: styled_matrix(view, focused)
    )
    table = styler.data
    config: dict[str, Any] = {
        name: st.column_config.TextColumn(
            view.labels[name], help=escape_markdown(view.helps[name]), width=56
        )
        for name in view.columns
    }
    config[MUNICIPALITY_COL] = st.column_config.TextColumn(MUNICIPALITY_COL, pinned=True)
    config[COUNCIL_COL] = st.column_config.TextColumn(COUNCIL_COL, width="small")
    height = min(38 + 35 * len(table), TABLE_HEIGHT)
    return st.dataframe(
        styler,
        key=state.MATRIX_TABLE,
        on_select="rerun",
        selection_mode="single-cell",
        hide_index=True,
        column_config=config,
        height=height,
        width="stretch",
    )


def _focus_column_row(view: MatrixView) -> tuple[int, str] | None:
    """(table row, column) of the cell in focus, if it is in view."""
    doc_id = st.session_state.get(state.PICK_DOC)
    column = st.session_state.get(state.PICK_ITEM)
    if doc_id in view.row_docs and column in view.columns:
        return view.row_docs.index(doc_id), column
    return None


def _restore_focus_from_url(view: MatrixView) -> None:
    """A fresh session (a reload, a bookmark) starts on the cell named in the URL, if any."""
    if state.PICK_DOC in st.session_state:
        return
    wanted = str(st.query_params.get(state.QUERY_CELL) or "")
    doc_id, _, column = wanted.partition(SEPARATOR)
    if doc_id in view.row_docs and column in view.columns:
        st.session_state[state.PICK_DOC] = doc_id
        st.session_state[state.PICK_ITEM] = column


def _sync_focus(view: MatrixView, event: Any) -> None:
    """A newly clicked item cell becomes the cell in focus (the pickers below follow it)."""
    selection = _get(event, "selection")
    cells = list(_get(selection, "cells") or [])
    seen = st.session_state.get(state.MATRIX_SEEN_SELECTION)
    if not cells:
        # A click that unselects: forget it, so clicking the same cell again focuses it even
        # after the queue has moved the focus elsewhere.
        st.session_state[state.MATRIX_SEEN_SELECTION] = None
        return
    if cells == seen:
        return
    st.session_state[state.MATRIX_SEEN_SELECTION] = cells
    row, column = cells[0]
    doc_id = view.row_docs[row] if 0 <= row < len(view.row_docs) else None
    if doc_id is not None and parse_column(column) is not None:
        st.session_state[state.PICK_DOC] = doc_id
        st.session_state[state.PICK_ITEM] = column


def _get(value: Any, name: str) -> Any:
    """A field of a selection event, whether Streamlit gives it as an object or a mapping."""
    if value is None:
        return None
    return value.get(name) if isinstance(value, dict) else getattr(value, name, None)


def _focus(
    ws: Workspace,
    view: MatrixView,
    view_key: Any,
    docs: pl.DataFrame,
    chosen: list[Framework],
    cells: pl.DataFrame,
) -> None:
    """The two pickers of the cell in focus, then its evidence and review form."""
    doc_ids = [d for d in view.row_docs if d is not None]
    if not doc_ids or not view.columns:
        return
    labels = dict(zip(view.row_docs, view.table[MUNICIPALITY_COL].to_list(), strict=True))
    years = dict(zip(view.row_docs, view.table["År"].to_list(), strict=True))
    columns = list(view.columns)
    start = first_cell(view) or (doc_ids[0], columns[0])
    state.ensure_option(state.PICK_DOC, doc_ids, start[0])
    state.ensure_option(state.PICK_ITEM, columns, start[1])
    frameworks = {fw.id: fw for fw in chosen}

    def item_label(name: str) -> str:
        fw_id, item_id = view.columns[name]
        return f"{view.labels[name]} · {frameworks[fw_id].item(item_id).label}"

    queue = state.remembered(  # the review order changes with the data and the focus only
        state.MEMO_QUEUE,
        (view_key, focus(), bool(st.session_state.get(state.QUEUE_ONLY_PLAN))),
        lambda: build_queue(ws, cells, doc_ids, view.columns),
    )
    render_progress(cells.filter(pl.col("framework_id").is_in(list(frameworks))), chosen, doc_ids)
    render_navigation(queue)
    cell_panel = st.container()  # filled after the pickers, which it shows above
    pick = st.container()
    with pick.expander("Vælg en celle direkte", icon=":material/ads_click:"):
        left, right = st.columns([1, 2])
    doc_id = left.selectbox(
        "Kommune", doc_ids, key=state.PICK_DOC, format_func=lambda d: f"{labels[d]} {years[d]}"
    )
    column = right.selectbox("Punkt", columns, key=state.PICK_ITEM, format_func=item_label)
    fw_id, item_id = view.columns[column]
    st.query_params[state.QUERY_CELL] = f"{doc_id}{SEPARATOR}{column}"
    doc = docs.filter(pl.col("doc_id") == doc_id).row(0, named=True)
    with cell_panel:
        render_cell(
            ws, doc, frameworks[fw_id], item_id, current_cell(cells, doc_id, fw_id, item_id), queue
        )

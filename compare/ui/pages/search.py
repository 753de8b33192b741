"""Page "Søg": full-text search across the plans, grouped by municipality, with links to plans."""

from __future__ import annotations

import streamlit as st

from compare.analysis import search as search_core
from compare.store.workspace import Workspace
from compare.ui import analysis, data, state
from compare.ui.components import HIGHLIGHT, escape_markdown
from compare.ui.pages.plan import open_plan
from compare.ui.passage_panel import offer_as_passage


def render() -> None:
    """Show the search page."""
    st.title("Søg i planerne")
    ws = data.app_workspace()
    st.session_state.setdefault(state.SEARCH_PLANS_ONLY, True)
    st.session_state.setdefault(state.SEARCH_LIMIT, 50)
    cols = st.columns([5, 1, 1])
    query = cols[0].text_input(
        "Søgeord",
        key=state.SEARCH_QUERY,
        placeholder="fx Københavnermodellen, småjobs, IGU",
        help="Tåler OCR-fejl og bøjning: 'virksomhedspraktik' finder også "
        "'virksomhedspraktikker'. Flere ord skal alle stå i samme afsnit.",
    )
    limit = cols[1].number_input(
        "Højst", min_value=1, max_value=500, step=10, key=state.SEARCH_LIMIT
    )
    plans_only = cols[2].checkbox("Kun planer", key=state.SEARCH_PLANS_ONLY)
    if not query.strip():
        st.caption("Skriv et eller flere ord for at søge i alle indlæste dokumenter.")
        return
    if data.documents(ws).is_empty():
        st.info("Der er ingen dokumenter endnu.")
        return
    with st.spinner("Opdaterer søgeindekset …"):
        search_core.load_index(ws)  # writes the index when the segments changed: not cached
    hits = analysis.search(ws, query.strip(), int(limit), bool(plans_only))
    if hits.is_empty():
        st.info(f"Ingen afsnit matcher »{escape_markdown(query.strip())}«.")
        return
    groups = hits.partition_by("municipality", maintain_order=True, as_dict=False)
    st.caption(f"{hits.height} træf i {len(groups)} kommuner (bedste først).")
    for group in groups:
        name = group["municipality"][0] or "Ukendt kommune"
        st.subheader(f"{escape_markdown(name)} ({group.height})")
        for row in group.iter_rows(named=True):
            _hit(ws, row)


def _hit(ws: Workspace, row: dict) -> None:
    with st.container(border=True):
        where = [str(row["year"] or "?"), row["title"] or ""]
        if row["heading_path"]:
            where.append(row["heading_path"])
        if row["page"] is not None:
            where.append(f"s. {row['page']}")
        st.caption(escape_markdown(" · ".join(w for w in where if w)))
        st.markdown(
            search_core.mark(row["snippet"], row["highlights"], *HIGHLIGHT, escape=escape_markdown)
        )
        key = f"{state.SEARCH_OPEN}:{row['doc_id']}:{row['seg_no']}"
        if st.button("Åbn planen", key=key, icon=":material/description:"):
            open_plan(row["doc_id"], row["seg_no"])
        offer_as_passage(ws, row, f"{state.SEARCH_ADD}:{row['doc_id']}:{row['seg_no']}")

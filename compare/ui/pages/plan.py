"""Page "Plan": one document — its metadata (editable), outline, tags, and text with evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

from compare.display import repair_words
from compare.errors import CompareError
from compare.registry.lookup import danish_sort_key
from compare.schema import KIND_PLAN, KINDS, LEVEL_NONE, YEAR_MAX, YEAR_MIN, period_text
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace
from compare.ui import analysis, data, page_script, state
from compare.ui.components import LEVEL_NAMES, escape_markdown, highlight
from compare.ui.plan_summary_view import render_summary

WHOLE_PLAN = -1
KIND_NAMES = {"plan": "Plan", "overview": "Oversigt", "other": "Andet"}
TAG_COLUMNS = {
    "framework_id": "Ramme",
    "item_id": "Punkt",
    "label": "Titel",
    "level": "Niveau",
    "tagger_level": "Taggerens niveau",
    "reviewed": "Vurderet",
    "score": "Score",
}


def open_plan(doc_id: str, seg_no: int | None = None) -> None:
    """Show a plan on this page, at the section holding `seg_no` (for links from other pages)."""
    st.session_state[state.PLAN_DOC] = doc_id
    st.session_state[state.PLAN_SEG] = (doc_id, seg_no)
    st.session_state.pop(state.PLAN_SECTION, None)
    st.switch_page(str(page_script("plan")))


def render() -> None:
    """Show the plan page."""
    st.title("Plan")
    ws = data.app_workspace()
    documents = data.documents(ws)
    if documents.is_empty():
        st.info("Der er ingen dokumenter endnu.")
        st.page_link(str(page_script("upload")), label="Upload planer", icon=":material/upload:")
        return
    doc = _pick_document(documents)
    state.show_flash()
    segments = data.segments(ws, doc["doc_id"])
    evidence = analysis.plan_evidence(ws, doc["doc_id"])
    cells = analysis.plan_cells(ws, doc["doc_id"])
    with st.expander("Metadata", expanded=doc["municipality"] is None or doc["year"] is None):
        _metadata_form(ws, doc)
    text_tab, tags_tab, summary_tab = st.tabs(
        ["Tekst", f"Tags ({_addressed(cells).height})", "Sammendrag"]
    )
    linked = st.session_state.get(state.PLAN_SEG) or (None, None)
    with text_tab:
        _text(segments, evidence, cells, linked[1] if linked[0] == doc["doc_id"] else None)
    with tags_tab:
        _tags(cells, evidence)
    with summary_tab:
        render_summary(ws, doc, segments)


def _pick_document(documents: pl.DataFrame) -> dict[str, Any]:
    rows = sorted(
        documents.iter_rows(named=True),
        key=lambda r: (
            danish_sort_key(r["municipality"] or "~"),
            r["year"] or 0,
            r["file_name"] or "",
        ),
    )
    labels = {r["doc_id"]: _label(r) for r in rows}
    options = list(labels)
    plans = [r for r in rows if r["kind"] == KIND_PLAN]
    newest = max(plans, key=lambda r: r["year"] or 0)["doc_id"] if plans else options[0]
    state.ensure_option(state.PLAN_DOC, options, newest)
    doc_id = st.selectbox(
        "Dokument", options, key=state.PLAN_DOC, format_func=lambda doc: labels[doc]
    )
    return next(r for r in rows if r["doc_id"] == doc_id)


def _label(doc: dict[str, Any]) -> str:
    period = period_text(doc["year"], doc["year_to"], dash="–", unknown="?")
    who = doc["municipality"] or "Ukendt kommune"
    kind = KIND_NAMES.get(doc["kind"], "?")
    old = " · erstattet af nyere version" if doc.get("superseded_by") else ""
    return f"{who} {period} · {doc['title'] or doc['file_name']} ({kind}){old}"


# -- metadata ----------------------------------------------------------------------------------


def _metadata_form(ws: Workspace, doc: dict[str, Any]) -> None:
    st.caption(
        f"Fil: {escape_markdown(doc['file_name'])} · dokument-id {doc['doc_id']}. Rettelser "
        "gemmes med dit navn i historikken og bruges overalt (matrix, oversigter, eksport)."
    )
    if doc.get("municipality_note"):
        st.warning(f"Kommunen er usikker: {escape_markdown(doc['municipality_note'])}")
    suffix = f":{doc['doc_id']}"
    names = [m.name for m in data.registry().municipalities()]
    cols = st.columns([3, 1, 1, 2])
    cols[0].selectbox(
        "Kommune",
        names,
        key=state.PLAN_META_MUNICIPALITY + suffix,
        index=names.index(doc["municipality"]) if doc["municipality"] in names else None,
        placeholder="Vælg kommune",
    )
    cols[1].number_input(
        "Fra år",
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        step=1,
        key=state.PLAN_META_YEAR + suffix,
        value=doc["year"],
    )
    cols[2].number_input(
        "Til år",
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        step=1,
        key=state.PLAN_META_YEAR_TO + suffix,
        value=doc["year_to"],
    )
    cols[3].selectbox(
        "Type",
        list(KINDS),
        key=state.PLAN_META_KIND + suffix,
        index=list(KINDS).index(doc["kind"]) if doc["kind"] in KINDS else 0,
        format_func=lambda k: KIND_NAMES.get(k, k),
    )
    reviewer = state.reviewer()
    if not reviewer:
        st.info("Skriv dit navn i sidepanelet for at gemme rettelser.")
    st.button(
        "Gem metadata",
        key=state.PLAN_META_SAVE + suffix,
        disabled=not reviewer,
        on_click=_save_metadata,
        args=(str(ws.root), doc),
    )


def _save_metadata(root: str, doc: dict[str, Any]) -> None:
    """Button callback: store each changed field as a metadata override (with history)."""
    suffix = f":{doc['doc_id']}"
    wanted = {
        "municipality": st.session_state.get(state.PLAN_META_MUNICIPALITY + suffix),
        "year": st.session_state.get(state.PLAN_META_YEAR + suffix),
        "year_to": st.session_state.get(state.PLAN_META_YEAR_TO + suffix),
        "kind": st.session_state.get(state.PLAN_META_KIND + suffix),
    }
    changed = {f: v for f, v in wanted.items() if v is not None and v != doc[f]}
    if not changed:
        state.flash("info", "Ingen ændringer at gemme.")
        return
    if "year" in changed or "year_to" in changed:
        first = changed.get("year", doc["year"])
        last = changed.get("year_to", doc["year_to"])
        if first is not None and last is not None and last < first:
            state.flash("error", f"Til år ({last}) ligger før fra år ({first}); intet er gemt.")
            return
    store = ReviewStore.for_workspace(Workspace(Path(root)))
    saved = []
    try:
        for field, value in changed.items():
            store.set_metadata(doc["doc_id"], field, value, state.reviewer())
            saved.append(field)
    except CompareError as err:
        state.flash(
            "error", f"Ikke gemt: {err}" + (f" (gemt: {', '.join(saved)})" if saved else "")
        )
        data.clear()
        return
    data.clear()
    state.flash("success", f"Gemt: {', '.join(saved)}.")


# -- text and outline --------------------------------------------------------------------------


def _addressed(cells: pl.DataFrame) -> pl.DataFrame:
    return cells.filter(pl.col("level").fill_null(LEVEL_NONE) != LEVEL_NONE)


def _outline(segments: pl.DataFrame) -> dict[int, str]:
    """Section number → outline label, indented by heading level."""
    outline = {WHOLE_PLAN: "Hele dokumentet"}
    headings = segments.filter(pl.col("is_heading"))
    if segments.filter((pl.col("section_no") == 0) & ~pl.col("is_heading")).height:
        outline[0] = "(før første overskrift)"
    for row in headings.iter_rows(named=True):
        if row["section_no"] not in outline:
            depth = max(0, (row["level"] or 1) - 1)
            outline[row["section_no"]] = (
                "\u00a0\u00a0" * depth + ("› " if depth else "") + row["text"]
            )
    return outline


def _text(
    segments: pl.DataFrame, evidence: pl.DataFrame, cells: pl.DataFrame, wanted_seg: int | None
) -> None:
    if segments.is_empty():
        st.info("Dokumentet har ingen tekst.")
        return
    outline = _outline(segments)
    if (
        state.PLAN_SECTION not in st.session_state
        or st.session_state[state.PLAN_SECTION] not in outline
    ):
        found = segments.filter(pl.col("seg_no") == (-1 if wanted_seg is None else wanted_seg))[
            "section_no"
        ]
        first = next(iter(k for k in outline if k != WHOLE_PLAN), WHOLE_PLAN)
        st.session_state[state.PLAN_SECTION] = int(found[0]) if found.len() else first
    nav, body = st.columns([2, 5], gap="medium")
    with nav, st.container(height=640):
        section = st.radio(
            "Indhold",
            list(outline),
            key=state.PLAN_SECTION,
            format_func=lambda k: escape_markdown(outline[k]),  # radio options are Markdown
        )
    addressed = _addressed(cells).select("framework_id", "item_id", "level")
    shown = evidence.join(addressed, on=["framework_id", "item_id"], how="inner")
    marks: dict[int, list[dict[str, Any]]] = {}
    for row in shown.iter_rows(named=True):
        marks.setdefault(row["seg_no"], []).append(row)
    rows = segments if section == WHOLE_PLAN else segments.filter(pl.col("section_no") == section)
    with body:
        st.caption(f"{len(marks)} afsnit er belæg for tags (fremhævet).")
        _segments(rows, marks, wanted_seg)


def _segments(
    rows: pl.DataFrame, marks: dict[int, list[dict[str, Any]]], wanted_seg: int | None
) -> None:
    plain: list[str] = []

    def flush() -> None:
        if plain:
            st.markdown("\n\n".join(plain))
            plain.clear()

    for row in rows.iter_rows(named=True):
        text = row["text"] or ""
        if row["is_heading"]:
            flush()
            st.markdown(f"{'#' * min(6, 2 + (row['level'] or 1))} {escape_markdown(text)}")
        elif row["seg_no"] in marks or row["seg_no"] == wanted_seg:
            flush()
            found = marks.get(row["seg_no"], [])
            with st.container(border=True):
                items = sorted({(m["framework_id"], m["item_id"], m["level"]) for m in found})
                labels = [f"{fw} {item} {level}" for fw, item, level in items]
                if row["seg_no"] == wanted_seg:
                    labels.insert(0, "søgetræf")
                st.caption("Belæg for: " + escape_markdown("; ".join(labels)))
                terms = [t for m in found for t in (m["matched_terms"] or [])]
                st.markdown(highlight(text, terms))
        else:
            plain.append(escape_markdown(text))
    flush()


def _tags(cells: pl.DataFrame, evidence: pl.DataFrame) -> None:
    addressed = _addressed(cells)
    if cells.is_empty():
        st.info("Dokumentet er ikke tagget endnu.")
        return
    labels = {(fw.id, item.id): item.label for fw in data.frameworks() for item in fw.items}
    table = (
        addressed.with_columns(
            pl.struct("framework_id", "item_id")
            .map_elements(
                lambda k: labels.get((k["framework_id"], k["item_id"]), ""), return_dtype=pl.Utf8
            )
            .alias("label"),
            pl.col("level").replace_strict(LEVEL_NAMES, default=pl.col("level")),
        )
        .select(list(TAG_COLUMNS))
        .rename(TAG_COLUMNS)
    )
    st.caption(
        f"{addressed.height} af {cells.height} punkter er behandlet i dokumentet "
        "(niveau efter medarbejdernes vurderinger)."
    )
    st.dataframe(table, hide_index=True, width="stretch")
    best = evidence.filter(pl.col("rank") == 1).join(
        addressed.select("framework_id", "item_id"), on=["framework_id", "item_id"]
    )
    if best.height:
        with st.expander("Bedste passage pr. punkt"):
            for row in best.iter_rows(named=True):
                st.markdown(
                    f"**{escape_markdown(row['framework_id'])} "
                    f"{escape_markdown(row['item_id'])}** — "
                    + highlight(repair_words(row["quote"]), row["matched_terms"] or [])
                )

"""Page "Temaoversigt": per framework item, who addresses it, the best evidence, a draft text."""

from __future__ import annotations

import hashlib
from typing import Any

import polars as pl
import streamlit as st

from compare.analysis.item_table import item_table_with
from compare.analysis.overview import danish_list, overview_markdown
from compare.errors import CompareError
from compare.frameworks.catalog import Framework
from compare.schema import FRAMEWORK_THEMES, KIND_PLAN
from compare.store.narratives import NarrativeStore
from compare.store.workspace import Workspace
from compare.ui import analysis, data, page_script, state
from compare.ui.components import LEVEL_NAMES, escape_markdown
from compare.ui.pages.plan import open_plan
from compare.ui.tables import covered_years

ALL_YEARS = "Alle år"


def render() -> None:
    """Show the theme overview page."""
    st.title("Temaoversigt")
    ws = data.app_workspace()
    try:
        frameworks = data.frameworks()
    except CompareError as err:
        st.error(f"En rammefil kan ikke læses: {err}. Ret filen på siden Rammer.")
        return
    plans = data.documents(ws).filter(pl.col("kind") == KIND_PLAN)
    if plans.is_empty() or not frameworks:
        st.info("Der er ingen planer endnu." if plans.is_empty() else "Der er ingen rammer.")
        st.page_link(str(page_script("upload")), label="Upload planer", icon=":material/upload:")
        return
    framework_id, year, council = _filters(plans, frameworks)
    try:
        framework, overview = analysis.overview(ws, framework_id, year, council)
    except CompareError as err:
        st.error(str(err))
        return
    _summary(framework, overview)
    if year is not None and council != analysis.ALL_COUNCILS:
        _word_download(ws, year, council)
    for group, rows in _groups(overview.filter(~pl.col("is_gap"))):
        if group:
            st.subheader(escape_markdown(group))
        for row in rows:
            _item(ws, framework, row, year, council)
    if year is not None and council != analysis.ALL_COUNCILS:
        _item_table(ws, framework, overview, year, council)
    gaps = overview.filter(pl.col("is_gap"))
    if gaps.height:
        st.subheader(f"Huller: {gaps.height} punkter nævnes ikke i nogen plan")
        for row in gaps.iter_rows(named=True):
            group = f" ({row['group']})" if row["group"] else ""
            st.markdown(
                f"- **{escape_markdown(row['item_id'])}.** "
                f"{escape_markdown(row['label'])}{escape_markdown(group)}"
            )


def _filters(plans: pl.DataFrame, frameworks: list[Framework]) -> tuple[str, int | None, str]:
    cols = st.columns([3, 1, 2])
    ids = [fw.id for fw in frameworks]
    titles = {fw.id: fw.title for fw in frameworks}
    themes = [fw.id for fw in frameworks if fw.kind == FRAMEWORK_THEMES]
    state.ensure_option(state.OVERVIEW_FRAMEWORK, ids, (themes or ids)[0])
    framework_id = cols[0].selectbox(
        "Ramme", ids, key=state.OVERVIEW_FRAMEWORK, format_func=lambda i: titles.get(i, i)
    )
    framework = next(fw for fw in frameworks if fw.id == framework_id)
    years: list[Any] = [y for y in covered_years(plans) if framework.applies_to(y, y)]
    options = [*years, ALL_YEARS]
    default = framework.year if framework.year in years else options[0]
    state.ensure_option(state.OVERVIEW_YEAR, options, default)
    year = cols[1].selectbox("År", options, key=state.OVERVIEW_YEAR)
    year = None if year == ALL_YEARS else int(year)
    councils = [analysis.ALL_COUNCILS, *(data.registry().councils(year) if year else [])]
    if framework.council:  # a council's own themes cover only that council
        councils = [framework.council]
    state.ensure_option(state.OVERVIEW_COUNCIL, councils, councils[0])
    council = cols[2].selectbox("Råd", councils, key=state.OVERVIEW_COUNCIL)
    return framework_id, year, council


def _summary(framework: Framework, overview: pl.DataFrame) -> None:
    if overview.is_empty():
        return
    first = overview.row(0, named=True)
    cols = st.columns(4)
    cols[0].metric("Planer", first["n_plans"])
    cols[1].metric("Kommuner", first["n_municipalities"])
    cols[2].metric("Punkter nævnt", int((~overview["is_gap"]).sum()))
    cols[3].metric("Huller", int(overview["is_gap"].sum()))
    st.caption(
        "Tallene pr. punkt tæller kommuner, ikke planer: en kommune med flere planer i udvalget "
        "tæller én gang, med sit bedste niveau."
    )
    if first["n_plans"] == 0:
        st.info("Ingen planer i udvalget er tagget mod denne ramme endnu.")
    st.download_button(
        "Hent som Markdown",
        overview_markdown(overview, framework),
        file_name=f"temaoversigt-{framework.id}.md",
        mime="text/markdown",
        icon=":material/download:",
    )
    st.caption(
        "Udkastene er skrevet ud fra fundne tekstpassager og optællinger; ret dem til "
        "i tekstfelterne og kopiér. Kilderne står under hvert udkast."
    )


def _word_download(ws: Workspace, year: int, council: str) -> None:
    """The council's written overview as Word (the same document as `compare report`)."""
    if st.button(
        "Lav Word-dokument", key=f"{state.OVERVIEW_DRAFT}:word", icon=":material/description:"
    ):
        from compare.word import build_report, report_bytes

        try:
            report = build_report(ws, data.frameworks(), council, year)
        except CompareError as err:
            st.error(str(err))
            return
        st.download_button(
            "Hent Word-dokument",
            report_bytes(report),
            file_name=f"oversigt-{year}.docx",
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            icon=":material/download:",
        )


def _item_table(
    ws: Workspace, framework: Framework, overview: pl.DataFrame, year: int, council: str
) -> None:
    """One item's table per municipality (like seed 003's Handicapindsatsen), saved per row."""
    st.subheader("Tabel pr. kommune")
    items = overview["item_id"].to_list()
    labels = dict(zip(items, overview["label"].to_list(), strict=True))
    item_id = st.selectbox(
        "Punkt",
        [None, *items],
        key=state.OVERVIEW_TABLE_ITEM,
        format_func=lambda i: "Vælg et punkt …" if i is None else f"{i}. {labels[i]}",
    )
    if item_id is None:
        return
    store = NarrativeStore.for_workspace(ws)
    table = analysis.item_table(ws, framework.id, item_id, year, council)
    saved = store.latest(council, year, framework.id, rows=True)
    table = item_table_with(table, saved, framework.id, item_id)
    reviewer = st.session_state.get(state.REVIEWER, "") or ""
    for row in table.iter_rows(named=True):
        name = row["municipality"]
        level = LEVEL_NAMES.get(row["level"], row["level"]) or "ikke nævnt"
        if not row["text"] and not row["level"]:
            st.markdown(f"**{escape_markdown(name)}** · :gray[{escape_markdown(level)}]")
            continue
        key = f"{state.OVERVIEW_TABLE_ITEM}:{framework.id}:{item_id}:{year}:{council}:{name}"
        text = st.text_area(f"{name} · {level}", value=row["text"], key=key, height=90)
        cols = st.columns([1, 4])
        if cols[0].button("Gem", key=f"{key}:save", disabled=not reviewer.strip()):
            try:
                store.save(
                    council,
                    year,
                    framework.id,
                    item_id,
                    text,
                    reviewer,
                    municipality=name,
                    draft_text=row["draft_text"],
                )
            except CompareError as err:
                st.error(str(err))
            else:
                row = {**row, "text": text.strip(), "is_draft": False, "saved_by": reviewer}
        if row["is_draft"]:
            cols[1].markdown(":orange[Maskinudkast – ikke gemt]")
        elif (text or "").strip() != row["text"]:
            cols[1].markdown(":orange[Ændringer ikke gemt]")
        else:
            cols[1].markdown(f":green[Gemt] af {escape_markdown(row['saved_by'] or '')}")


def _groups(overview: pl.DataFrame) -> list[tuple[str, list[dict[str, Any]]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in overview.iter_rows(named=True):
        groups.setdefault(row["group"] or "", []).append(row)
    return list(groups.items())


def _item(
    ws: Workspace, framework: Framework, row: dict[str, Any], year: int | None, council: str
) -> None:
    title = (
        f"{row['item_id']}. {row['label']} — X: {row['n_target']} · "
        f"(X): {row['n_addressed']} af {row['n_municipalities']} kommuner"
    )
    with st.expander(escape_markdown(title)):
        lines = []
        if row["municipalities_target"]:
            lines.append(
                f"**X** ({row['n_target']}): "
                f"{escape_markdown(danish_list(row['municipalities_target']))}"
            )
        if row["municipalities_addressed"]:
            lines.append(
                f"**(X)** ({row['n_addressed']}): "
                f"{escape_markdown(danish_list(row['municipalities_addressed']))}"
            )
        st.markdown("  \n".join(lines))
        if year is None or council == analysis.ALL_COUNCILS:
            digest = hashlib.sha1(row["draft_text"].encode("utf-8")).hexdigest()[:10]
            key = (
                f"{state.OVERVIEW_DRAFT}:{framework.id}:{row['item_id']}:{year}:{council}:{digest}"
            )
            st.text_area(
                "Udkast (kan redigeres og kopieres)", value=row["draft_text"], key=key, height=130
            )
            st.caption("Vælg et år og et råd for at gemme teksten i oversigten.")
        else:
            _narrative(ws, framework, row, year, council)
        _sources(framework, row)


def _narrative(
    ws: Workspace, framework: Framework, row: dict[str, Any], year: int, council: str
) -> None:
    """The item's narrative: saved text (who, when) or the machine draft, saved explicitly."""
    store = NarrativeStore.for_workspace(ws)
    saved = store.current(council, year, framework.id, row["item_id"])
    key = f"{state.OVERVIEW_DRAFT}:{framework.id}:{row['item_id']}:{year}:{council}"
    value = saved["text"] if saved else row["draft_text"]
    text = st.text_area("Tekst til oversigten", value=value, key=key, height=150)
    cols = st.columns([1, 4])
    reviewer = st.session_state.get(state.REVIEWER, "") or ""
    if cols[0].button("Gem tekst", key=f"{key}:save", disabled=not reviewer.strip()):
        try:
            store.save(
                council,
                year,
                framework.id,
                row["item_id"],
                text,
                reviewer,
                draft_text=row["draft_text"],
            )
        except CompareError as err:
            st.error(str(err))
        else:
            saved = store.current(council, year, framework.id, row["item_id"])
    if saved is None:
        status = ":orange[Maskinudkast – ikke gemt]"
    elif (text or "").strip() != saved["text"]:
        status = (
            f":orange[Ændringer ikke gemt] · sidst gemt af {escape_markdown(saved['reviewer'])}"
        )
    else:
        when = saved["saved_at"][:16].replace("T", " ")
        status = f":green[Gemt] af {escape_markdown(saved['reviewer'])} {when} UTC"
        if saved["text"] == (saved["draft_text"] or "").strip():
            status += " · uændret maskinudkast"
    if not reviewer.strip():
        status += " · skriv dit navn i sidepanelet for at gemme"
    cols[1].markdown(status)


def _sources(framework: Framework, row: dict[str, Any]) -> None:
    """The passages the sentences rest on, numbered in order of first use."""
    by_key = {(p["doc_id"], p["seg_no"]): p for p in row["passages"]}
    used: list[tuple[str, int | None]] = []
    for sentence in row["sentences"]:
        for ref in sentence["refs"]:
            key = (ref["doc_id"], ref["seg_no"])
            if key not in used:
                used.append(key)
    if not used:
        return
    st.markdown("**Kilder**")
    for number, key in enumerate(used, 1):
        passage = by_key.get(key)
        cols = st.columns([6, 1])
        if passage is None:
            cols[0].markdown(f"{number}. Medarbejderens vurdering af plan {key[0]}")
            continue
        where = " · ".join(
            x
            for x in (
                LEVEL_NAMES.get(passage["level"], passage["level"]),
                passage["heading_path"] or "",
                f"s. {passage['page']}" if passage["page"] is not None else "",
            )
            if x
        )
        cols[0].markdown(
            f"{number}. **{escape_markdown(passage['municipality'])}** "
            f":gray[{escape_markdown(where)}]  \n"
            f"»{escape_markdown(passage['quote'])}«"
        )
        if passage["quote_original"] and passage["quote_original"] != passage["quote"]:
            with cols[0].expander("Som i planen (før OCR-rettelse)"):
                st.text(passage["quote_original"])
        button_key = f"{state.OVERVIEW_OPEN}:{framework.id}:{row['item_id']}:{number}"
        if cols[1].button("Åbn", key=button_key, help="Vis passagen i planen"):
            open_plan(passage["doc_id"], passage["seg_no"])

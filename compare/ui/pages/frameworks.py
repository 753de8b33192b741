"""Page "Rammer": the frameworks and their items; set an item's keywords; add words to the
thesaurus; add a framework."""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl
import streamlit as st

from compare.config import thesaurus_file
from compare.errors import BadFramework, CompareError
from compare.frameworks.catalog import (
    FRAMEWORK_KINDS,
    Framework,
    find_framework,
    framework_from_titles,
    frameworks_dir,
    load_framework,
    load_frameworks,
    save_framework,
)
from compare.frameworks.keywords import parse_keywords, set_item_keywords
from compare.frameworks.thesaurus import borrowed_text, current_thesaurus
from compare.frameworks.thesaurus_edit import add_words
from compare.schema import FRAMEWORK_GOALS, YEAR_MAX, YEAR_MIN
from compare.tagging.run import TagReport, tag_workspace
from compare.ui import data, state
from compare.ui.components import escape_markdown

KIND_NAMES = {"goals": "Ministermål (mål for ét år)", "themes": "Temaer (gælder alle år)"}
SHEET_TYPES = ("csv", "xlsx")
PLACEHOLDER_TITLES = (
    "Virksomhederne skal sikres den nødvendige og kvalificerede arbejdskraft\n"
    "Flere ledige skal opkvalificeres"
)


def render() -> None:
    """Show the frameworks page."""
    st.title("Rammer")
    _show_result()
    try:
        frameworks = data.frameworks()
    except BadFramework as err:
        st.error(f"En rammefil kan ikke læses: {err}")
        frameworks = []
    st.caption(f"Rammerne ligger som filer i `{frameworks_dir()}`.")
    _listing(frameworks)
    _thesaurus_form()
    st.subheader("Tilføj en ramme")
    paste, upload = st.tabs(["Indsæt titler", "Upload ark (CSV/XLSX)"])
    with paste:
        _paste_form(frameworks)
    with upload:
        _upload_form(frameworks)


def _listing(frameworks: list[Framework]) -> None:
    if not frameworks:
        st.info("Der er ingen rammer endnu.")
        return
    overview = pl.DataFrame(
        {
            "Id": [fw.id for fw in frameworks],
            "Titel": [fw.title for fw in frameworks],
            "Type": [KIND_NAMES.get(fw.kind, fw.kind) for fw in frameworks],
            "År": [str(fw.year) if fw.year else "alle år" for fw in frameworks],
            "Punkter": [len(fw.items) for fw in frameworks],
        },
        schema={
            "Id": pl.Utf8,
            "Titel": pl.Utf8,
            "Type": pl.Utf8,
            "År": pl.Utf8,
            "Punkter": pl.Int32,
        },
    )
    st.dataframe(overview, hide_index=True, width="stretch")
    for fw in frameworks:
        with st.expander(escape_markdown(f"{fw.title} ({fw.id})")):
            items = pl.DataFrame(
                {
                    "Punkt": [i.id for i in fw.items],
                    "Gruppe": [i.group or "" for i in fw.items],
                    "Titel": [i.label for i in fw.items],
                    "Nøgleord": [", ".join(i.keywords) for i in fw.items],
                    "Fra tesaurus": [borrowed_text(i.label, i.keywords) for i in fw.items],
                },
                schema={
                    "Punkt": pl.Utf8,
                    "Gruppe": pl.Utf8,
                    "Titel": pl.Utf8,
                    "Nøgleord": pl.Utf8,
                    "Fra tesaurus": pl.Utf8,
                },
            )
            st.dataframe(items, hide_index=True, width="stretch")
            _keywords_form(fw)


def _keywords_form(fw: Framework) -> None:
    """Set one item's keywords: the plan's own words for it, which its label does not hold."""
    labels = {item.id: item.label for item in fw.items}
    item_id = st.selectbox(
        "Søgeord for punkt",
        list(labels),
        key=f"{state.FW_KEYWORDS_ITEM}{fw.id}",
        format_func=lambda i: f"{i}. {labels[i]}",
    )
    item = next(i for i in fw.items if i.id == item_id)
    text = st.text_input(
        "Søgeord (adskilt af komma)",
        value=", ".join(item.keywords),
        key=f"{state.FW_KEYWORDS_TEXT}{fw.id}:{item_id}",
        help="Planernes egne ord for punktet, fx 'rusmiddel' hvor titlen siger 'misbrug'. "
        "Rammens fil ændres; resten af filen bliver, som den er.",
    )
    if not st.button("Gem søgeord og tag igen", key=f"{state.FW_KEYWORDS_SAVE}{fw.id}"):
        return
    keywords = parse_keywords(text)
    try:
        path = set_item_keywords(fw, item_id, keywords)
    except CompareError as err:
        st.error(f"Søgeordene er ikke gemt: {err}")
        return
    said = ", ".join(keywords) if keywords else "ingen"
    _tag_and_report(fw.id, f"Søgeord for punkt {item_id} i {fw.id} er gemt ({path.name}): {said}.")


def _paste_form(frameworks: list[Framework]) -> None:
    cols = st.columns([2, 3, 2, 1])
    fw_id = cols[0].text_input(
        "Id",
        key=state.FW_NEW_ID,
        placeholder="ministermaal-2025",
        help="Bogstaver, tal, '-', '_' og '.'; bruges som filnavn.",
    )
    title = cols[1].text_input(
        "Titel", key=state.FW_NEW_TITLE, placeholder="Beskæftigelsesministerens mål 2025"
    )
    kind = cols[2].selectbox(
        "Type",
        list(FRAMEWORK_KINDS),
        key=state.FW_NEW_KIND,
        format_func=lambda k: KIND_NAMES.get(k, k),
    )
    year = cols[3].number_input(
        "År",
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        step=1,
        value=None,
        key=state.FW_NEW_YEAR,
        help="Året målene gælder (kun mål).",
    )
    titles = st.text_area(
        "Titler, én pr. linje", key=state.FW_NEW_TITLES, height=160, placeholder=PLACEHOLDER_TITLES
    )
    if not st.button("Gem og tag", key=state.FW_NEW_SAVE, type="primary"):
        return
    if kind == FRAMEWORK_GOALS and year is None:
        st.error("Angiv året, målene gælder for.")
        return
    try:
        _check_new_id(fw_id.strip(), frameworks)
        fw = framework_from_titles(
            fw_id.strip(),
            title.strip() or fw_id.strip(),
            kind,
            int(year) if year is not None else None,
            titles.splitlines(),
            known=frameworks,
        )
    except CompareError as err:
        st.error(f"Rammen er ikke gemt: {err}")
        return
    _save_and_tag(fw)


def _upload_form(frameworks: list[Framework]) -> None:
    st.caption(
        "Ét punkt pr. række under en overskriftsrække med kolonnerne framework, title, "
        "kind, year, item, label (og evt. group, description, keywords adskilt af ';')."
    )
    uploaded = st.file_uploader("Ark", type=list(SHEET_TYPES), key=state.FW_UPLOAD)
    if uploaded is None or not st.button("Gem og tag", key=state.FW_UPLOAD_SAVE, type="primary"):
        return
    suffix = Path(uploaded.name).suffix.lower()
    if suffix.lstrip(".") not in SHEET_TYPES:
        st.error(f"{uploaded.name}: kun .csv og .xlsx kan indlæses.")
        return
    try:
        with tempfile.TemporaryDirectory() as tmp:
            # The upload's name is never used as a path: only its (checked) suffix is kept.
            path = Path(tmp) / f"upload{suffix}"
            path.write_bytes(uploaded.getvalue())
            fw = load_framework(path, known=frameworks)
        _check_new_id(fw.id, frameworks)
    except BadFramework as err:
        line = f", linje {err.line}" if err.line else ""
        st.error(f"{uploaded.name}{line}: {err.problem}")
        return
    except CompareError as err:
        st.error(f"{uploaded.name}: {err}")
        return
    _save_and_tag(fw)


def _check_new_id(fw_id: str, frameworks: list[Framework]) -> None:
    if any(fw.id == fw_id for fw in frameworks):
        raise BadFramework(
            None,
            f"a framework with id {fw_id!r} already exists; choose "
            "another id (existing frameworks are edited as files)",
        )


def _save_and_tag(fw: Framework) -> None:
    """Save the framework (never over an existing file), then tag the workspace against it."""
    try:
        path = save_framework(fw)
    except CompareError as err:
        st.error(f"Rammen er ikke gemt: {err}")
        return
    _tag_and_report(fw.id, f"Rammen {fw.id} med {len(fw.items)} punkter er gemt ({path.name}).")


NEW_CONCEPT = "(nyt begreb)"


def _thesaurus_form() -> None:
    """Add the plans' words for a concept to the thesaurus, then tag again: every item whose
    label says the concept borrows them (items with keywords excepted)."""
    st.subheader("Tesaurus: planernes ord for et begreb")
    st.caption(
        "Rammer med titler alene låner begrebernes ord, så en plan, der siger det med sine "
        f"egne ord, findes alligevel. Filen: `{thesaurus_file()[0]}`."
    )
    concepts = [c.id for c in current_thesaurus().concepts]
    choice = st.selectbox("Begreb", [NEW_CONCEPT, *concepts], key=state.TH_CONCEPT)
    concept_id = (
        st.text_input("Det nye begrebs id (små bogstaver, tal og _)", key=state.TH_NEW_ID)
        if choice == NEW_CONCEPT
        else choice
    )
    text = st.text_input(
        "Ord (adskilt af komma)",
        key=state.TH_WORDS,
        help="Fx 'IPS, individuelt planlagt job med støtte' for begrebet psykisk sårbare.",
    )
    narrower = st.checkbox(
        "Ordene er slags af begrebet (snævrere), ikke ord for det", key=state.TH_NARROWER
    )
    if not st.button("Gem i tesaurus og tag igen", key=state.TH_SAVE):
        return
    words = parse_keywords(text)
    try:
        path = add_words(concept_id.strip(), words, narrower=narrower)
    except CompareError as err:
        st.error(f"Tesaurus er ikke ændret: {err}")
        return
    _tag_and_report(None, f"{path.name}: {concept_id} har fået {', '.join(words)}.")


def _tag_and_report(fw_id: str | None, saved: str) -> None:
    """Tag the workspace against the framework as saved (every framework for None: the
    thesaurus changed), then show what was done."""
    data.clear()
    # as loaded from the folder: terms linked with the others
    fws = [find_framework(fw_id)] if fw_id is not None else load_frameworks(errors=[])
    bar = st.progress(0.0, text=f"Tagger planerne mod {fw_id or 'alle rammer'} …")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=f"Tagger {done} af {total} …")

    try:
        report = tag_workspace(data.app_workspace(), fws, progress=progress)
    except CompareError as err:
        st.session_state[state.FW_RESULT] = ("warning", f"{saved} Men tagningen fejlede: {err}")
    else:
        done = _report_text(report) if fw_id else f"{report.documents} dokumenter er tagget igen."
        st.session_state[state.FW_RESULT] = ("success", f"{saved} {done}")
    data.clear()
    st.rerun()


def _report_text(report: TagReport) -> str:
    return f"{report.documents} dokumenter er tagget mod den."


def _show_result() -> None:
    result = st.session_state.get(state.FW_RESULT)
    if result:
        kind, message = result
        getattr(st, kind, st.info)(message)

"""The matrix page's Excel panel: the workbook for council meetings, and analysts' edits back.

Building a workbook takes a second or two, so it is built on a click (not on every rerun) and
kept in the session with the filters and workspace stamp it was built for; a download button
then hands it over. An edited workbook comes back through the same importer as
`compare import-review`, with the reviewer's name from the sidebar.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from compare.errors import CompareError
from compare.excel import export_bytes
from compare.excel.importer import import_review_bytes
from compare.store.workspace import Workspace
from compare.ui import data, state
from compare.ui.components import escape_markdown

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_name(framework_ids: tuple[str, ...], council: str | None, year: int) -> str:
    """A download name that says what is in it, e.g. `matrix-2018-rar-hovedstaden.xlsx`."""
    where = (council or "alle-raad").lower().replace(" ", "-")
    return (
        f"matrix-{year}-{where}.xlsx"
        if len(framework_ids) != 1
        else f"matrix-{year}-{where}-{framework_ids[0]}.xlsx"
    )


def render_excel(
    ws: Workspace, framework_ids: tuple[str, ...], council: str | None, year: int
) -> None:
    """Show the panel for the frameworks, council (None: all) and year the matrix shows."""
    with st.expander("Excel til rådsmødet", icon=":material/table_view:"):
        _export(ws, framework_ids, council, year)
        st.divider()
        _import(ws)


def _export(ws: Workspace, framework_ids: tuple[str, ...], council: str | None, year: int) -> None:
    st.caption(
        "Matrix, begrundelser, temaoversigt og dokumentliste som regneark, klar til at "
        "printe; samme fil som `compare export`."
    )
    wanted = (framework_ids, council, year, data.workspace_stamp(ws))
    if st.button("Lav Excel-fil", key=state.EXCEL_PREPARE):
        with st.spinner("Bygger regnearket …"):
            try:
                built = export_bytes(ws, list(framework_ids), council, year, today=date.today())
            except CompareError as err:
                st.error(f"Regnearket kunne ikke laves: {escape_markdown(str(err))}")
                return
        st.session_state[state.EXCEL_FILE] = (wanted, built)
    prepared = st.session_state.get(state.EXCEL_FILE)
    if prepared and prepared[0] == wanted:
        st.download_button(
            "Hent Excel-fil",
            prepared[1],
            file_name(framework_ids, council, year),
            mime=XLSX_MIME,
            icon=":material/download:",
        )
    elif prepared:
        st.caption("Filtrene eller vurderingerne er ændret: lav filen igen.")


CONFLICT_CHOICES = {
    "keep": "Behold den nyere vurdering i programmet",
    "take": "Brug regnearkets værdi",
}


def _import(ws: Workspace) -> None:
    st.caption(
        "Har en kollega rettet X / (X) / tomt eller bemærkningerne i en eksporteret fil? "
        "Indlæs den her: hver ændret celle gemmes som en vurdering i kollegaens navn, "
        "indlæst af dig. En celle, der er vurderet i programmet efter eksporten, er en "
        "konflikt: den vises og gemmes kun, hvis du vælger regnearkets værdi."
    )
    upload = st.file_uploader("Rettet Excel-fil", type=["xlsx"], key=state.EXCEL_UPLOAD)
    reviewer = state.reviewer()
    if state.EXCEL_EDITOR not in st.session_state:  # remembered for the session
        st.session_state[state.EXCEL_EDITOR] = reviewer
    editor = st.text_input(
        "Rettet af", key=state.EXCEL_EDITOR, help="Navnet på den, der har rettet filen."
    ).strip()
    on_conflict = st.radio(
        "Ved konflikt",
        list(CONFLICT_CHOICES),
        format_func=CONFLICT_CHOICES.__getitem__,
        key=state.EXCEL_ON_CONFLICT,
        horizontal=True,
    )
    if not reviewer:
        st.caption("Skriv dit navn i sidepanelet for at indlæse rettelser.")
    if (
        not st.button(
            "Indlæs rettelser", key=state.EXCEL_IMPORT, disabled=upload is None or not reviewer
        )
        or upload is None
    ):
        return
    try:
        report = import_review_bytes(
            ws,
            upload.name,
            upload.getvalue(),
            reviewer,
            editor=editor or reviewer,
            on_conflict=on_conflict,
        )
    except CompareError as err:
        st.error(
            f"**{escape_markdown(upload.name)}** kunne ikke indlæses: {escape_markdown(str(err))}"
        )
        return
    data.clear()
    kind = "warning" if report.refused or report.kept else "success"
    getattr(st, kind)(
        f"{len(report.changes)} ændring(er) gemt, {len(report.refused)} afvist, "
        f"{len(report.kept)} konflikt(er) ikke gemt."
    )
    st.code(report.summary(), language=None)

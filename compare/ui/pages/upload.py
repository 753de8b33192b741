"""Page "Upload": add plans to the workspace, then tag them, with progress and per-file errors.

An uploaded file's name is only a label: `ingest_bytes` stores the bytes under their content
hash, so a name like `../../x.pdf` can never become a path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
import streamlit as st

from compare.errors import CompareError
from compare.ingest import DEFAULT_MAX_BYTES, DocumentSummary, ingest_bytes
from compare.schema import KIND_OVERVIEW
from compare.store.workspace import Workspace
from compare.tagging.run import tag_workspace
from compare.ui import data, page_script, state
from compare.ui.components import escape_markdown
from compare.ui.labels import KIND_NAMES, danish_note

MAX_UPLOAD_MB = DEFAULT_MAX_BYTES // 2**20  # per file: the ingest limit, said on the page
FILE_TYPES = ["pdf", "docx", "html", "htm", "md", "markdown", "txt"]
DOCUMENT_COLUMNS = {
    "municipality": "Kommune",
    "year": "År",
    "year_to": "Til",
    "kind": "Type",
    "title": "Titel",
    "file_name": "Fil",
    "municipality_note": "Bemærkning",
}


@dataclass
class UploadResult:
    """What the last upload did, kept in session state so it stays visible after a re-run."""

    added: list[DocumentSummary] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # file names
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file name, message)
    warnings: list[str] = field(default_factory=list)
    tag_error: str | None = None


def render() -> None:
    """Show the upload page."""
    st.title("Upload")
    ws = data.app_workspace()
    if data.plan_count(ws) == 0:
        st.info(
            "Der er ingen planer i workspace endnu. Upload kommunernes "
            "beskæftigelsesplaner her; derefter viser Matrix-siden dem."
        )
    st.markdown(
        f"PDF, Word (DOCX), HTML, Markdown eller tekst — også OCR-tekst. "
        f"**Højst {MAX_UPLOAD_MB} MB pr. fil.** Kommune, år og type læses af "
        "dokumentets indhold, ikke af filnavnet."
    )
    files = st.file_uploader(
        "Planer",
        type=FILE_TYPES,
        accept_multiple_files=True,
        key=state.UPLOAD_FILES,
        max_upload_size=MAX_UPLOAD_MB,
    )
    if st.button("Indlæs og tag", key=state.UPLOAD_RUN, type="primary", disabled=not files):
        st.session_state[state.UPLOAD_RESULT] = _process(ws, files or [])
        data.clear()
    result = st.session_state.get(state.UPLOAD_RESULT)
    if result is not None:
        _show(result)
    _documents(ws)


def _process(ws: Workspace, files: list) -> UploadResult:
    """Ingest every file (a bad one is reported and the rest go on), then tag the workspace."""
    result = UploadResult()
    with st.status(f"Indlæser {len(files)} fil(er) …", expanded=True) as status:
        bar = st.progress(0.0)
        for number, upload in enumerate(files, start=1):
            st.write(f"Indlæser {escape_markdown(upload.name)} …")
            _ingest_one(ws, upload.name, upload.getvalue(), result)
            bar.progress(number / len(files), text=f"{number} af {len(files)} filer indlæst")
        if result.added:
            status.update(label="Tagger de nye dokumenter …")
            tag_bar = st.progress(0.0, text="Tagger mod rammerne …")

            def tagged(done: int, total: int) -> None:
                tag_bar.progress(
                    done / total if total else 1.0, text=f"{done} af {total} dokumenter tagget"
                )

            try:
                # In this process: forking a server that runs threads (Tornado, Polars' pool)
                # into worker processes risks a deadlock, and uploads are a handful of files.
                tag_workspace(ws, progress=tagged, workers=1)
            except CompareError as err:
                result.tag_error = str(err)
        failed = bool(result.failed or result.tag_error)
        status.update(
            label="Færdig" + (" — med fejl" if failed else ""),
            state="error" if failed else "complete",
            expanded=False,
        )
    return result


def _ingest_one(ws: Workspace, name: str, content: bytes, result: UploadResult) -> None:
    try:
        report = ingest_bytes(name, content, ws, max_bytes=MAX_UPLOAD_MB * 2**20)
    except CompareError as err:  # the pipeline reports per file; this is a last guard
        result.failed.append((name, str(err)))
        return
    result.added.extend(report.added)
    result.duplicates.extend(shown for shown, _ in report.duplicates)
    result.failed.extend(report.failed)
    result.warnings.extend(report.warnings)


def _show(result: UploadResult) -> None:
    if result.added:
        st.success(f"{len(result.added)} dokument(er) indlæst og tagget.")
        added = pl.DataFrame(
            {
                "Fil": [d.file_name for d in result.added],
                "Kommune": [d.municipality or "?" for d in result.added],
                "År": [d.period for d in result.added],
                "Type": [KIND_NAMES.get(d.kind, d.kind) for d in result.added],
                "Bemærkning": [danish_note(d.municipality_note) for d in result.added],
            }
        )
        st.dataframe(added, hide_index=True, width="stretch")
        st.page_link(str(page_script("matrix")), label="Se matrixen", icon=":material/grid_on:")
    if result.duplicates:
        st.info(
            f"Allerede i workspace (springes over): "
            f"{escape_markdown(', '.join(result.duplicates))}."
        )
    for name, message in result.failed:
        st.error(f"**{escape_markdown(name)}** blev ikke indlæst: {escape_markdown(message)}")
    for warning in result.warnings:
        st.warning(escape_markdown(warning))
    if result.tag_error:
        st.error(
            f"Dokumenterne er gemt, men taggingen fejlede: "
            f"{escape_markdown(result.tag_error)}. Ret fejlen og kør `compare tag`."
        )


def _documents(ws: Workspace) -> None:
    docs = data.documents(ws)
    if docs.is_empty():
        return
    st.subheader(f"Dokumenter i workspace ({docs.height})")
    # A regional overview names many municipalities by design; only its year is needed.
    missing_municipality = pl.col("municipality").is_null() & (pl.col("kind") != KIND_OVERVIEW)
    unsure = docs.filter(missing_municipality | pl.col("year").is_null()).height
    if unsure:
        st.warning(
            f"{unsure} dokument(er) mangler kommune eller år. Ret det under "
            "Metadata på siden Plan, så de kommer på rette plads i matrixen."
        )
    shown = docs.sort("municipality", "year", nulls_last=True).select(list(DOCUMENT_COLUMNS))
    shown = shown.with_columns(  # Danish words, and no "None" in empty cells
        pl.col("kind").replace_strict(KIND_NAMES, default=pl.col("kind")),
        pl.col("municipality_note").map_elements(danish_note, return_dtype=pl.Utf8),
    ).with_columns(pl.col(pl.Utf8).fill_null(""))
    st.dataframe(shown.rename(DOCUMENT_COLUMNS), hide_index=True, width="stretch")

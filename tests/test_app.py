"""The Streamlit app through AppTest: every page runs, the gate, upload, and one full review."""

from __future__ import annotations

import pandas as pd
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from compare.store.review_db import ReviewStore
from compare.store.workspace import ENV_VAR, Workspace
from compare.tagging.run import tag_workspace
from compare.ui import PAGES, SCRIPTS_DIR, state
from tests.app_support import APP, PAGE_HEADINGS
from tests.conftest import SEED_PLAN_2018

pytestmark = pytest.mark.seeds
TIMEOUT = 60  # seconds per script run; a first run imports polars, pyarrow, the registry ...
GOAL_FLYGTNINGE = "ministermaal-2018::3"  # "Flere flygtninge og familiesammenførte ..."


def _app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT)


def _script(name: str) -> str:
    return str((SCRIPTS_DIR / f"{name}.py").relative_to(APP.parent))


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("spec", PAGES, ids=[p.name for p in PAGES])
def test_every_page_runs_on_the_seeded_workspace(spec, private_ws):
    at = _ok(_app().run())
    _ok(at.switch_page(_script(spec.name)).run())
    assert PAGE_HEADINGS[spec.name] in [t.value for t in at.title]  # the page asked for ran


def test_app_opens_on_the_matrix_with_plans_and_on_upload_without(
    private_ws, tmp_path, monkeypatch
):
    at = _ok(_app().run())
    assert [t.value for t in at.title] == ["Matrix"]
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "empty"))
    at = _ok(_app().run())
    assert [t.value for t in at.title] == ["Upload"]
    assert any("ingen planer" in i.value for i in at.info)


def test_password_gate_when_secrets_set_one(private_ws):
    at = _app()
    at.secrets["auth"] = {"password": "hemmelig"}
    _ok(at.run())
    assert not at.title or at.title[0].value != "Matrix"
    assert not at.dataframe
    _ok(at.text_input(key=state.PASSWORD).input("forkert").run())
    assert at.error and "Forkert adgangskode" in at.error[0].value
    assert not at.dataframe
    _ok(at.text_input(key=state.PASSWORD).input("hemmelig").run())
    assert [t.value for t in at.title] == ["Matrix"]
    assert at.dataframe(key=state.MATRIX_TABLE).value.shape[0] > 0


def _matrix_2018(at: AppTest) -> pd.DataFrame:
    at.selectbox(key=state.MATRIX_YEAR).set_value(2018)
    _ok(at.run())
    return at.dataframe(key=state.MATRIX_TABLE).value


def _cell(at: AppTest, municipality: str, column: str) -> str:
    table = at.dataframe(key=state.MATRIX_TABLE).value
    return table.loc[table["Kommune"] == municipality, column].iloc[0]


def test_full_review_survives_a_retag(private_ws):
    at = _ok(_app().run())
    at.text_input(key=state.REVIEWER).input("Anna Analytiker")
    table = _matrix_2018(at)
    row = int(table.index[table["Kommune"] == "København"][0])
    before = table.loc[row, GOAL_FLYGTNINGE]
    assert before in ("X", "(X)", "")  # the tagger's own level, not yet reviewed

    # Click the cell: its evidence opens.
    at.session_state[state.MATRIX_TABLE] = {
        "selection": {"rows": [], "columns": [], "cells": [[row, GOAL_FLYGTNINGE]]}
    }
    _ok(at.run())
    assert "København" in at.subheader[0].value and "flygtninge" in at.subheader[0].value
    assert at.session_state[state.PICK_ITEM] == GOAL_FLYGTNINGE

    # Change the level and add a note.
    new_level = "(X)" if before == "X" else "X"
    at.radio(key=state.REVIEW_LEVEL).set_value(new_level)
    at.text_area(key=state.REVIEW_NOTE).input("Mål om IGU-forløb")
    _ok(at.button(key=state.REVIEW_SAVE).click().run())
    assert _cell(at, "København", GOAL_FLYGTNINGE) == f"{new_level} ✓"
    assert any("Gemt" in t.value for t in at.toast)
    history = ReviewStore.for_workspace(private_ws).history()
    assert history.select("item_id", "level", "note", "reviewer").rows() == [
        ("3", new_level, "Mål om IGU-forløb", "Anna Analytiker")
    ]

    # Re-tag everything from scratch: the decision is kept and not flagged.
    private_ws.tags_path.unlink()
    private_ws.evidence_path.unlink()
    tag_workspace(private_ws)
    _ok(at.run())
    assert _cell(at, "København", GOAL_FLYGTNINGE) == f"{new_level} ✓"
    assert not at.warning

    # The document changes: the cell asks for a re-check.
    docs = private_ws.read_documents()
    private_ws.write_documents(docs.with_columns(pl.lit("changed").alias("text_hash")))
    _ok(at.run())
    assert _cell(at, "København", GOAL_FLYGTNINGE) == f"{new_level} ⚠"
    assert any("ændret" in w.value for w in at.warning)

    # Undo: back to the tagger's level, unreviewed.
    private_ws.write_documents(docs)
    _ok(at.button(key=state.REVIEW_UNDO).click().run())
    assert _cell(at, "København", GOAL_FLYGTNINGE) == before
    assert at.radio(key=state.REVIEW_LEVEL).value == before


def test_review_needs_a_name(private_ws):
    at = _ok(_app().run())
    _matrix_2018(at)
    assert at.button(key=state.REVIEW_SAVE).disabled
    assert any("Skriv dit navn" in i.value for i in at.info)


def test_filters_narrow_the_rows(private_ws):
    at = _ok(_app().run())
    table = _matrix_2018(at)
    assert "København" in table["Kommune"].tolist()
    at.multiselect(key=state.MATRIX_KINDS).set_value(["overview"])
    _ok(at.run())
    assert "København" not in at.dataframe(key=state.MATRIX_TABLE).value["Kommune"].tolist()


def test_upload_ingests_tags_and_reports_bad_files(seed, tmp_path, monkeypatch):
    root = tmp_path / "ws"
    monkeypatch.setenv(ENV_VAR, str(root))
    at = _ok(_app().run())
    assert [t.value for t in at.title] == ["Upload"]
    plan = seed(SEED_PLAN_2018).read_bytes()
    at.file_uploader(key=state.UPLOAD_FILES).set_value(
        [
            ("../../kbh-plan.txt", plan, "text/plain"),
            ("broken.pdf", b"%PDF-1.4 this is not a PDF", "application/pdf"),
        ]
    )
    _ok(at.run())
    _ok(at.button(key=state.UPLOAD_RUN).click().run())
    assert [s.value for s in at.success] == ["1 dokument(er) indlæst og tagget."]
    added = at.dataframe[0].value
    assert added[["Fil", "Kommune", "År"]].values.tolist() == [
        ["kbh-plan.txt", "København", "2018"]
    ]
    errors = [e.value.replace("\\", "") for e in at.error]  # Markdown escapes aside
    assert len(errors) == 1 and "broken.pdf" in errors[0]
    ws = Workspace.open(root)
    docs = ws.read_documents()
    assert docs["municipality"].to_list() == ["København"]
    assert not ws.read_tags().is_empty()
    # The name was only a label: nothing was written outside the workspace.
    assert not (tmp_path / "kbh-plan.txt").exists() and not (root.parent / "kbh-plan.txt").exists()
    assert all(root in p.resolve().parents for p in ws.originals_dir.rglob("*"))


def test_a_passage_opens_in_its_plan(private_ws):
    at = _ok(_app().run())
    doc_id = at.session_state[state.PICK_DOC]
    _ok(at.button(key=f"{state.MATRIX_OPEN}:1").click().run())
    assert any(t.value.startswith("Plan") for t in at.title)
    assert at.session_state[state.PLAN_DOC] == doc_id


def test_council_filter_names_the_members_without_a_plan(private_ws):
    at = _ok(_app().run())
    _matrix_2018(at)
    at.selectbox(key=state.MATRIX_COUNCIL).set_value("RAR Hovedstaden")
    _ok(at.run())
    assert at.dataframe(key=state.MATRIX_TABLE).value["Kommune"].tolist() == ["I alt", "København"]
    missing = next(c.value for c in at.caption if c.value.startswith("Ingen plan for 2018"))
    assert "Frederiksberg" in missing and "Albertslund" in missing
    assert "København" not in missing and "Bornholm" not in missing  # Bornholm: its own RAR


def test_untagged_documents_are_said_to_be_untagged(private_ws):
    private_ws.tags_path.unlink()
    at = _ok(_app().run())
    assert any("ikke tagget" in i.value for i in at.info)


def test_matrix_page_builds_the_excel_workbook_for_its_filters(private_ws):
    import io

    from openpyxl import load_workbook

    at = _ok(_app().run())
    _matrix_2018(at)
    assert state.EXCEL_FILE not in at.session_state  # nothing is built until asked for
    _ok(at.button(key=state.EXCEL_PREPARE).click().run())
    (frameworks, council, year, _stamp), built = at.session_state[state.EXCEL_FILE]
    assert year == 2018 and council is None and "ministermaal-2018" in frameworks
    book = load_workbook(io.BytesIO(built))
    matrix_sheets = [
        ws
        for ws in book.worksheets
        if ws.sheet_state == "visible" and any(c.value == "København" for c in ws["A"])
    ]
    assert matrix_sheets, book.sheetnames  # København's row is in a matrix sheet
    assert at.get("download_button"), "the download button appears once the file is built"
    # Importing edits needs the reviewer's name first.
    assert at.button(key=state.EXCEL_IMPORT).disabled


def test_upload_page_warns_only_about_plans_missing_a_municipality(private_ws):
    at = _ok(_app().run())
    _ok(at.switch_page(_script("upload")).run())
    assert not any("mangler kommune" in w.value for w in at.warning)  # the overview is fine
    docs = private_ws.read_documents()
    unknown = pl.when(pl.col("kind") == "plan").then(None).otherwise(pl.col("municipality"))
    private_ws.write_documents(docs.with_columns(unknown.alias("municipality")))
    _ok(at.run())
    plans = docs.filter(pl.col("kind") == "plan").height
    assert any(f"{plans} dokument(er) mangler kommune" in w.value for w in at.warning)

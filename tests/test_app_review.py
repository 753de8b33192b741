"""The review through the app (AppTest): a whole plan through the queue, passages analysts own,
the row remark, and the agreement panel — each checked in the workspace and the export."""

from __future__ import annotations

import io
from typing import Any

import polars as pl
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from compare.excel import export_bytes
from compare.store.review_db import ReviewStore
from compare.tagging.run import tag_workspace
from compare.ui import state
from tests.app_support import APP

pytestmark = pytest.mark.seeds
TIMEOUT = 60
YEAR = 2018
COUNCIL = "RAR Hovedstaden"  # in 2018 the seeds hold one plan of its: København's


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def _progress(at: AppTest) -> str:
    """The queue's count, "n af N vurderet" (without the per-framework counts after it)."""
    return at.get("progress")[0].proto.text.split(" · ")[0]


def _focus(at: AppTest) -> tuple[Any, Any]:
    return at.session_state[state.PICK_DOC], at.session_state[state.PICK_ITEM]


def _one_plan(name: str = "Anna Analytiker") -> AppTest:
    """The app on the matrix of København 2018, with a reviewer's name typed in."""
    at = _ok(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run())
    at.text_input(key=state.REVIEWER).input(name)
    at.selectbox(key=state.MATRIX_YEAR).set_value(YEAR)
    _ok(at.run())
    at.selectbox(key=state.MATRIX_COUNCIL).set_value(COUNCIL)
    return _ok(at.run())


def test_a_whole_plan_is_reviewed_through_the_queue(private_ws):
    at = _one_plan()
    table = at.dataframe(key=state.MATRIX_TABLE).value
    assert table["Kommune"].tolist() == ["I alt", "København"]
    n_cells = sum(1 for c in table.columns if "::" in c and table[c].iloc[1] != "–")
    assert n_cells >= 5
    assert _progress(at).replace("*", "") == f"0 af {n_cells} vurderet"

    seen = []
    # The first decision changes the level ("X og næste" or "(X) og næste"), the rest confirm.
    first_level = None
    for step in range(n_cells):
        seen.append(_focus(at))
        if step == 0:
            shown = at.radio(key=state.REVIEW_LEVEL).value
            first_level = "(X)" if shown == "X" else "X"
            at.button(key=f"{state.QUEUE_LEVEL_NEXT}:{first_level}").click()
        else:
            at.button(key=state.QUEUE_CONFIRM_NEXT).click()
        _ok(at.run())
        assert _progress(at).replace("*", "") == f"{step + 1} af {n_cells} vurderet"
    assert len(set(seen)) == n_cells  # every cell once, none twice
    assert any("Alle celler er vurderet" in t.value for t in at.toast)
    assert at.button(key=state.QUEUE_NEXT).disabled  # nothing left in the queue

    latest = ReviewStore.for_workspace(private_ws).latest()
    assert latest.height == n_cells and set(latest["reviewer"]) == {"Anna Analytiker"}
    first_doc, first_column = seen[0]
    framework_id, item_id = first_column.split("::")
    first = latest.filter(
        (pl.col("doc_id") == first_doc)
        & (pl.col("framework_id") == framework_id)
        & (pl.col("item_id") == item_id)
    )
    assert first["level"].to_list() == [first_level]
    table = at.dataframe(key=state.MATRIX_TABLE).value
    assert all(str(table[c].iloc[1]).endswith("✓") for c in table.columns if "::" in c)


def test_previous_goes_back_to_the_cell_just_left(private_ws):
    at = _one_plan()
    start = _focus(at)
    _ok(at.button(key=state.QUEUE_NEXT).click().run())
    moved = _focus(at)
    assert moved != start
    _ok(at.button(key=state.QUEUE_PREVIOUS).click().run())
    assert _focus(at) == start
    assert ReviewStore.for_workspace(private_ws).history().is_empty()  # moving records nothing


def _passage_buttons(at: AppTest, prefix: str) -> list[Any]:
    return [b for b in at.button if str(b.key or "").startswith(prefix + ":")]


def _matrix_evidence_seg_nos(book_bytes: bytes, quote: str) -> bool:
    book = load_workbook(io.BytesIO(book_bytes))
    return any(
        quote in str(cell.value or "")
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
    )


def test_analysts_passages_survive_retagging_and_reach_the_export(private_ws):
    at = _one_plan()
    doc_id, column = _focus(at)
    framework_id, item_id = column.split("::")
    removable = _passage_buttons(at, state.PASSAGE_REMOVE)
    assert removable, "the cell in focus has tagger passages"
    removed_seg = int(removable[0].key.split(":")[1])
    evidence = private_ws.read_evidence().filter(
        (pl.col("doc_id") == doc_id)
        & (pl.col("framework_id") == framework_id)
        & (pl.col("item_id") == item_id)
    )
    removed_quote = evidence.filter(pl.col("seg_no") == removed_seg)["quote"][0]
    _ok(removable[0].click().run())
    assert any("fjernet" in t.value for t in at.toast)

    # Add a passage the tagger did not pick: search the plan's text for it.
    segments = private_ws.read_segments([doc_id])
    taken = set(evidence["seg_no"].to_list())
    candidate = segments.filter(
        ~pl.col("is_heading")
        & ~pl.col("seg_no").is_in(list(taken))
        & pl.col("text").str.contains("(?i)virksomhed")
    ).row(0, named=True)
    words = [w for w in candidate["text"].split() if len(w) > 6 and w.isalpha()][:2]
    at.text_input(key=state.PASSAGE_QUERY).input(" ".join(words))
    _ok(at.run())
    _ok(at.button(key=f"{state.PASSAGE_ADD}:{candidate['seg_no']}").click().run())
    assert any("tilføjet" in t.value for t in at.toast)
    # Mark the added passage as the one carrying the target.
    _ok(at.button(key=f"{state.PASSAGE_TARGET}:{candidate['seg_no']}").click().run())
    assert _passage_buttons(at, state.PASSAGE_REMOVE)[0].key.endswith(f":{candidate['seg_no']}")

    # Re-tag from scratch: the analyst's passages are kept, the removed one stays out.
    private_ws.tags_path.unlink()
    private_ws.evidence_path.unlink()
    tag_workspace(private_ws)
    _ok(at.run())
    shown = [int(b.key.split(":")[1]) for b in _passage_buttons(at, state.PASSAGE_REMOVE)]
    assert shown[0] == candidate["seg_no"] and removed_seg not in shown

    book = export_bytes(private_ws, [framework_id], COUNCIL, YEAR)
    assert _matrix_evidence_seg_nos(book, candidate["text"][:60])
    assert not _matrix_evidence_seg_nos(book, removed_quote[:60])


def test_the_row_remark_is_kept_apart_from_the_cell_note_and_reaches_excel(private_ws):
    at = _one_plan()
    doc_id, column = _focus(at)
    framework_id = column.split("::")[0]
    key = f"{state.REVIEW_REMARK}:{doc_id}:{framework_id}"
    at.text_area(key=key).input("Planen har også mål for seniorer")
    _ok(at.button(key=state.REVIEW_REMARK_SAVE).click().run())
    assert any("Bemærkningen er gemt" in t.value for t in at.toast)
    store = ReviewStore.for_workspace(private_ws)
    assert store.remarks()["note"].to_list() == ["Planen har også mål for seniorer"]
    assert store.latest().is_empty()  # no cell was decided
    assert at.text_area(key=state.REVIEW_NOTE).label == "Note til cellen"
    book = export_bytes(private_ws, [framework_id], COUNCIL, YEAR)
    assert _matrix_evidence_seg_nos(book, "Planen har også mål for seniorer")


def test_the_agreement_panel_compares_two_analysts(private_ws):
    at = _one_plan("Anna")
    _ok(at.button(key=state.QUEUE_CONFIRM_NEXT).click().run())
    _ok(at.button(key=state.QUEUE_CONFIRM_NEXT).click().run())
    at.text_input(key=state.REVIEWER).input("Bo")
    _ok(at.run())
    _ok(at.button(key=state.QUEUE_PREVIOUS).click().run())
    _ok(at.button(key=f"{state.QUEUE_LEVEL_NEXT}:").click().run())  # Bo says blank
    _ok(at.run())
    at.selectbox(key=state.AGREEMENT_A).set_value("Anna")
    at.selectbox(key=state.AGREEMENT_B).set_value("Bo")
    _ok(at.run())
    summary = next(m.value for m in at.markdown if "Cohens kappa" in m.value)
    assert "af 1**" in summary


def test_a_search_hit_codes_the_cell_in_focus(private_ws):
    at = _one_plan()
    doc_id, column = _focus(at)
    framework_id, item_id = column.split("::")
    _ok(at.switch_page("compare/ui/scripts/search.py").run())
    at.text_input(key=state.SEARCH_QUERY).input("virksomheder")
    _ok(at.run())
    offers = [b for b in at.button if str(b.key or "").startswith(f"{state.SEARCH_ADD}:{doc_id}:")]
    assert offers, "hits in the plan in focus offer to code its cell"
    seg_no = int(offers[0].key.rsplit(":", 1)[1])
    _ok(offers[0].click().run())
    passages = ReviewStore.for_workspace(private_ws).passages()
    assert passages.select("doc_id", "framework_id", "item_id", "seg_no", "included").rows() == [
        (doc_id, framework_id, item_id, seg_no, True)
    ]
    assert passages["quote"][0]  # the paragraph's text is kept with it


def test_clicking_a_cell_again_after_the_queue_moved_on_focuses_it(private_ws):
    at = _one_plan()
    table = at.dataframe(key=state.MATRIX_TABLE).value
    column = next(c for c in table.columns if "::" in c)
    click = {"selection": {"rows": [], "columns": [], "cells": [[1, column]]}}
    at.session_state[state.MATRIX_TABLE] = click
    _ok(at.run())
    assert _focus(at)[1] == column
    _ok(at.button(key=state.QUEUE_NEXT).click().run())
    assert _focus(at)[1] != column  # the grid still shows the old selection: it is not re-applied
    at.session_state[state.MATRIX_TABLE] = {"selection": {"rows": [], "columns": [], "cells": []}}
    _ok(at.run())
    at.session_state[state.MATRIX_TABLE] = click
    _ok(at.run())
    assert _focus(at)[1] == column


def test_the_chart_draws_one_bar_chart_per_framework_when_asked(private_ws):
    at = _one_plan()
    assert not at.get("vega_lite_chart")  # not drawn until asked for: it costs time
    _ok(at.toggle(key=state.MATRIX_CHART).set_value(True).run())
    charts = at.get("vega_lite_chart")
    n_frameworks = len(
        {c.split("::")[0] for c in at.dataframe(key=state.MATRIX_TABLE).value if "::" in c}
    )
    assert len(charts) == n_frameworks >= 1


@pytest.mark.parametrize("page", ["overview", "plan", "years"])
def test_pages_showing_evidence_run_with_analysts_passages(private_ws, page):
    at = _one_plan()
    doc_id, column = _focus(at)
    framework_id, item_id = column.split("::")
    store = ReviewStore.for_workspace(private_ws)
    store.change_passage(
        doc_id, framework_id, item_id, 3, "Anna", included=True, passage={"quote": "Egen passage"}
    )
    removed = private_ws.read_evidence()["seg_no"][0]
    store.change_passage(doc_id, framework_id, item_id, int(removed), "Anna", included=False)
    _ok(at.switch_page(f"compare/ui/scripts/{page}.py").run())

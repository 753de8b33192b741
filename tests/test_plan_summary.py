"""Plan summaries on seed 000 (København 2018), checked against a careful reading of the plan."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from compare.analysis.plan_summary import (
    is_own_target,
    plan_summaries,
    plan_summary,
    section_name,
)
from compare.frameworks.catalog import load_frameworks
from compare.review.matrix import matrix_cells
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace
from compare.ui import SCRIPTS_DIR, state
from tests.app_support import APP

pytestmark = pytest.mark.seeds


def _summary(root: Path) -> dict:
    ws = Workspace(root)
    docs = ws.read_documents()
    doc = docs.filter(pl.col("file_name").str.starts_with("000")).row(0, named=True)
    doc_id = doc["doc_id"]
    return plan_summary(
        doc,
        ws.read_segments([doc_id]),
        ws.read_evidence().filter(pl.col("doc_id") == doc_id),
        ws.read_tags().filter(pl.col("doc_id") == doc_id),
        matrix_cells(ws, None, kinds=None).filter(pl.col("doc_id") == doc_id),
        load_frameworks(errors=[]),
    )


@pytest.mark.parametrize(
    "sentence,own",
    [
        ("Mal Kgbenhavn skal vare bedst til at fa sygemeldte borgere hurtigere i job.", True),
        ("Andelen ligger pa 52 procent af sagerne, hvor malet er 52 procent.", True),
        ("Kgbenhavn er lidt leengere fra malet end sidste ar (2. kvartal 2017).", False),
    ],
)
def test_own_targets_are_told_from_status_sentences(sentence, own):
    assert is_own_target(sentence) is own


def test_section_names_skip_generic_headings():
    assert section_name("4 Status og indsatser > 4.6 Sygemeldte hurtigere i job > Status") == (
        "Sygemeldte hurtigere i job"
    )


def test_seed_plan_summary_lists_its_own_targets_with_locations(seeded: Path):
    summary = _summary(seeded)
    assert summary["period"] == "2018" and summary["kind"] == "plan"
    assert "Københavns Vision 2020" in summary["focus_areas"]
    targets = summary["targets"]
    sentences = targets["sentence"].to_list()
    # Vision 2020's overall goal (section 4.1) and the sickness-benefit targets (section 4.6).
    vision = [s for s in sentences if "Vision 2020" in s and "flest borgere med job" in s]
    assert vision, sentences
    sick = targets.filter(pl.col("section") == "Sygemeldte hurtigere i job")
    assert sick.height == 2, sick
    assert any("sygemeldte borgere hurtigere i job" in s for s in sick["sentence"].to_list())
    assert any("22 ugers sygdom" in s and "52 procent" in s for s in sick["sentence"].to_list())
    assert all(line >= 370 for line in sick["line_start"].to_list())  # where 4.6 stands
    # The dagpenge target keeps its "(ekskl. AC'ere)" inside the sentence.
    assert any("(ekskl. AC" in s and s.endswith("kommuner.") for s in sentences)
    # Status sentences are not targets.
    assert not any(s.startswith("København er lidt længere fra malet") for s in sentences)
    # The refugees' volunteer target serves the 2018 refugee goal; sickness serves none.
    refugees = targets.filter(pl.col("sentence").str.contains("75 pct. af de nyankomne"))
    assert "ministermaal-2018:3" in refugees["serves"][0].to_list()
    assert not sick["serves_goal"].any()
    # The remarks draft names the sickness-benefit area, like the overview's "Sygedagpengeområdet".
    assert "Sygemeldte hurtigere i job (2 mål)" in summary["remarks_draft"]
    assert "Dagpengemodtagere i job" not in summary["remarks_draft"]  # that serves goal 1


def test_remarks_draft_is_accepted_on_the_plan_page(private_ws: Workspace):
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.session_state[state.REVIEWER] = "Anna"
    at.switch_page(str((SCRIPTS_DIR / "plan.py").relative_to(APP.parent))).run()
    docs = private_ws.read_documents()
    doc_id = docs.filter(pl.col("file_name").str.starts_with("000"))["doc_id"][0]
    at.selectbox(key=state.PLAN_DOC).set_value(doc_id).run()
    assert not at.exception, [e.value for e in at.exception]
    key = f"{state.PLAN_SUMMARY_REMARK}:{doc_id}"
    area = next(t for t in at.text_area if t.key == key)
    assert "Sygemeldte" in area.value
    assert any("Udkast – ikke godkendt" in m.value for m in at.markdown)
    assert ReviewStore.for_workspace(private_ws).remarks().is_empty()  # a draft is no remark
    next(b for b in at.button if b.key == f"{key}:accept").click().run()
    assert not at.exception
    remarks = ReviewStore.for_workspace(private_ws).remarks()
    assert remarks["note"].to_list() == [area.value.strip()]
    assert remarks["framework_id"].to_list() == ["ministermaal-2018"]


def test_plan_summaries_are_plan_summary_of_each_plan(seeded: Path):
    """The batch (each frame gone through once) gives what `plan_summary` gives per plan."""
    ws = Workspace(seeded)
    docs = ws.read_documents()
    segments = ws.read_segments(docs["doc_id"].to_list())
    evidence, tags = ws.read_evidence(), ws.read_tags()
    cells = matrix_cells(ws, None, kinds=None)
    frameworks = load_frameworks(errors=[])
    batch = plan_summaries(docs, segments, evidence, tags, cells, frameworks)
    assert len(batch) == docs.height
    assert any(s["targets"].height for s in batch)  # the seeds' plans set targets
    for doc, got in zip(docs.iter_rows(named=True), batch, strict=True):
        mine = pl.col("doc_id") == doc["doc_id"]
        want = plan_summary(
            doc,
            segments.filter(mine),
            evidence.filter(mine),
            tags.filter(mine),
            cells.filter(mine),
            frameworks,
        )
        assert got.keys() == want.keys()
        assert got["targets"].equals(want["targets"])
        assert got["targets"].schema == want["targets"].schema
        assert {k: v for k, v in got.items() if k != "targets"} == {
            k: v for k, v in want.items() if k != "targets"
        }

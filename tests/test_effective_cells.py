"""`effective_cells`: the matrix computed from frames alone, and `matrix_cells` built on it."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from compare.review.decisions import record_decision
from compare.review.matrix import effective_cells, matrix_cells
from compare.schema import DECISIONS, DOCUMENTS, MATRIX_CELLS, TAGS, conform
from compare.store.documents import load_documents
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace

FW = "toy-2018"


def documents(*rows: tuple) -> pl.DataFrame:
    """doc_id, municipality, year, year_to, kind, text_hash, ingested day."""
    return conform(
        pl.DataFrame(
            [
                {
                    "doc_id": d,
                    "municipality": m,
                    "year": y,
                    "year_to": y_to,
                    "kind": k,
                    "text_hash": h,
                    "ingested_at": datetime(2026, 1, day),
                }
                for d, m, y, y_to, k, h, day in rows
            ]
        ),
        DOCUMENTS,
    )


def tags(*rows: tuple) -> pl.DataFrame:
    """doc_id, item_id, level (framework FW)."""
    frame = pl.DataFrame(
        [{"doc_id": d, "framework_id": FW, "item_id": i, "level": lvl} for d, i, lvl in rows]
    )
    return conform(frame, TAGS)


def decisions(*rows: tuple) -> pl.DataFrame:
    """id, doc_id, municipality, year, item_id, level, text_hash (framework FW)."""
    frame = pl.DataFrame(
        [
            {
                "id": n,
                "doc_id": d,
                "municipality": m,
                "year": y,
                "framework_id": FW,
                "item_id": i,
                "level": lvl,
                "reviewer": "anna",
                "text_hash": h,
            }
            for n, d, m, y, i, lvl, h in rows
        ]
    )
    return conform(frame, DECISIONS)


def levels(cells: pl.DataFrame) -> dict[tuple[str, str], tuple[str, bool, bool]]:
    return {
        (r["doc_id"], r["item_id"]): (r["level"], r["reviewed"], r["recheck"])
        for r in cells.iter_rows(named=True)
    }


def test_a_decision_overrides_the_tagger_and_a_changed_text_flags_recheck() -> None:
    docs = documents(
        ("kbh", "København", 2018, 2018, "plan", "h1", 1),
        ("alb", "Albertslund", 2018, 2018, "plan", "h2-new", 1),
    )
    cells = effective_cells(
        tags(("kbh", "1", "X"), ("kbh", "2", ""), ("alb", "1", "(X)")),
        decisions(
            (1, "kbh", "København", 2018, "2", "(X)", "h1"),
            (2, "alb", "Albertslund", 2018, "1", "X", "h2-old"),
        ),
        docs,
    )
    assert cells.schema == pl.Schema(MATRIX_CELLS)
    assert levels(cells) == {
        ("alb", "1"): ("X", True, True),
        ("kbh", "1"): ("X", False, False),
        ("kbh", "2"): ("(X)", True, False),
    }
    # Registry order (Albertslund before København), not input order.
    assert cells["doc_id"].to_list() == ["alb", "kbh", "kbh"]
    assert cells.filter(pl.col("doc_id") == "kbh")["tagger_level"].to_list() == ["X", ""]


def test_a_decided_cell_without_a_tag_row_appears() -> None:
    docs = documents(("kbh", "København", 2018, 2018, "plan", "h1", 1))
    cells = effective_cells(
        tags(("kbh", "1", "X")), decisions((1, "kbh", "København", 2018, "7", "X", "h1")), docs
    )
    assert levels(cells)[("kbh", "7")] == ("X", True, False)
    assert cells.filter(pl.col("item_id") == "7")["tagger_level"].to_list() == [None]


def test_only_plans_of_the_asked_frameworks_and_kinds() -> None:
    docs = documents(
        ("kbh", "København", 2018, 2018, "plan", "h1", 1),
        ("rar", None, 2018, 2018, "overview", "h2", 1),
    )
    tagged = pl.concat(
        [
            tags(("kbh", "1", "X"), ("rar", "1", "X")),
            tags(("kbh", "1", "(X)")).with_columns(pl.lit("other").alias("framework_id")),
        ]
    )
    assert set(effective_cells(tagged, decisions(), docs)["doc_id"]) == {"kbh"}
    assert set(effective_cells(tagged, decisions(), docs, kinds=None)["doc_id"]) == {"kbh", "rar"}
    only = effective_cells(tagged, decisions(), docs, framework_ids=["other"])
    assert only["framework_id"].to_list() == ["other"] and only["level"].to_list() == ["(X)"]


def test_decisions_carry_over_to_a_new_version_and_to_the_plan_covering_the_year() -> None:
    docs = documents(
        ("old", "København", 2018, 2018, "plan", "h-old", 1),
        ("new", "København", 2018, 2018, "plan", "h-new", 2),
        ("span", "Albertslund", 2018, 2021, "plan", "h-span", 1),
    )
    cells = effective_cells(
        tags(("old", "1", "X"), ("new", "1", ""), ("span", "1", "")),
        decisions(
            (1, "old", "København", 2018, "1", "(X)", "h-old"),
            # A document no longer in the workspace: its plan year lies in span's period.
            (2, "gone", "Albertslund", 2020, "1", "X", "h-gone"),
        ),
        docs,
    )
    assert levels(cells) == {
        ("span", "1"): ("X", True, True),
        ("new", "1"): ("(X)", True, True),
    }
    every = effective_cells(
        tags(("old", "1", "X")), decisions(), docs, kinds=None, include_superseded=True
    )
    assert "old" in every["doc_id"].to_list()


def test_matrix_cells_is_effective_cells_over_the_stored_frames(workspace: Workspace) -> None:
    workspace.write_documents(
        documents(
            ("kbh", "København", 2018, 2018, "plan", "h1", 1),
            ("alb", "Albertslund", 2018, 2018, "plan", "h2", 1),
        )
    )
    workspace.write_tags(tags(("kbh", "1", "X"), ("kbh", "2", ""), ("alb", "1", "(X)")))
    record_decision(workspace, "alb", FW, "1", "", "ikke et mål", "anna")
    stored = matrix_cells(workspace)
    store = ReviewStore.for_workspace(workspace)
    pure = effective_cells(workspace.read_tags(), store.latest(), load_documents(workspace))
    assert stored.equals(pure)
    assert levels(stored)[("alb", "1")] == ("", True, False)

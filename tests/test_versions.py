"""A revised plan replaces the old version: the superseded rule, the matrix, the CLI, the export."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from compare.analysis.evaluate import GOLD_SCHEMA, evaluate
from compare.cli import main
from compare.excel import export_workbook
from compare.frameworks.catalog import Framework, load_framework
from compare.review.decisions import record_decision
from compare.review.matrix import matrix_cells, matrix_remarks, wide_matrix
from compare.schema import DOCUMENTS, conform, empty_frame
from compare.store.documents import find_plan, load_documents
from compare.store.review_db import ReviewStore
from compare.store.versions import SUPERSEDED_BY, current_documents, mark_superseded
from compare.store.workspace import Workspace
from compare.tagging.run import tag_workspace
from tests.excel_workspace import body, header_row, matrix_sheet

FW = "toy-versions-2018"
TOY_TOML = f"""
id = "{FW}"
title = "Toy goals 2018"
kind = "goals"
year = 2018

[[items]]
id = "1"
label = "Flere i job"

[[items]]
id = "2"
label = "Flere flygtninge skal være selvforsørgende"
"""

PLAN_2018 = """Beskæftigelsesplan 2018

Københavns Kommune

1 Indledning

Jobcenter København vil have flere i job, og flere flygtninge skal være selvforsørgende.

2 Mål

Målet er, at 500 flere ledige kommer i job i 2018.
"""
# The revision's doc_id sorts after the original's: a rule that picked the smallest id (as
# matching by doc_id alone would) picks the old version.
REVISED = PLAN_2018 + "\n3 Revision\n\nPlanen er revideret efter høringen i april.\n"


# -- the rule on plain frames -------------------------------------------------------------------


def documents(*rows: tuple[str, str | None, int | None, str, int | None]) -> pl.DataFrame:
    """Documents as (doc_id, municipality, year, kind, ingested on day N of March 2024)."""
    return conform(
        pl.DataFrame(
            [
                {
                    "doc_id": d,
                    "municipality": m,
                    "year": y,
                    "year_to": y,
                    "kind": k,
                    "file_name": f"{d}.pdf",
                    "ingested_at": None if day is None else datetime(2024, 3, day, 12),
                }
                for d, m, y, k, day in rows
            ],
            schema={
                "doc_id": pl.Utf8,
                "municipality": pl.Utf8,
                "year": pl.Int32,
                "year_to": pl.Int32,
                "kind": pl.Utf8,
                "file_name": pl.Utf8,
                "ingested_at": pl.Datetime("us"),
            },
        ),
        DOCUMENTS,
    )


def superseded(frame: pl.DataFrame) -> dict[str, str | None]:
    return dict(mark_superseded(frame).select("doc_id", SUPERSEDED_BY).iter_rows())


def test_the_plan_ingested_last_is_current_and_every_older_version_points_to_it() -> None:
    frame = documents(
        ("v2", "København", 2018, "plan", 5),
        ("v1", "København", 2018, "plan", 1),
        ("v3", "København", 2018, "plan", 9),
        ("k17", "København", 2017, "plan", 2),
        ("alb", "Albertslund", 2018, "plan", 3),
    )
    assert superseded(frame) == {"v1": "v3", "v2": "v3", "v3": None, "k17": None, "alb": None}
    assert mark_superseded(frame)["doc_id"].to_list() == frame["doc_id"].to_list()  # order kept
    assert current_documents(frame)["doc_id"].to_list() == ["v3", "k17", "alb"]


def test_only_plans_with_municipality_and_year_take_part() -> None:
    frame = documents(
        ("bud", "København", 2018, "other", 9),
        ("kbh", "København", 2018, "plan", 1),
        ("rar", None, 2018, "overview", 9),
        ("u1", None, 2018, "plan", 1),
        ("u2", None, 2018, "plan", 2),
        ("n1", "Ærø", None, "plan", 1),
        ("n2", "Ærø", None, "plan", 2),
    )
    assert set(superseded(frame).values()) == {None}


def test_ties_are_settled_the_same_way_every_time() -> None:
    a = documents(("b", "Ærø", 2018, "plan", None), ("a", "Ærø", 2018, "plan", None))
    assert superseded(a) == {"a": "b", "b": None}
    assert superseded(a.reverse()) == {"a": "b", "b": None}
    assert superseded(
        documents(("b", "Ærø", 2018, "plan", None), ("a", "Ærø", 2018, "plan", 1))
    ) == {"b": "a", "a": None}


def test_a_stale_mark_is_recomputed_and_an_empty_frame_gets_the_column() -> None:
    frame = documents(("v1", "Ærø", 2018, "plan", 1), ("v2", "Ærø", 2018, "plan", 2))
    stale = frame.with_columns(pl.lit("v1").alias(SUPERSEDED_BY))
    assert superseded(stale) == {"v1": "v2", "v2": None}
    empty = mark_superseded(empty_frame(DOCUMENTS))
    assert empty.is_empty() and empty.schema[SUPERSEDED_BY] == pl.Utf8


# -- a revised plan ingested into a real workspace ---------------------------------------------


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def toy(tmp_path: Path) -> Framework:
    path = tmp_path / f"{FW}.toml"
    path.write_text(TOY_TOML, encoding="utf-8")
    return load_framework(path)


def ingest_text(ws: Workspace, folder: Path, name: str, text: str) -> str:
    """Ingest one text file through the CLI; returns the new doc_id and checks the output."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    out = run("ingest", str(folder / name), "--workspace", str(ws.root))
    assert f"{name}: København, 2018, plan" in out, out
    docs = ws.read_documents()
    return docs.filter(pl.col("file_name") == name)["doc_id"][0]


@pytest.fixture
def revised(workspace: Workspace, toy: Framework, tmp_path: Path) -> tuple[Workspace, str, str]:
    """København's plan 2018, tagged and reviewed (item 1, a remark), then a revised version."""
    old = ingest_text(workspace, tmp_path / "in", "plan-2018.txt", PLAN_2018)
    tag_workspace(workspace, [toy], workers=1)
    record_decision(workspace, old, FW, "1", "(X)", "mål uden tal", "anna")
    ReviewStore.for_workspace(workspace).set_remark(old, FW, "Sygedagpenge", "anna")
    new = ingest_text(workspace, tmp_path / "in", "plan-2018-revideret.txt", REVISED)
    tag_workspace(workspace, [toy], workers=1)
    return workspace, old, new


def test_the_matrix_has_one_row_the_new_version_with_the_decision_to_recheck(
    revised: tuple[Workspace, str, str], toy: Framework
) -> None:
    ws, old, new = revised
    cells = matrix_cells(ws, [FW])
    assert set(cells["doc_id"]) == {new}
    wide = wide_matrix(cells, toy, include_doc_id=True)
    assert wide.select("doc_id", "municipality", "year").rows() == [(new, "København", 2018)]
    decided = cells.filter(pl.col("item_id") == "1").row(0, named=True)
    assert (
        decided["level"],
        decided["reviewed"],
        decided["recheck"],
        decided["reviewer"],
        decided["note"],
    ) == ("(X)", True, True, "anna", "mål uden tal")
    assert wide["1"].to_list() == ["(X)"]
    untouched = cells.filter(pl.col("item_id") == "2").row(0, named=True)
    assert (untouched["reviewed"], untouched["recheck"]) == (False, False)
    remarks = matrix_remarks(ws, [FW])
    assert remarks.filter(pl.col("doc_id") == new)["note"].to_list() == ["Sygedagpenge"]


def test_the_old_version_keeps_its_own_decision_when_asked_for(
    revised: tuple[Workspace, str, str],
) -> None:
    ws, old, new = revised
    cells = matrix_cells(ws, [FW], include_superseded=True)
    assert set(cells["doc_id"]) == {old, new}
    mine = cells.filter((pl.col("doc_id") == old) & (pl.col("item_id") == "1")).row(0, named=True)
    assert (mine["level"], mine["recheck"]) == ("(X)", False)  # its text did not change


def test_a_decision_on_the_new_version_wins_and_clears_the_recheck(
    revised: tuple[Workspace, str, str], toy: Framework
) -> None:
    ws, old, new = revised
    assert find_plan(load_documents(ws), "København", 2018)["doc_id"] == new
    out = run(
        "review",
        "set",
        "--municipality",
        "København",
        "--year",
        "2018",
        "--item",
        "1",
        "--level",
        "X",
        "--reviewer",
        "bo",
        "--framework",
        str(toy.path),
        "--workspace",
        str(ws.root),
    )
    assert "København 2018" in out
    cell = matrix_cells(ws, [FW]).filter(pl.col("item_id") == "1").row(0, named=True)
    assert (cell["doc_id"], cell["level"], cell["reviewer"], cell["recheck"]) == (
        new,
        "X",
        "bo",
        False,
    )


def test_compare_documents_marks_the_old_version_superseded(
    revised: tuple[Workspace, str, str],
) -> None:
    ws, old, new = revised
    lines = run("documents", "--workspace", str(ws.root)).splitlines()
    old_line = next(i for i, line in enumerate(lines) if line.startswith("plan-2018.txt "))
    assert lines[old_line + 1].strip().startswith(f"superseded by plan-2018-revideret.txt ({new})")
    assert sum("superseded by" in line for line in lines) == 1
    rows = list(
        csv.DictReader(
            io.StringIO(run("documents", "--workspace", str(ws.root), "--format", "csv"))
        )
    )
    assert {r["doc_id"]: r[SUPERSEDED_BY] for r in rows} == {old: new, new: ""}


def test_ingesting_the_revision_says_what_it_replaces(workspace: Workspace, tmp_path: Path) -> None:
    ingest_text(workspace, tmp_path / "a", "plan-2018.txt", PLAN_2018)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "ny.txt").write_text(REVISED, encoding="utf-8")
    out = run("ingest", str(tmp_path / "b" / "ny.txt"), "--workspace", str(workspace.root))
    assert "note: replaces plan-2018.txt in the matrix" in out


def test_the_export_has_one_row_from_the_new_version(
    revised: tuple[Workspace, str, str], toy: Framework, tmp_path: Path
) -> None:
    ws, old, new = revised
    book = load_workbook(export_workbook(ws, tmp_path / "møde.xlsx", [str(toy.path)]))
    sheet = matrix_sheet(book, FW)
    row = body(sheet)["København"]
    header = [sheet.cell(header_row(sheet), c).value for c in range(1, sheet.max_column + 1)]
    item_col = next(c for c, value in enumerate(header, 1) if str(value).startswith("1"))
    decided = sheet.cell(row, item_col)
    assert decided.value == "(X)"
    assert "vurdér cellen igen" in decided.comment.text  # carried over from the old version
    documents_sheet = book["Dokumenter"]
    head = [c.value for c in documents_sheet[1]]
    shown = {
        r[head.index("Dokument-id")]: r[head.index("I matrixen")]
        for r in documents_sheet.iter_rows(min_row=2, values_only=True)
    }
    assert shown == {old: "nej", new: "ja"}


@pytest.mark.parametrize(("field", "value"), [("kind", "other"), ("year", "2017")])
def test_an_analyst_can_make_the_old_version_current_again(
    revised: tuple[Workspace, str, str], field: str, value: str
) -> None:
    ws, old, new = revised
    ReviewStore.for_workspace(ws).set_metadata(new, field, value, "anna")
    docs = load_documents(ws)
    assert docs.filter(pl.col(SUPERSEDED_BY).is_not_null()).is_empty()
    cells = matrix_cells(ws, [FW])
    assert old in set(cells["doc_id"])
    mine = cells.filter((pl.col("doc_id") == old) & (pl.col("item_id") == "1")).row(0, named=True)
    assert (mine["level"], mine["reviewed"], mine["recheck"]) == ("(X)", True, False)
    if field == "year":  # both are current now: one row per year
        assert cells.select("doc_id", "year").unique().sort("year").rows() == [
            (new, 2017),
            (old, 2018),
        ]
    else:
        assert set(cells["doc_id"]) == {old}


def test_evaluation_scores_the_current_version(revised: tuple[Workspace, str, str]) -> None:
    ws, old, new = revised
    gold = pl.DataFrame(
        [
            {
                "municipality": "København",
                "year": 2018,
                "framework": FW,
                "item": "1",
                "level": "X",
                "source": "gold.csv",
                "line": 2,
            }
        ],
        schema=GOLD_SCHEMA,
    )
    assert evaluate(ws, gold).rows["doc_id"].to_list() == [new]


def test_search_finds_the_current_version_unless_asked_for_old_ones(
    revised: tuple[Workspace, str, str],
) -> None:
    from compare.analysis.search import search

    ws, old, new = revised
    assert set(search(ws, "København")["doc_id"]) == {new}
    assert set(search(ws, "København", include_superseded=True)["doc_id"]) == {old, new}

"""Team-safe imports: an edit of a cell that a colleague decided after the export is a conflict,
listed and left alone unless `--on-conflict take`; decisions keep who edited and who imported."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from compare.cli import main
from compare.excel import export_workbook, import_review
from compare.review.decisions import record_decision
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace
from tests.excel_workspace import GOALS, body, matrix_csv, matrix_sheet, standard_plans, write_plans


@pytest.fixture
def exported(tmp_path: Path) -> tuple[Workspace, Path]:
    ws = Workspace.open(tmp_path / "ws")
    write_plans(ws, standard_plans())
    return ws, export_workbook(ws, tmp_path / "møde.xlsx")


def edit(path: Path, edits: dict[tuple[str, int], object]) -> Path:
    book = load_workbook(path)
    sheet = matrix_sheet(book, GOALS)
    for (name, col), value in edits.items():
        sheet.cell(body(sheet)[name], col).value = value
    out = path.with_name("redigeret.xlsx")
    book.save(out)
    return out


def albertslund(ws: Workspace) -> dict[str, str]:
    return next(r for r in matrix_csv(ws, GOALS) if r["municipality"] == "Albertslund")


def run(ws: Workspace, path: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main,
        ["import-review", str(path), "--reviewer", "Anna", *options, "--workspace", str(ws.root)],
    )
    return result.exit_code, result.output


def test_an_edit_of_a_cell_decided_since_the_export_is_a_conflict(
    exported: tuple[Workspace, Path],
) -> None:
    ws, path = exported
    doc = standard_plans()[0].doc_id  # Albertslund: goal 1 was X at export
    record_decision(ws, doc, GOALS, "1", "", "kollega", "Carl")  # newer: X -> blank
    edited = edit(path, {("Albertslund", 2): "(X)", ("Albertslund", 4): "X"})  # 1 and 3 edited

    code, out = run(ws, edited, "--editor", "Bente")
    assert code != 0
    assert "1 conflict(s)" in out and "Albertslund, item 1" in out, out
    assert "exported X" in out and "now blank" in out and "Carl" in out
    assert albertslund(ws)["1"] == ""  # Carl's newer decision stands
    assert albertslund(ws)["3"] == "X"  # the edit without a conflict is recorded

    code, out = run(ws, edited, "--editor", "Bente", "--on-conflict", "take")
    assert code == 0, out
    assert albertslund(ws)["1"] == "(X)"
    history = ReviewStore.for_workspace(ws).history()
    history = history.filter(history["reviewer"] == "Bente")
    assert sorted(history["item_id"]) == ["1", "3"]
    assert set(history["imported_by"]) == {"Anna"}  # who edited and who imported, both kept


def test_a_colleague_confirming_the_exported_level_is_also_a_conflict(
    exported: tuple[Workspace, Path],
) -> None:
    ws, path = exported
    doc = standard_plans()[0].doc_id
    record_decision(ws, doc, GOALS, "1", "X", "tjekket", "Carl")  # same level, now reviewed
    report = import_review(ws, edit(path, {("Albertslund", 2): ""}), "Anna")
    assert [(c.row, c.item_id, c.current, c.edited) for c in report.conflicts] == [
        ("Albertslund", "1", "X", "")
    ]
    assert albertslund(ws)["1"] == "X"


V1_SCHEMA = """
CREATE TABLE decisions (id INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL,
  municipality TEXT, year INTEGER, framework_id TEXT NOT NULL, item_id TEXT NOT NULL,
  level TEXT, note TEXT, reviewer TEXT NOT NULL, decided_at TEXT NOT NULL, text_hash TEXT,
  previous_level TEXT, previous_note TEXT, undone_of INTEGER REFERENCES decisions(id));
CREATE INDEX decisions_cell ON decisions (doc_id, framework_id, item_id, id);
CREATE TABLE metadata_changes (id INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL,
  field TEXT NOT NULL, value TEXT, previous_value TEXT, reviewer TEXT NOT NULL,
  changed_at TEXT NOT NULL, undone_of INTEGER REFERENCES metadata_changes(id));
CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
  BEGIN SELECT RAISE(ABORT, 'review history is append-only'); END;
INSERT INTO decisions (doc_id, framework_id, item_id, level, reviewer, decided_at)
  VALUES ('d1', 'ministermaal-2018', '1', 'X', 'Carl', '2024-01-01T00:00:00+00:00');
PRAGMA user_version = 1;
"""


def test_a_database_from_before_the_import_columns_keeps_working(tmp_path: Path) -> None:
    db = tmp_path / "review.sqlite"
    with sqlite3.connect(db) as conn:
        conn.executescript(V1_SCHEMA)
    store = ReviewStore(db)
    old = store.history()
    assert old["reviewer"].to_list() == ["Carl"] and old["imported_by"].to_list() == [None]
    store.decide("d1", "ministermaal-2018", "2", "(X)", reviewer="Carl")
    history = store.history()
    assert history.height == 2 and history["level"].to_list() == ["X", "(X)"]
    assert store.integrity_check() == "ok"


def test_a_remark_changed_since_the_export_is_a_conflict(exported: tuple[Workspace, Path]) -> None:
    ws, path = exported
    plan = standard_plans()[0]
    ReviewStore.for_workspace(ws).set_remark(plan.doc_id, GOALS, "Carls bemærkning", "Carl")
    edited = edit(path, {("Albertslund", 7): "Bentes bemærkning"})
    kept = import_review(ws, edited, "Anna", editor="Bente")
    assert [(c.item_id, c.current, c.edited, c.taken) for c in kept.conflicts] == [
        ("bemærkninger", "Carls bemærkning", "Bentes bemærkning", False)
    ]
    assert ReviewStore.for_workspace(ws).remarks()["note"].to_list() == ["Carls bemærkning"]
    taken = import_review(ws, edited, "Anna", editor="Bente", on_conflict="take")
    assert [c.taken for c in taken.conflicts] == [True]
    assert ReviewStore.for_workspace(ws).remarks()["note"].to_list() == ["Bentes bemærkning"]


def test_a_workbook_from_before_the_decision_column_still_finds_level_conflicts(
    exported: tuple[Workspace, Path],
) -> None:
    ws, path = exported
    record_decision(ws, standard_plans()[0].doc_id, GOALS, "1", "", "kollega", "Carl")
    book = load_workbook(edit(path, {("Albertslund", 2): "(X)", ("Albertslund", 4): "X"}))
    book["_compare"].delete_cols(5)  # the baseline as older exports wrote it
    old = path.with_name("gammel.xlsx")
    book.save(old)
    report = import_review(ws, old, "Anna")
    assert [(c.item_id, c.exported, c.current) for c in report.conflicts] == [("1", "X", "")]
    assert [(c.item_id, c.after) for c in report.changes] == [("3", "X")]

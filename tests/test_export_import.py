"""Round trip: export, edit in "Excel" (openpyxl), import-review: the matrix changed there only."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from compare.cli import main
from compare.errors import ExportError
from compare.excel import export_workbook, import_review, import_review_bytes
from compare.review.decisions import record_decision
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace
from tests.excel_workspace import (
    GOALS,
    THEMES,
    body,
    matrix_csv,
    matrix_sheet,
    standard_plans,
    write_plans,
)

TODAY = date(2024, 5, 2)


@pytest.fixture
def exported(tmp_path: Path) -> tuple[Workspace, Path]:
    ws = Workspace.open(tmp_path / "ws")
    write_plans(ws, standard_plans())
    return ws, export_workbook(ws, tmp_path / "møde.xlsx", today=TODAY)


def edit(path: Path, edits: dict[tuple[str, str, int], Any], out: Path | None = None) -> Path:
    """Set cells of matrix sheets: {(framework_id, row name, column): value}; save."""
    book = load_workbook(path)
    for (framework_id, name, col), value in edits.items():
        sheet = matrix_sheet(book, framework_id)
        sheet.cell(body(sheet)[name], col).value = value
    out = out or path.with_name("redigeret.xlsx")
    book.save(out)
    return out


def matrix_state(ws: Workspace) -> dict[tuple[str, str, str], str]:
    """Every cell of `compare matrix --format csv` for both frameworks."""
    state = {}
    for framework_id in (GOALS, THEMES):
        for row in matrix_csv(ws, framework_id):
            for key, value in row.items():
                if key not in ("municipality", "year"):
                    state[(framework_id, f"{row['municipality']} {row['year']}", key)] = value
    return state


def frame_files(ws: Workspace) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in ws.root.glob("*.parquet")}


def test_round_trip_changes_exactly_the_edited_cells(exported: tuple[Workspace, Path]) -> None:
    ws, path = exported
    before, frames = matrix_state(ws), frame_files(ws)
    edited = edit(
        path,
        {
            (GOALS, "Albertslund", 2): "(X)",  # X -> (X)
            (GOALS, "Albertslund", 4): "x",  # blank -> X, typed in lower case
            (GOALS, "København", 6): None,  # X -> blank
            (GOALS, "Albertslund", 7): "Sygedagpengeområdet",  # the remark
            (THEMES, "Tårnby-Dragør", 2): " ",  # (X) -> blank (a space is blank)
            (THEMES, "Gentofte", 3): "( X )",  # blank -> (X)
        },
    )
    result = CliRunner().invoke(
        main, ["import-review", str(edited), "--reviewer", "Bente", "--workspace", str(ws.root)]
    )
    assert result.exit_code == 0, result.output
    assert "recorded 6 change(s) by Bente" in result.output
    after = matrix_state(ws)
    changed = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
    assert changed == {
        (GOALS, "Albertslund 2018", "1"): ("X", "(X)"),
        (GOALS, "Albertslund 2018", "3"): ("", "X"),
        (GOALS, "København 2018", "5"): ("X", ""),
        (THEMES, "Tårnby 2018", "1"): ("(X)", ""),
        (THEMES, "Gentofte 2017", "2"): ("", "(X)"),
    }
    history = ReviewStore.for_workspace(ws).history()
    assert set(history["reviewer"]) == {"Bente"} and history.height == 6
    # Each decision is stamped with its plan as it is now, so a later change flags a re-check.
    docs = ws.read_documents().select("doc_id", "text_hash", "municipality", "year")
    stamped = history.join(docs, on="doc_id", suffix="_doc")
    assert stamped.height == 6
    for column in ("text_hash", "municipality", "year"):
        assert stamped[column].to_list() == stamped[f"{column}_doc"].to_list(), column
    remarks = ReviewStore.for_workspace(ws).remarks()
    assert remarks["note"].to_list() == ["Sygedagpengeområdet"]
    assert frame_files(ws) == frames  # nothing but the review database was written


def test_importing_the_same_file_twice_records_nothing_new(
    exported: tuple[Workspace, Path],
) -> None:
    ws, path = exported
    edited = edit(path, {(GOALS, "Albertslund", 2): "(X)"})
    assert len(import_review(ws, edited, "Bente").changes) == 1
    again = import_review(ws, edited, "Bente")
    assert again.changes == [] and again.refused == []
    assert ReviewStore.for_workspace(ws).history().height == 1


def test_untouched_cells_do_not_undo_a_colleagues_later_decision(
    exported: tuple[Workspace, Path],
) -> None:
    ws, path = exported
    albertslund = standard_plans()[0].doc_id
    record_decision(ws, albertslund, GOALS, "1", "", "kollega", "Carl")  # after the export
    report = import_review(ws, path, "Bente")  # the workbook as exported, X still in B
    assert report.changes == []
    albertslund = next(r for r in matrix_csv(ws, GOALS) if r["municipality"] == "Albertslund")
    assert albertslund["1"] == ""  # Carl's decision stands


def test_dry_run_records_nothing(exported: tuple[Workspace, Path]) -> None:
    ws, path = exported
    edited = edit(path, {(GOALS, "Albertslund", 2): "(X)"})
    before = matrix_state(ws)
    result = CliRunner().invoke(
        main,
        [
            "import-review",
            str(edited),
            "--reviewer",
            "Bente",
            "--dry-run",
            "--workspace",
            str(ws.root),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "would record 1 change(s)" in result.output and "X -> (X)" in result.output
    assert matrix_state(ws) == before
    assert not ws.review_db_path.exists() or ReviewStore.for_workspace(ws).history().is_empty()


def test_unmappable_cells_are_refused_and_the_rest_recorded(
    exported: tuple[Workspace, Path],
) -> None:
    ws, path = exported
    book = load_workbook(path)
    sheet = matrix_sheet(book, GOALS)
    rows = body(sheet)
    sheet.cell(rows["Albertslund"], 3).value = "ja"  # not a level
    sheet.cell(rows["Ballerup"], 1).value = "Atlantis"  # not a jobcentre
    sheet.cell(rows["Ballerup"], 2).value = "X"
    sheet.cell(rows["Egedal"], 2).value = "X"  # no plan received
    sheet.cell(rows["Glostrup"], 1).value = "Odense"  # another council's municipality
    sheet.cell(rows["København"], 2).value = "(X)"  # a good edit
    sheet.cell(1, 6).value = "99"  # item column 5 relabelled to an unknown item
    edited = path.with_name("fejl.xlsx")
    book.save(edited)
    result = CliRunner().invoke(
        main, ["import-review", str(edited), "--reviewer", "Bente", "--workspace", str(ws.root)]
    )
    assert result.exit_code == 1
    out = result.output
    assert "'ja' is not a level" in out
    assert "'Atlantis' is not a jobcentre or municipality" in out
    assert "Egedal has no plan" in out
    assert "Odense is not in the council" in out
    assert "item '99'" in out
    assert "København, item 1: X -> (X)" in out
    assert "recorded 1 change(s)" in out
    københavn = next(r for r in matrix_csv(ws, GOALS) if r["municipality"] == "København")
    assert københavn["1"] == "(X)"  # the edit that could be mapped


def test_renamed_sheets_sorted_rows_and_loose_names_still_map(
    exported: tuple[Workspace, Path],
) -> None:
    ws, path = exported
    book = load_workbook(path)
    sheet = matrix_sheet(book, GOALS)
    sheet.title = "Til mødet"
    rows = body(sheet)
    a, k = rows["Albertslund"], rows["København"]
    for col in range(1, 8):  # swap two rows, as sorting in Excel would
        first, second = sheet.cell(a, col), sheet.cell(k, col)
        first.value, second.value = second.value, first.value
    sheet.cell(a, 1).value = "  KØBENHAVN "
    sheet.cell(rows["Tårnby-Dragør"], 1).value = "Tårnby-Drager"  # OCR spelling
    sheet.cell(rows["Tårnby-Dragør"], 3).value = "X"
    edited = path.with_name("omdøbt.xlsx")
    book.save(edited)
    report = import_review(ws, edited, "Bente")
    assert report.refused == []
    assert [(c.sheet, c.row, c.item_id, c.after) for c in report.changes] == [
        ("Til mødet", "Tårnby-Dragør", "2", "X")
    ]


def test_a_file_that_is_not_an_export_is_refused(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws")
    other = tmp_path / "andet.xlsx"
    Workbook().save(other)  # a plain workbook without the export's marker
    with pytest.raises(ExportError, match="no matrix sheet"):
        import_review(ws, other, "Bente")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(ExportError, match="cannot be read"):
        import_review(ws, broken, "Bente")
    with pytest.raises(ExportError, match="reviewer"):
        import_review(ws, other, "  ")


def test_import_cli_needs_a_reviewer(exported: tuple[Workspace, Path]) -> None:
    ws, path = exported
    result = CliRunner().invoke(
        main,
        ["import-review", str(path), "--workspace", str(ws.root)],
        env={"COMPARE_REVIEWER": ""},
    )
    assert result.exit_code != 0 and "--reviewer" in result.output


def test_uploaded_bytes_import_like_a_file(exported: tuple[Workspace, Path]) -> None:
    ws, path = exported
    edited = edit(path, {(GOALS, "Albertslund", 2): "(X)"})
    report = import_review_bytes(ws, "../../etc/redigeret.xlsx", edited.read_bytes(), "Bente")
    assert report.path.name == "redigeret.xlsx"
    assert [(c.row, c.item_id, c.after) for c in report.changes] == [("Albertslund", "1", "(X)")]
    with pytest.raises(ExportError, match="cannot be read"):
        import_review_bytes(ws, "x.xlsx", b"garbage", "Bente")

"""Workbooks edited in ways the import must refuse rather than guess: each file made here."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from compare.cli import main
from compare.errors import ExportError
from compare.excel import export_workbook, import_review
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace
from tests.excel_workspace import GOALS, body, header_row, matrix_sheet, standard_plans, write_plans


@pytest.fixture
def exported(tmp_path: Path) -> tuple[Workspace, Path]:
    ws = Workspace.open(tmp_path / "ws")
    write_plans(ws, standard_plans())
    return ws, export_workbook(ws, tmp_path / "møde.xlsx", today=date(2024, 5, 2))


def run_import(ws: Workspace, path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["import-review", str(path), "--reviewer", "Bente", "--workspace", str(ws.root)]
    )
    return result.exit_code, result.output


def decisions(ws: Workspace) -> list[tuple[str, str, str]]:
    history = ReviewStore.for_workspace(ws).history()
    return list(zip(history["doc_id"], history["item_id"], history["level"], strict=True))


def test_a_duplicated_jobcentre_row_refuses_both_and_records_nothing_for_it(
    exported: tuple[Workspace, Path],
) -> None:
    ws, path = exported
    book = load_workbook(path)
    sheet = matrix_sheet(book, GOALS)
    real = body(sheet)["Albertslund"]
    sheet.insert_rows(real)  # an empty copy above the real row, as a slip in Excel makes it
    sheet.cell(real, 1).value = "Albertslund"
    sheet.cell(real + 1, 2).value = "(X)"  # the real row's edit: X -> (X)
    sheet.cell(body(sheet)["København"], 2).value = "(X)"  # another jobcentre: recorded
    edited = path.with_name("dublet.xlsx")
    book.save(edited)
    code, out = run_import(ws, edited)
    assert code == 1
    assert out.count("Albertslund appears twice") == 2, out
    assert f"rows {real} and {real + 1}" in out
    albertslund = standard_plans()[0].doc_id
    recorded = decisions(ws)
    assert [d for d in recorded if d[0] == albertslund] == []
    assert [(d[1], d[2]) for d in recorded] == [("1", "(X)")]  # only København's


def test_a_matrix_sheet_without_its_marker_row_is_named_and_fails(
    exported: tuple[Workspace, Path],
) -> None:
    ws, path = exported
    book = load_workbook(path)
    sheet = matrix_sheet(book, GOALS)
    title = sheet.title
    sheet.cell(body(sheet)["Albertslund"], 2).value = "(X)"
    sheet.delete_rows(1)  # the hidden marker row deleted
    edited = path.with_name("uden-markør.xlsx")
    book.save(edited)
    code, out = run_import(ws, edited)
    assert code == 1
    assert f"sheet {title!r} looks like a matrix sheet" in out, out
    assert "marker" in out
    # With no matrix sheet left at all, the file is refused outright, naming the sheet.
    book = load_workbook(edited)
    for other in [s for s in book.worksheets if s.title != title]:
        if isinstance(other["A1"].value, str) and other["A1"].value.startswith("{"):
            other.delete_rows(1)
    only = path.with_name("ingen-markør.xlsx")
    book.save(only)
    with pytest.raises(ExportError, match=f"{title}.*looks like a matrix"):
        import_review(ws, only, "Bente")


def test_a_marker_naming_a_file_path_is_refused(
    exported: tuple[Workspace, Path], tmp_path: Path
) -> None:
    ws, path = exported
    planted = tmp_path / "planted.toml"
    planted.write_text(
        'id = "planted"\ntitle = "Plantet"\nkind = "goals"\nyear = 2018\n'
        '[[items]]\nid = "1"\nlabel = "Flere i job"\n',
        encoding="utf-8",
    )
    book = load_workbook(path)
    sheet = matrix_sheet(book, GOALS)
    meta = json.loads(sheet["A1"].value)
    sheet["A1"].value = json.dumps({**meta, "framework": str(planted)})
    sheet.cell(body(sheet)["Albertslund"], 2).value = "(X)"
    edited = path.with_name("sti.xlsx")
    book.save(edited)
    code, out = run_import(ws, edited)
    assert code == 1
    assert "unknown framework" in out and "planted" not in out.split("known frameworks:")[-1]
    assert decisions(ws) == []
    assert header_row(sheet) > 1


def test_merged_cells_in_the_matrix_are_refused_not_read_as_blank(
    exported: tuple[Workspace, Path],
) -> None:
    ws, path = exported
    book = load_workbook(path)
    sheet = matrix_sheet(book, GOALS)
    r = body(sheet)["Albertslund"]  # X, (X), blank, X, (X)
    sheet.merge_cells(start_row=r, start_column=2, end_row=r, end_column=3)
    sheet.cell(body(sheet)["København"], 2).value = "(X)"  # elsewhere: recorded
    edited = path.with_name("flettet.xlsx")
    book.save(edited)
    code, out = run_import(ws, edited)
    assert code == 1
    assert f"B{r}:C{r}" in out and "merged" in out, out
    albertslund = standard_plans()[0].doc_id
    assert [d for d in decisions(ws) if d[0] == albertslund] == []
    assert [(d[1], d[2]) for d in decisions(ws)] == [("1", "(X)")]


def test_formulas_without_a_saved_value_are_refused_by_cell(
    exported: tuple[Workspace, Path],
) -> None:
    ws, path = exported
    book = load_workbook(path)
    sheet = matrix_sheet(book, GOALS)
    r = body(sheet)["Albertslund"]
    sheet.cell(r, 2).value = '=IF(1,"X","")'  # openpyxl saves formulas without a value
    sheet.cell(r, 5).value = "=D1"
    sheet.cell(r, 3).value = "X"  # (X) -> X beside them: recorded
    edited = path.with_name("formel.xlsx")
    book.save(edited)
    code, out = run_import(ws, edited)
    assert code == 1
    for ref in (f"B{r}", f"E{r}"):
        assert f"{ref}: Albertslund, item" in out and "formula" in out, out
    assert '=IF(1,"X","")' in out
    assert [(d[1], d[2]) for d in decisions(ws)] == [("2", "X")]


def test_a_damaged_marker_is_a_refusal_not_a_traceback(exported: tuple[Workspace, Path]) -> None:
    ws, path = exported
    book = load_workbook(path)
    sheet = matrix_sheet(book, GOALS)
    sheet["A1"].value = json.dumps({**json.loads(sheet["A1"].value), "year": "abc"})
    edited = path.with_name("skadet.xlsx")
    book.save(edited)
    code, out = run_import(ws, edited)
    assert code == 1 and "marker in A1 is damaged" in out and "Traceback" not in out, out

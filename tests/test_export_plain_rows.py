"""The export's shortcuts against what they replaced, opened as a reader opens the file.

`_table` and the baseline sheet keep their rows as values (`compare.excel.plain_rows`) and
`save_xlsx` writes them, and the matrix sheets' comments, as text; before, they were openpyxl
cells and comment objects serialised by openpyxl. Here the same workbook is saved both ways
(`materialize` makes the cells the old code made, `Workbook.save` writes them): the files have
the same parts, byte for byte, the same cell values and styles read back with openpyxl, and an
import of an edited copy records the same changes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment

from compare.excel import import_review
from compare.excel.plain_rows import PLAIN_TYPES, PlainRow, add_row, materialize, rows_of
from compare.excel.safe import write_text
from compare.excel.sheets import BASELINE_COLUMNS, _table
from compare.excel.workbook import BASELINE_SHEET, EVIDENCE_SHEET, workspace_workbook
from compare.excel.xlsx_writer import save_xlsx
from compare.review.decisions import record_decision
from compare.store.workspace import Workspace
from tests.excel_workspace import GOALS, THEMES, body, matrix_sheet, standard_plans, write_plans
from tests.test_xlsx_writer import VALUES

TODAY = date(2024, 5, 2)


def _both(build: Callable[[], Workbook]) -> tuple[bytes, bytes]:
    """(fast, openpyxl): the workbook saved by `save_xlsx`, and built again, its plain rows
    made cells, saved by `Workbook.save`."""
    fast, slow = io.BytesIO(), io.BytesIO()
    save_xlsx(build(), fast)
    materialize(build()).save(slow)
    return fast.getvalue(), slow.getvalue()


def _assert_same_parts(fast: bytes, slow: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(fast)) as a, zipfile.ZipFile(io.BytesIO(slow)) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name != "docProps/core.xml":  # creation and modification times
                assert a.read(name) == b.read(name), name


def _cells(data: bytes) -> dict[tuple[str, int, int], tuple[Any, ...]]:
    """Every cell of every sheet as openpyxl reads it: value, type and the parts of its style."""
    book = load_workbook(io.BytesIO(data))
    found = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                found[(sheet.title, cell.row, cell.column)] = (
                    cell.value,
                    cell.data_type,
                    cell.style,
                    cell.font.b,
                    cell.font.sz,
                    cell.fill.fgColor.rgb,
                    cell.alignment.wrap_text,
                    cell.alignment.horizontal,
                    cell.quotePrefix,
                    cell.number_format,
                    cell.comment.text if cell.comment else None,
                    cell.hyperlink.location if cell.hyperlink else None,
                )
        for r, dimension in sheet.row_dimensions.items():
            found[(sheet.title, r, 0)] = (dimension.height, dimension.hidden)
    return found


def _tables_workbook() -> Workbook:
    """Two tables of every kind of value, a date row among them, and a baseline-like sheet."""
    workbook = Workbook()
    columns = (("Tekst", 30.0), ("Tal", 8.0), ("Midt", 6.0), ("Note", 20.0))
    rows: list[list[Any]] = [
        [VALUES[i % len(VALUES)], VALUES[(i * 7) % len(VALUES)], "X" if i % 2 else "", None]
        for i in range(2 * len(VALUES))
    ]
    rows.insert(5, ["en dato", date(2018, 1, 1), datetime(2024, 3, 1, 12), "dato"])  # cells
    last = _table(workbook.active, columns, rows, wrap=("Tekst", "Note"), centre=("Midt",))
    _table(workbook.active, columns, rows[:12], start=last + 2, wrap=("Tekst",))
    plain = workbook.create_sheet("Uden stil")
    for r, value in enumerate((v for v in VALUES if type(v) in PLAIN_TYPES), 1):
        add_row(plain, PlainRow(r, [value, "", None, str(value)], (None,) * 4, None))
    return workbook


def test_plain_rows_are_written_as_the_cells_they_replace() -> None:
    assert rows_of(_tables_workbook().active)  # the shortcut is taken
    fast, slow = _both(_tables_workbook)
    _assert_same_parts(fast, slow)
    assert _cells(fast) == _cells(slow)


def test_a_plain_row_holds_only_plain_values() -> None:
    sheet = Workbook().active
    for values in (["dato", date(2018, 1, 1)], [True, 2**80, 1.5, None, "x"]):
        looks = [None] * len(values)
        plain = all(type(v) in PLAIN_TYPES for v in values)
        if plain:
            add_row(sheet, PlainRow(1, values, looks, None))
        else:
            with pytest.raises(ValueError):
                add_row(sheet, PlainRow(1, values, looks, None))
    with pytest.raises(ValueError):
        add_row(sheet, PlainRow(2, ["a", "b"], [None], None))
    assert list(rows_of(sheet)) == [1]


def test_a_cell_of_its_own_in_a_plain_row_turns_the_rows_into_cells() -> None:
    def build() -> Workbook:
        workbook = _tables_workbook()
        workbook.active.cell(3, 9).value = "sat bagefter"  # row 3 is a plain row
        workbook["Uden stil"].row_dimensions[2].height = 30
        return workbook

    fast, slow = _both(build)
    _assert_same_parts(fast, slow)
    assert _cells(fast)[("Sheet", 3, 9)][0] == "sat bagefter"


def test_text_from_documents_never_becomes_a_formula_in_a_plain_row() -> None:
    workbook = Workbook()
    texts = ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "\tfane", "=1"]
    _table(workbook.active, (("Citat", 40.0),), [[t] for t in texts], wrap=("Citat",))
    data = io.BytesIO()
    save_xlsx(workbook, data)
    sheet = load_workbook(io.BytesIO(data.getvalue())).active
    for r, text in enumerate(texts, 2):
        cell = sheet.cell(r, 1)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    assert b"<f>" not in zipfile.ZipFile(data).read("xl/worksheets/sheet1.xml")


def test_comments_are_written_as_openpyxl_writes_them() -> None:
    def build() -> Workbook:
        workbook = Workbook()
        sheet = workbook.active
        texts = ["„citat“ — s. 3", "  foran og bagved  ", "   ", "a&b<c>d\r\ne\tf", "æøå € 😀"]
        for n, text in enumerate(texts * 3):
            cell = sheet.cell(n % 7 + 1, n // 7 + 1)
            cell.value = "X" if n % 2 else None
            author = "compare" if n % 3 else "Anna & Bo"
            cell.comment = Comment(text, author, height=40 + n, width=320 if n % 2 else 144.5)
        workbook.create_sheet("Anden").cell(2, 2).comment = Comment("én", "compare")
        return workbook

    fast, slow = _both(build)
    _assert_same_parts(fast, slow)
    assert _cells(fast) == _cells(slow)


@pytest.mark.parametrize("odd_author", [None, "Bo ", ""], ids=["plain", "spaced", "blank"])
def test_comments_of_any_author_are_written_as_openpyxl_writes_them(odd_author: Any) -> None:
    # A comment the text writer does not take (an author with a space at the end, a blank
    # one) sends the sheet's comments through openpyxl's writer: the same file either way.
    def build() -> Workbook:
        workbook = Workbook()
        sheet = workbook.active
        sheet.cell(1, 1).comment = Comment("", "compare")  # empty text
        sheet.cell(2, 1).comment = Comment("linje\nto", "compare")
        if odd_author is not None:
            sheet.cell(3, 2).comment = Comment("skæv", odd_author)
        return workbook

    fast, slow = _both(build)
    _assert_same_parts(fast, slow)


def test_links_and_row_looks_are_written_as_openpyxl_writes_them() -> None:
    from openpyxl.styles import Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    def build(external: bool) -> Workbook:
        workbook = Workbook()
        sheet = workbook.active
        places = ["'Evidens'!A7", "'Kim''s & Co'!B2", "'Æblerød <1>'!C3"]
        for r, place in enumerate(places, 1):
            cell = sheet.cell(r, 2)
            cell.value = "X"
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=place)
        sheet.cell(4, 2).hyperlink = Hyperlink(
            ref="B4", location="'Evidens'!A9", tooltip="se „citatet“", display="vis"
        )
        if external:
            sheet.cell(5, 2).hyperlink = "https://example.org/?a=1&b=2"
        sheet.row_dimensions[1].hidden = True
        sheet.row_dimensions[2].outline_level = 1
        sheet.row_dimensions[3].height = 31.5
        sheet.row_dimensions[4].font = Font(bold=True)  # a row style: openpyxl's iteration
        return workbook

    for external in (False, True):
        fast, slow = _both(lambda external=external: build(external))
        _assert_same_parts(fast, slow)
        assert _cells(fast) == _cells(slow)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    ws = Workspace.open(tmp_path / "ws")
    plans = standard_plans()
    write_plans(ws, plans)
    record_decision(ws, plans[0].doc_id, GOALS, "3", "X", "tjekket i planen", "Bente")
    return ws


def test_the_export_reads_back_as_the_cells_it_replaces(ws: Workspace) -> None:
    def build() -> Workbook:
        return workspace_workbook(ws, today=TODAY)

    book = build()
    assert rows_of(book[EVIDENCE_SHEET]) and rows_of(book[BASELINE_SHEET])
    fast, slow = _both(build)
    _assert_same_parts(fast, slow)
    assert _cells(fast) == _cells(slow)


def test_the_baseline_is_what_write_text_gave_each_cell() -> None:
    # The hidden baseline's rows hold text: what `write_text` made of each value before.
    workbook, theirs = Workbook(), Workbook()
    texts = ["ministermaal-2018", "Albertslund", "3", "(X)", "", "=X", " x", None, "2024-01-01"]
    for sheet in (workbook.active, theirs.active):
        for col, name in enumerate(BASELINE_COLUMNS, 1):
            write_text(sheet.cell(1, col), name)
    for r in range(2, 2 + len(texts)):
        values = [texts[(r + c) % len(texts)] for c in range(len(BASELINE_COLUMNS))]
        add_row(workbook.active, PlainRow(r, values, (None,) * len(values), None))
        for col, value in enumerate(values, 1):
            write_text(theirs.active.cell(r, col), value)
    fast, slow = io.BytesIO(), io.BytesIO()
    save_xlsx(workbook, fast)
    theirs.save(slow)
    _assert_same_parts(fast.getvalue(), slow.getvalue())


def test_an_edited_export_imports_alike_from_either_writer(ws: Workspace, tmp_path: Path) -> None:
    # Round trip: export (fast or openpyxl), edit in "Excel", import-review: the same changes.
    fast, slow = _both(lambda: workspace_workbook(ws, today=TODAY))
    reports = []
    for name, data in (("hurtig.xlsx", fast), ("openpyxl.xlsx", slow)):
        book = load_workbook(io.BytesIO(data))
        for framework_id, row, col, value in (
            (GOALS, "Albertslund", 2, "(X)"),
            (GOALS, "Albertslund", 4, "x"),
            (THEMES, "Gentofte", 3, "( X )"),
        ):
            sheet = matrix_sheet(book, framework_id)
            sheet.cell(body(sheet)[row], col).value = value
        path = tmp_path / name
        book.save(path)
        report = import_review(ws, path, "Anna", dry_run=True)
        reports.append(
            (sorted(map(repr, report.changes)), report.unchanged, sorted(map(repr, report.refused)))
        )
    assert reports[0] == reports[1]
    assert len(reports[0][0]) >= 2  # B5 and C15 change; D5 may be an X already


def test_a_second_save_writes_what_openpyxl_writes_the_second_time(ws: Workspace) -> None:
    # The plain rows stay values after a save (a download and a file from one workbook);
    # openpyxl itself writes a workbook a little differently the second time.
    def saved_twice(fast: bool) -> bytes:
        book = workspace_workbook(ws, today=TODAY)
        book[EVIDENCE_SHEET].cell(2, 30).value = "sat bagefter"  # its rows become cells
        if not fast:
            materialize(book)
        for _ in range(2):
            out = io.BytesIO()
            save_xlsx(book, out) if fast else book.save(out)
        assert not rows_of(book[EVIDENCE_SHEET])
        assert bool(rows_of(book[BASELINE_SHEET])) == fast
        return out.getvalue()

    _assert_same_parts(saved_twice(fast=True), saved_twice(fast=False))


@pytest.mark.parametrize("first", ["=1+1", "-", "kort"])
def test_styles_are_numbered_in_the_order_the_cells_first_use_them(first: str) -> None:
    # A text with the quote prefix has a style of its own: numbered where its first cell is,
    # as openpyxl numbers a cell's style when it writes the cell.
    def build() -> Workbook:
        workbook = Workbook()
        columns = (("A", 10.0), ("B", 10.0), ("C", 10.0))
        rows = [[first, "=2", 3], ["x", "y", "-z"], ["+", None, ""]]
        _table(workbook.active, columns, rows, wrap=("B",), centre=("C",))
        _table(workbook.create_sheet(), columns, rows[::-1], centre=("A",))
        return workbook

    fast, slow = _both(build)
    _assert_same_parts(fast, slow)

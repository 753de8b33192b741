"""End to end through the real pipeline: ingest, tag, export, edit, import-review."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from compare.excel import export_workbook, import_review
from compare.excel.safe import FORMULA_TRIGGERS
from compare.frameworks.catalog import find_framework
from compare.ingest.pipeline import ingest_paths
from compare.store.workspace import Workspace
from compare.tagging.run import tag_workspace
from tests.conftest import SEED_PLAN_2018
from tests.excel_workspace import body, matrix_csv, matrix_sheet

GOALS, THEMES = "ministermaal-2018", "rar-hovedstaden-2018"

# A plan whose lines start with what spreadsheet programs take for formulas.
HOSTILE_PLAN = """=cmd|' /C calc'!A0
Beskæftigelsesplan 2018 for Albertslund Kommune

1. Indledning
Albertslund Kommunes beskæftigelsesplan 2018 beskriver indsatsen på beskæftigelsesområdet.

2. Ministermål for 2018

2.1 Flere flygtninge og familiesammenførte skal være selvforsørgende
=HYPERLINK("http://evil.example","klik") flygtninge og familiesammenførte skal i job.
+45 flere flygtninge og familiesammenførte skal være selvforsørgende i 2018, og målet er at
60 pct. af flygtningene er i job eller uddannelse inden udgangen af 2018.
-2+3 integrationsgrunduddannelse IGU for nyankomne flygtninge.
@SUM(1,2) Flygtninge i virksomhedspraktik og løntilskud.

2.2 Virksomhederne skal sikres den nødvendige og kvalificerede arbejdskraft
Jobcentret har tæt virksomhedskontakt og virksomhedsservice, så virksomhederne kan rekruttere
kvalificeret arbejdskraft.
"""


def ingest_and_tag(ws: Workspace, paths: list[Path]) -> None:
    report = ingest_paths(paths, ws)
    assert not report.failed, report.failed
    tag_workspace(ws, [find_framework(GOALS), find_framework(THEMES)], workers=1)


def test_plan_with_formula_lines_exports_as_text(tmp_path: Path) -> None:
    plan = tmp_path / "albertslund.txt"
    plan.write_text(HOSTILE_PLAN, encoding="utf-8")
    ws = Workspace.open(tmp_path / "ws")
    ingest_and_tag(ws, [plan])
    path = export_workbook(ws, tmp_path / "møde.xlsx", today=date(2024, 5, 2))
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert "<f>" not in archive.read(name).decode(), name
    book = load_workbook(path)
    risky = [
        c
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith(FORMULA_TRIGGERS)
    ]
    quotes = [c.value for c in risky if c.parent.title == "Evidens"]
    assert any(q.startswith("=HYPERLINK(") for q in quotes), "the hostile passage is not quoted"
    assert all(c.data_type == "s" and c.quotePrefix for c in risky)
    sheet = matrix_sheet(book, GOALS)
    row = body(sheet)["Albertslund"]
    flygtninge = sheet.cell(row, 4)  # item 3
    assert flygtninge.value in ("X", "(X)") and "=HYPERLINK" in flygtninge.comment.text


def test_seed_plan_round_trip(seed: Callable[[str], Path], tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws")
    ingest_and_tag(ws, [seed(SEED_PLAN_2018)])
    path = export_workbook(ws, tmp_path / "møde.xlsx", today=date(2024, 5, 2))
    book = load_workbook(path)
    for framework_id in (GOALS, THEMES):
        [csv_row] = matrix_csv(ws, framework_id)
        assert csv_row["municipality"] == "København"
        sheet = matrix_sheet(book, framework_id)
        r = body(sheet)["København"]
        items = [str(i.id) for i in find_framework(framework_id).items]
        assert [sheet.cell(r, c).value or "" for c in range(2, len(items) + 2)] == [
            csv_row[i] for i in items
        ]
        others = [name for name in body(sheet) if name != "København"]
        assert all(
            sheet.cell(body(sheet)[n], len(items) + 2).value == "ingen plan modtaget"
            for n in others
        )
    sheet = matrix_sheet(book, GOALS)
    cell = sheet.cell(body(sheet)["København"], 2)
    new = "(X)" if cell.value == "X" else "X"
    cell.value = new
    book.save(tmp_path / "redigeret.xlsx")
    report = import_review(ws, tmp_path / "redigeret.xlsx", "Bente")
    assert [(c.row, c.item_id, c.after) for c in report.changes] == [("København", "1", new)]
    assert matrix_csv(ws, GOALS)[0]["1"] == new


@pytest.mark.parametrize("framework_id", [GOALS])
def test_export_of_a_tagged_workspace_is_deterministic(tmp_path: Path, framework_id: str) -> None:
    plan = tmp_path / "albertslund.txt"
    plan.write_text(HOSTILE_PLAN, encoding="utf-8")
    ws = Workspace.open(tmp_path / "ws")
    ingest_and_tag(ws, [plan])
    first = export_workbook(ws, tmp_path / "a.xlsx", [framework_id], today=date(2024, 5, 2))
    second = export_workbook(ws, tmp_path / "b.xlsx", [framework_id], today=date(2024, 5, 2))
    a, b = load_workbook(first), load_workbook(second)
    for name in a.sheetnames:
        assert [[c.value for c in row] for row in a[name].iter_rows()] == [
            [c.value for c in row] for row in b[name].iter_rows()
        ], name

"""The exported workbook, reopened with openpyxl: sheets, every matrix cell, links, print setup."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from openpyxl import load_workbook

from compare.excel import export_workbook
from compare.excel.matrix_sheet import NO_PLAN, REMARKS_HEADER
from compare.frameworks.catalog import find_framework
from compare.registry.lookup import load_registry
from compare.review.decisions import record_decision
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace
from tests.excel_workspace import (
    COUNCIL,
    GOALS,
    INJECTION_QUOTES,
    THEMES,
    YEAR,
    Plan,
    body,
    header_row,
    matrix_csv,
    matrix_sheet,
    standard_plans,
    write_plans,
)

TODAY = date(2024, 5, 2)
LEVEL_RANK = {"X": 2, "(X)": 1, "": 0}


def reviewed_workspace(root: Path) -> Workspace:
    """The standard plans, with one analyst decision and one row remark."""
    ws = Workspace.open(root)
    plans = standard_plans()
    write_plans(ws, plans)
    albertslund = plans[0].doc_id
    record_decision(ws, albertslund, GOALS, "3", "X", "tjekket i planen", "Bente")
    ReviewStore.for_workspace(ws).set_remark(albertslund, GOALS, "Sygedagpengeområdet", "Bente")
    return ws


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, Path]:
    root = tmp_path_factory.mktemp("export")
    ws = reviewed_workspace(root / "ws")
    return ws, export_workbook(ws, root / "møde.xlsx", today=TODAY)


@pytest.fixture(scope="module")
def book(exported: tuple[Workspace, Path]) -> Any:
    return load_workbook(exported[1])


def expected_rows(ws: Workspace, framework_id: str) -> dict[str, dict[str, str]]:
    """From `compare matrix --format csv`: per jobcentre row, the strongest level per item of
    the member municipalities' plans covering 2018 (single-year plans of 2018 here, plus
    Gentofte's 2017-2019 plan)."""
    registry = load_registry()
    covering = {
        p.doc_id
        for p in standard_plans()
        if p.municipality and p.year <= YEAR <= (p.year_to or p.year)
    }
    by_municipality = {}
    for row in matrix_csv(ws, framework_id):
        plan = next(
            p
            for p in standard_plans()
            if p.municipality == row["municipality"] and str(p.year) == row["year"]
        )
        if plan.doc_id in covering:
            by_municipality[row["municipality"]] = row
    expected = {}
    for name, members in registry.jobcentre_rows(COUNCIL, YEAR):
        found = [by_municipality[m] for m in members if m in by_municipality]
        items = [str(i.id) for i in find_framework(framework_id).items]
        expected[name] = (
            {i: max((r[i] for r in found), key=LEVEL_RANK.get, default="") for i in items}
            if found
            else None
        )
    return expected


def test_sheets_in_order_and_baseline_hidden(book: Any) -> None:
    goals, themes = find_framework(GOALS), find_framework(THEMES)
    assert book.sheetnames[2:] == [
        "Temaoversigt",
        "Plansammendrag",
        "Evidens",
        "Dokumenter",
        "_compare",
    ]
    assert {matrix_sheet(book, GOALS).title, matrix_sheet(book, THEMES).title} == set(
        book.sheetnames[:2]
    )
    assert matrix_sheet(book, GOALS).title == "Ministermål 2018"  # the title is too long
    assert len(goals.title) > 31 and len(themes.title) > 31
    assert book["_compare"].sheet_state == "hidden"
    assert all(book[name].sheet_state == "visible" for name in book.sheetnames[:4])


@pytest.mark.parametrize("framework_id", [GOALS, THEMES])
def test_title_and_header_rows(book: Any, framework_id: str) -> None:
    framework = find_framework(framework_id)
    sheet = matrix_sheet(book, framework_id)
    title = sheet["A2"].value
    assert framework.title in title and COUNCIL in title and str(YEAR) in title
    assert "02.05.2024" in sheet["A3"].value
    h = header_row(sheet)
    headers = [sheet.cell(h, c).value for c in range(1, len(framework.items) + 3)]
    assert headers[0] == "Jobcenter" and headers[-1] == REMARKS_HEADER
    for item, header in zip(framework.items, headers[1:-1], strict=True):
        assert header == f"{item.id}. {' '.join(item.label.split())}"
        assert sheet.cell(h, 2).alignment.wrap_text
    assert sheet.row_dimensions[1].hidden  # the import keys


def test_rows_are_every_jobcentre_of_the_council_in_registry_order(book: Any) -> None:
    names = [name for name, _ in load_registry().jobcentre_rows(COUNCIL, YEAR)]
    for framework_id in (GOALS, THEMES):
        assert list(body(matrix_sheet(book, framework_id))) == names
    assert "Tårnby-Dragør" in names and "Vallensbæk-Ishøj" in names


@pytest.mark.parametrize("framework_id", [GOALS, THEMES])
def test_every_matrix_cell_matches_compare_matrix_csv(
    exported: tuple[Workspace, Path], book: Any, framework_id: str
) -> None:
    ws, _ = exported
    sheet = matrix_sheet(book, framework_id)
    items = [str(i.id) for i in find_framework(framework_id).items]
    remarks_col = len(items) + 2
    checked = 0
    for name, expected in expected_rows(ws, framework_id).items():
        r = body(sheet)[name]
        got = {i: sheet.cell(r, c).value or "" for c, i in enumerate(items, 2)}
        if expected is None:
            assert set(got.values()) == {""}, name
            assert sheet.cell(r, remarks_col).value == NO_PLAN, name
        else:
            assert got == expected, name
            checked += 1
    assert checked == 5  # Albertslund, Gentofte, København, Tårnby-Dragør, Vallensbæk-Ishøj


def test_joint_jobcentre_with_two_plans_shows_the_strongest_level(book: Any) -> None:
    sheet = matrix_sheet(book, GOALS)
    r = body(sheet)["Vallensbæk-Ishøj"]
    # Ishøj: (X),X,,,   Vallensbæk: X,,,,(X)
    assert [sheet.cell(r, c).value or "" for c in range(2, 7)] == ["X", "X", "", "", "(X)"]


def test_reviewed_cell_is_marked_and_remark_shown(book: Any) -> None:
    sheet = matrix_sheet(book, GOALS)
    r = body(sheet)["Albertslund"]
    reviewed, unreviewed = sheet.cell(r, 4), sheet.cell(r, 2)  # item 3 decided by Bente; item 1
    assert reviewed.value == "X" and unreviewed.value == "X"
    assert reviewed.font.b and not unreviewed.font.b
    assert reviewed.border.left.style == "medium" and unreviewed.border.left.style != "medium"
    assert reviewed.fill.fgColor.rgb != unreviewed.fill.fgColor.rgb
    assert "Bente" in reviewed.comment.text and "Bente" not in unreviewed.comment.text
    assert sheet.cell(r, 7).value == "Sygedagpengeområdet"
    legend = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert "Fed skrift, kraftig ramme" in legend
    assert "men ikke et konkret resultatniveau, er det angivet med et (X)" in legend


@pytest.mark.parametrize("framework_id", [GOALS, THEMES])
def test_non_blank_cells_link_to_their_evidence_row(
    exported: tuple[Workspace, Path], book: Any, framework_id: str
) -> None:
    sheet, evidence = matrix_sheet(book, framework_id), book["Evidens"]
    header = [c.value for c in evidence[1]]
    col = {name: header.index(name) + 1 for name in header}
    registry = load_registry()
    members = dict(registry.jobcentre_rows(COUNCIL, YEAR))
    items = [str(i.id) for i in find_framework(framework_id).items]
    links = 0
    for name, r in body(sheet).items():
        for c, item in enumerate(items, 2):
            cell = sheet.cell(r, c)
            if not cell.value:
                assert cell.hyperlink is None, cell.coordinate
                continue
            location = cell.hyperlink.location
            assert location.startswith("'Evidens'!A"), location
            target = int(location.rsplit("A", 1)[1])
            row = {k: evidence.cell(target, v).value for k, v in col.items()}
            assert row["Ramme"] == framework_id and row["Nr."] == item
            assert row["Jobcenter"] == name and row["Kommune"] in members[name]
            assert row["Niveau"] == cell.value
            # The comment carries the start of the linked row's best quote, if there is one.
            comment = " ".join(cell.comment.text.split())
            if row["Citat"]:
                assert " ".join(row["Citat"].split())[:40] in comment
            else:
                assert "Intet citat" in comment
            links += 1
    expected = expected_rows(exported[0], framework_id).values()
    assert links == sum(1 for row in expected if row for level in row.values() if level)


def test_comment_quote_is_short(book: Any) -> None:
    sheet = matrix_sheet(book, GOALS)
    comments = [c.comment.text for row in sheet.iter_rows() for c in row if c.comment]
    assert comments and all(len(text) < 600 for text in comments)


def test_totals_count_each_level_per_item(book: Any) -> None:
    sheet = matrix_sheet(book, GOALS)
    rows = body(sheet)
    last = max(rows.values())
    assert sheet.cell(last + 1, 1).value == "Antal X"
    assert sheet.cell(last + 2, 1).value == "Antal (X)"
    for c in range(2, 7):
        column = [sheet.cell(r, c).value for r in rows.values()]
        assert sheet.cell(last + 1, c).value == column.count("X")
        assert sheet.cell(last + 2, c).value == column.count("(X)")


@pytest.mark.parametrize("framework_id", [GOALS, THEMES])
def test_freeze_filter_and_print_setup(book: Any, framework_id: str) -> None:
    sheet = matrix_sheet(book, framework_id)
    h = header_row(sheet)
    last = max(body(sheet).values())
    assert sheet.freeze_panes == f"B{h + 1}"
    assert sheet.auto_filter.ref.startswith(f"A{h}:") and sheet.auto_filter.ref.endswith(str(last))
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # Title and header on every printed page.
    assert sheet.print_title_rows.replace("$", "") == f"2:{h}"
    assert sheet.print_title_cols.replace("$", "") == "A:A"
    widths = [sheet.column_dimensions[letter].width for letter in "ABC"]
    assert all(w and w >= 10 for w in widths)


def test_evidence_sheet_has_a_row_per_plan_and_item(book: Any) -> None:
    evidence = book["Evidens"]
    header = [c.value for c in evidence[1]]
    for name in ("Niveau", "Gennemgået af", "Citat", "Overskrift", "Side", "Linjer", "Fil"):
        assert name in header
    rows = list(evidence.iter_rows(min_row=2, values_only=True))
    shown_plans = 6  # Albertslund, Gentofte, København, Tårnby, Ishøj, Vallensbæk
    n_items = len(find_framework(GOALS).items) + len(find_framework(THEMES).items)
    assert len(rows) == shown_plans * n_items
    keys = {(r[0], r[2], r[4]) for r in rows}
    assert len(keys) == len(rows)  # one row per (framework, municipality, item)
    assert (
        evidence.auto_filter.ref == f"A1:{evidence.cell(1, len(header)).column_letter}"
        f"{len(rows) + 1}"
    )
    bente = [r for r in rows if r[header.index("Gennemgået af")] == "Bente"]
    assert len(bente) == 1 and bente[0][header.index("Note")] == "tjekket i planen"


def test_theme_overview_counts_match_the_matrix(book: Any) -> None:
    sheet, matrix = book["Temaoversigt"], matrix_sheet(book, GOALS)
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "Nr.")
    goals = rows[header + 1 : header + 6]
    assert [r[0] for r in goals] == ["1", "2", "3", "4", "5"]
    for c, row in enumerate(goals, 2):
        column = [matrix.cell(r, c).value for r in body(matrix).values()]
        # The overview counts municipalities; a joint row may stand for two.
        assert row[3] >= column.count("X") and row[3] + row[4] >= 1
        assert row[7], "draft text missing"
    assert goals[0][3] == 3  # item 1 has X in Albertslund's, København's, Vallensbæk's plans
    assert goals[0][4] == 2  # and (X) in Tårnby's and Ishøj's
    assert "København" in goals[1][5]


def test_documents_sheet_lists_every_plan(book: Any) -> None:
    rows = list(book["Dokumenter"].iter_rows(min_row=2, values_only=True))
    plans = [p for p in standard_plans()]
    assert len(rows) == len(plans)
    by_id = {r[-1]: r for r in rows}
    for plan in plans:
        row = by_id[plan.doc_id]
        shown = plan.municipality not in (None, "Helsingør", "Odense")
        assert row[-2] == ("ja" if shown else "nej"), plan.municipality
        assert row[9].startswith(plan.doc_id)  # content hash
        assert row[10] == ("2024-03-01 12:00" if plan.levels else None)  # tagged at


def test_text_from_documents_is_never_a_formula(
    exported: tuple[Workspace, Path], book: Any
) -> None:
    with zipfile.ZipFile(exported[1]) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = archive.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, name
    evidence = book["Evidens"]
    quotes = [c for row in evidence.iter_rows() for c in row if c.value in INJECTION_QUOTES]
    assert sorted(c.value for c in quotes) == sorted(INJECTION_QUOTES)  # exactly as written
    assert all(c.data_type == "s" and c.quotePrefix for c in quotes)
    titles = [
        c for row in book["Dokumenter"].iter_rows() for c in row if c.value == "=cmd|' /C calc'!A0"
    ]
    assert len(titles) == 1 and titles[0].data_type == "s" and titles[0].quotePrefix


def test_same_workspace_exported_twice_gives_the_same_cells(
    exported: tuple[Workspace, Path], tmp_path: Path
) -> None:
    ws, first = exported
    second = export_workbook(ws, tmp_path / "igen.xlsx", today=TODAY)
    a, b = load_workbook(first), load_workbook(second)
    assert a.sheetnames == b.sheetnames
    for name in a.sheetnames:
        cells_a = [
            (
                c.coordinate,
                c.value,
                c.hyperlink.location if c.hyperlink else None,
                c.comment.text if c.comment else None,
            )
            for row in a[name].iter_rows()
            for c in row
        ]
        cells_b = [
            (
                c.coordinate,
                c.value,
                c.hyperlink.location if c.hyperlink else None,
                c.comment.text if c.comment else None,
            )
            for row in b[name].iter_rows()
            for c in row
        ]
        assert cells_a == cells_b, name


def test_council_year_and_framework_options(
    exported: tuple[Workspace, Path], tmp_path: Path
) -> None:
    ws, _ = exported
    path = export_workbook(
        ws, tmp_path / "fyn.xlsx", [GOALS], council="fyn", year=2018, today=TODAY
    )
    book = load_workbook(path)
    assert book.sheetnames == [
        "Ministermål 2018",
        "Temaoversigt",
        "Evidens",
        "Dokumenter",
        "_compare",
    ]
    sheet = matrix_sheet(book, GOALS)
    names = [name for name, _ in load_registry().jobcentre_rows("RAR Fyn", 2018)]
    assert list(body(sheet)) == names
    remarks = {sheet.cell(r, 7).value for r in body(sheet).values()}
    assert remarks == {NO_PLAN}  # Odense's plan is of 2016


def test_plans_spanning_councils_get_one_section_each(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws")
    levels = {(GOALS, "1"): "X"}
    write_plans(ws, [Plan("Albertslund", YEAR, levels), Plan("Odense", YEAR, levels)])
    book = load_workbook(export_workbook(ws, tmp_path / "to.xlsx", [GOALS], today=TODAY))
    sheet = matrix_sheet(book, GOALS)
    names = list(body(sheet))
    registry = load_registry()
    fyn = [n for n, _ in registry.jobcentre_rows("RAR Fyn", YEAR)]
    hovedstaden = [n for n, _ in registry.jobcentre_rows(COUNCIL, YEAR)]
    assert names == ["RAR Fyn", *fyn, "RAR Hovedstaden", *hovedstaden]
    assert "RAR Fyn, RAR Hovedstaden" in sheet["A2"].value


def test_long_and_control_character_text_does_not_break_the_export(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws")
    long_quote = "Flere i job. " * 4000  # 52,000 characters
    plan = Plan(
        "Albertslund",
        YEAR,
        {(GOALS, "1"): "X"},
        {(GOALS, "1"): [long_quote, "styre\x00tegn\x07 og\x1b escape"]},
    )
    write_plans(ws, [plan])
    book = load_workbook(export_workbook(ws, tmp_path / "lang.xlsx", [GOALS], today=TODAY))
    values = [
        c.value for row in book["Evidens"].iter_rows() for c in row if isinstance(c.value, str)
    ]
    cut = [v for v in values if v.startswith("Flere i job.")]
    assert len(cut) == 1 and len(cut[0]) <= 32_767 and "afkortet" in cut[0][-40:]
    assert any("styretegn og escape" in v for v in values)
    comment = matrix_sheet(book, GOALS).cell(header_row(matrix_sheet(book, GOALS)) + 1, 2)
    assert comment.comment is not None and len(comment.comment.text) < 600


def test_framework_title_with_forbidden_characters_makes_a_valid_sheet(tmp_path: Path) -> None:
    toml = tmp_path / "skæve-tegn.toml"
    toml.write_text(
        'id = "skaeve-tegn"\ntitle = "Mål [2018]: a/b\\\\c*?"\nkind = "goals"\n'
        'year = 2018\n\n[[items]]\nid = "1"\nlabel = "Flere i job"\n',
        encoding="utf-8",
    )
    ws = Workspace.open(tmp_path / "ws")
    write_plans(ws, [Plan("Albertslund", YEAR, {("skaeve-tegn", "1"): "X"})])
    book = load_workbook(export_workbook(ws, tmp_path / "s.xlsx", [str(toml)], today=TODAY))
    assert book.sheetnames[0] == "Mål -2018-- a-b-c--"


def test_decision_made_before_the_plan_changed_is_flagged(tmp_path: Path) -> None:
    ws = reviewed_workspace(tmp_path / "ws")
    fresh = load_workbook(export_workbook(ws, tmp_path / "før.xlsx", [GOALS], today=TODAY))
    ws.write_documents(ws.read_documents().with_columns(pl.lit("ny tekst").alias("text_hash")))
    book = load_workbook(export_workbook(ws, tmp_path / "efter.xlsx", [GOALS], today=TODAY))
    for workbook, flagged in ((fresh, False), (book, True)):
        evidence = workbook["Evidens"]
        header = [c.value for c in evidence[1]]
        [bente] = [
            r
            for r in evidence.iter_rows(min_row=2, values_only=True)
            if r[header.index("Gennemgået af")] == "Bente"
        ]
        assert (bente[header.index("Genvurderes")] == "ja") is flagged
        sheet = matrix_sheet(workbook, GOALS)
        comment = sheet.cell(body(sheet)["Albertslund"], 4).comment.text
        assert ("vurdér cellen igen" in comment) is flagged

"""Cell text and sheet names: data never becomes a formula, nothing Excel would have to repair."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from compare.excel.safe import (
    MAX_CELL_CHARS,
    MAX_SHEET_NAME,
    clean_text,
    needs_quote_prefix,
    sheet_title,
    write_text,
)

# OWASP's CSV-injection examples and the other dangerous first characters.
INJECTIONS = [
    "=1+1",
    '=HYPERLINK("http://evil.example","klik")',
    "=cmd|' /C calc'!A0",
    "+2+3",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_formula_like_text_is_written_as_quoted_text(tmp_path: Path, text: str) -> None:
    workbook = Workbook()
    cell = write_text(workbook.active["A1"], text)
    assert cell.data_type == "s"
    assert cell.quotePrefix
    path = tmp_path / "t.xlsx"
    workbook.save(path)
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml, "a formula element was written"
    back = load_workbook(path)["Sheet"]["A1"]
    assert back.value == text  # the exact text, no visible apostrophe added
    assert back.data_type == "s"
    assert back.quotePrefix


@pytest.mark.parametrize(
    "text,expected",
    [
        ("=x", True),
        ("+x", True),
        ("-x", True),
        ("@x", True),
        ("\tx", True),
        ("\rx", True),
        ("X", False),
        ("(X)", False),
        (" =x", False),
        ("Mål 1 = godt", False),
        ("", False),
    ],
)
def test_needs_quote_prefix(text: str, expected: bool) -> None:
    assert needs_quote_prefix(text) is expected


def test_plain_text_gets_no_quote_prefix() -> None:
    cell = write_text(Workbook().active["A1"], "Flere i job")
    assert cell.value == "Flere i job"
    assert not cell.quotePrefix


def test_control_characters_are_removed_and_the_file_opens(tmp_path: Path) -> None:
    text = "før\x00\x01\x07\x0b\x0c\x1f efter\ttab\nlinje"
    workbook = Workbook()
    write_text(workbook.active["A1"], text)  # openpyxl raises on these characters unless removed
    path = tmp_path / "c.xlsx"
    workbook.save(path)
    assert load_workbook(path).active["A1"].value == "før efter\ttab\nlinje"


def test_long_text_is_cut_to_excels_limit_with_a_marker() -> None:
    text = "a" * 40_000
    cut = clean_text(text)
    assert len(cut) <= MAX_CELL_CHARS
    assert cut.startswith("a" * 30_000)
    marker = cut[cut.rindex(" … [afkortet") :]
    left_out = int("".join(ch for ch in marker if ch.isdigit()))
    assert len(cut) - len(marker) + left_out == len(text)  # kept + said missing = all of it


def test_text_at_the_limit_is_kept_whole() -> None:
    text = "b" * MAX_CELL_CHARS
    assert clean_text(text) == text


@pytest.mark.parametrize(
    "name,expected",
    [
        ("Beskæftigelsespolitiske mål 2018", "Beskæftigelsespolitiske mål 2018"[:31]),
        ("Mål 2018/2019", "Mål 2018-2019"),
        ("a[b]c:d*e?f/g\\h", "a-b-c-d-e-f-g-h"),
        ("'citeret'", "citeret"),
        ("", "Ark"),
        ("   ", "Ark"),
        ("History", "History (1)"),
    ],
)
def test_sheet_title_is_accepted_by_excel(name: str, expected: str) -> None:
    title = sheet_title(name, set())
    assert title == expected
    assert len(title) <= MAX_SHEET_NAME
    assert not set(title) & set("[]:*?/\\")


def test_sheet_titles_are_unique_ignoring_case_and_stay_short() -> None:
    taken: set[str] = set()
    long = "RAR Hovedstaden: strategi og udviklingsplan"
    titles = [sheet_title(long, taken), sheet_title(long.upper(), taken), sheet_title(long, taken)]
    assert len({t.casefold() for t in titles}) == 3
    assert all(len(t) <= MAX_SHEET_NAME for t in titles)
    assert titles[1].endswith(" (2)") and titles[2].endswith(" (3)")
    workbook = Workbook()
    for title in titles:  # openpyxl refuses names Excel refuses
        workbook.create_sheet(title)

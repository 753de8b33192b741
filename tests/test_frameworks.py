"""Frameworks as data: loading TOML/CSV/XLSX, clear errors for bad files, derived and lent terms."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from compare.cli import main
from compare.errors import BadFramework, UnknownFramework
from compare.frameworks.catalog import (
    FRAMEWORKS_DIR,
    clean_title,
    derive_terms,
    find_framework,
    find_frameworks,
    framework_from_titles,
    load_framework,
    load_frameworks,
    save_framework,
)
from compare.text import normalise

GOOD_TOML = """\
id = "toy-goals"
title = "Toy goals"
kind = "goals"
year = 2031

[[items]]
id = "1"
label = "Flere flygtninge skal i job"
keywords = ["integrationsgrunduddannelse"]

[[items]]
id = "2"
label = "Færre unge på kontanthjælp"
group = "Unge"
description = "Unge under 30 år"
"""

SHEET_HEADER = [
    "framework",
    "title",
    "kind",
    "year",
    "item",
    "label",
    "group",
    "description",
    "keywords",
]
SHEET_ROWS = [
    ["toy-themes", "Toy themes", "themes", "", "1", "Flygtninge", "Udsatte", "", "flygtninge; IGU"],
    ["", "", "", "", "2", "Handicap", "", "Kompenserende ordninger", ""],
]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_toml_loads_with_items_terms_and_hash(tmp_path: Path) -> None:
    fw = load_framework(_write(tmp_path, "toy.toml", GOOD_TOML))
    assert (fw.id, fw.kind, fw.year, [i.id for i in fw.items]) == (
        "toy-goals",
        "goals",
        2031,
        ["1", "2"],
    )
    first = fw.item("1")
    assert normalise("integrationsgrunduddannelse") in first.terms
    assert normalise("flygtninge") in first.terms
    assert fw.item("2").group == "Unge"
    assert len(fw.content_hash) == 16


def test_content_hash_changes_with_content(tmp_path: Path) -> None:
    one = load_framework(_write(tmp_path, "a.toml", GOOD_TOML))
    two = load_framework(_write(tmp_path, "b.toml", GOOD_TOML.replace("i job", "i arbejde")))
    same = load_framework(_write(tmp_path, "c.toml", GOOD_TOML))
    assert one.content_hash != two.content_hash
    assert one.content_hash == same.content_hash


def test_csv_and_xlsx_give_the_same_framework(tmp_path: Path) -> None:
    csv_path = _write(
        tmp_path,
        "toy.csv",
        "\n".join(",".join(f'"{c}"' for c in row) for row in [SHEET_HEADER, *SHEET_ROWS]) + "\n",
    )
    book = Workbook()
    sheet = book.active
    for row in [SHEET_HEADER, *SHEET_ROWS]:
        sheet.append(row)
    xlsx_path = tmp_path / "toy.xlsx"
    book.save(xlsx_path)
    from_csv, from_xlsx = load_framework(csv_path), load_framework(xlsx_path)
    assert from_csv.items == from_xlsx.items
    assert from_csv.kind == "themes" and from_csv.year is None
    assert from_csv.item("1").keywords == ("flygtninge", "IGU")
    assert from_csv.item("2").description == "Kompenserende ordninger"


def test_semicolon_csv_from_danish_excel(tmp_path: Path) -> None:
    rows = [["framework", "kind", "year", "item", "label"], ["dk", "goals", "2019", "1", "Mål"]]
    path = tmp_path / "dk.csv"
    path.write_bytes("\n".join(";".join(r) for r in rows).encode("cp1252"))
    fw = load_framework(path)
    assert (fw.id, fw.year, fw.item("1").label) == ("dk", 2019, "Mål")


def _toml_error(tmp_path: Path, text: str) -> BadFramework:
    with pytest.raises(BadFramework) as info:
        load_framework(_write(tmp_path, "bad.toml", text))
    assert "bad.toml" in str(info.value)
    return info.value


def test_bad_toml_names_the_line(tmp_path: Path) -> None:
    err = _toml_error(
        tmp_path,
        GOOD_TOML.replace(
            'label = "Flere flygtninge skal i job"', 'label = "Flere flygtninge skal i job'
        ),
    )
    assert err.line == 8
    assert "bad TOML" in err.problem and "line 8" in str(err)


def test_duplicate_item_id_names_the_second_ids_line(tmp_path: Path) -> None:
    err = _toml_error(tmp_path, GOOD_TOML.replace('id = "2"', 'id = "1"'))
    assert err.line == 12
    assert "duplicate item id '1'" in err.problem


@pytest.mark.parametrize(
    "change,problem",
    [
        (('id = "toy-goals"\n', ""), "missing framework id"),
        (('kind = "goals"', 'kind = "targets"'), "unknown kind 'targets'"),
        (("year = 2031", "year = 31"), "bad year 31"),
        (("year = 2031", 'year = "2031"'), "bad year '2031'"),
        (('id = "toy-goals"', 'id = "../etc/passwd"'), "may only hold letters"),
        (('[[items]]\nid = "2"', '[[items]]\nid = ""'), "item 2: missing item id"),
        (('label = "Færre unge på kontanthjælp"', 'lable = "Færre unge"'), "unknown field 'lable'"),
        (
            ('keywords = ["integrationsgrunduddannelse"]', 'keywords = "a; b"\nnote = 1'),
            "unknown field 'note'",
        ),
    ],
)
def test_each_malformed_file_gets_a_specific_message(
    tmp_path: Path, change: tuple[str, str], problem: str
) -> None:
    assert change[0] in GOOD_TOML
    err = _toml_error(tmp_path, GOOD_TOML.replace(*change, 1))
    assert problem in err.problem


def test_missing_label_names_the_items_line(tmp_path: Path) -> None:
    err = _toml_error(tmp_path, GOOD_TOML.replace('label = "Færre unge på kontanthjælp"\n', ""))
    assert err.line == 11 and "item '2': missing label" in err.problem


def test_framework_without_items(tmp_path: Path) -> None:
    err = _toml_error(tmp_path, 'id = "x"\nkind = "themes"\n')
    assert "no items" in err.problem


def test_sheet_errors_name_the_row(tmp_path: Path) -> None:
    rows = [SHEET_HEADER, SHEET_ROWS[0], ["", "", "", "", "1", "Igen", "", "", ""]]
    path = _write(tmp_path, "dup.csv", "\n".join(",".join(r) for r in rows))
    with pytest.raises(BadFramework) as info:
        load_framework(path)
    assert info.value.line == 3 and "duplicate item id '1'" in info.value.problem
    path = _write(tmp_path, "cols.csv", "framework,kind,item,label,weight\nx,goals,1,A,2\n")
    with pytest.raises(BadFramework, match="unknown column 'weight'"):
        load_framework(path)


def test_unsupported_and_corrupt_files(tmp_path: Path) -> None:
    with pytest.raises(BadFramework, match="unsupported file type"):
        load_framework(_write(tmp_path, "goals.json", "{}"))
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(BadFramework, match="not a readable .xlsx"):
        load_framework(tmp_path / "broken.xlsx")


def test_folder_loading_collects_errors_and_keeps_the_rest(tmp_path: Path) -> None:
    _write(tmp_path, "good.toml", GOOD_TOML)
    _write(tmp_path, "bad.toml", "id = \n")
    _write(tmp_path, "twin.toml", GOOD_TOML)  # same id as good.toml
    with pytest.raises(BadFramework):
        load_frameworks(tmp_path)
    errors: list[BadFramework] = []
    frameworks = load_frameworks(tmp_path, errors=errors)
    assert [fw.id for fw in frameworks] == ["toy-goals"]
    assert sorted(e.path.name for e in errors) == ["bad.toml", "twin.toml"]
    assert "already used by good.toml" in str(next(e for e in errors if e.path.name == "twin.toml"))


def test_shipped_frameworks() -> None:
    frameworks = {fw.id: fw for fw in load_frameworks(FRAMEWORKS_DIR)}
    years = {2016, 2017, 2018, 2020, 2021, 2022, 2023, 2024}
    assert {f"ministermaal-{y}" for y in years} | {"rar-hovedstaden-2018"} == set(frameworks)
    themes = frameworks["rar-hovedstaden-2018"]
    assert [i.id for i in themes.items] == [str(n) for n in range(1, 17)]
    assert [i.group for i in themes.items] == (
        ["Rekruttering"] * 5 + ["Opkvalificering"] * 5 + ["De udsatte grupper"] * 6
    )
    assert themes.item("16").label == "Flygtninge"
    goals = frameworks["ministermaal-2022"]
    assert goals.item("1").label == "Alle ledige skal have en værdig sagsbehandling"
    assert goals.item("5").label == "Flere personer med handicap skal i beskæftigelse"
    assert len(frameworks["ministermaal-2020"].items) == 3
    assert frameworks["ministermaal-2018"].item("3").label.startswith("Flere flygtninge")


def test_applies_to_periods() -> None:
    frameworks = {fw.id: fw for fw in load_frameworks()}
    goals, themes = frameworks["ministermaal-2018"], frameworks["rar-hovedstaden-2018"]
    assert goals.applies_to(2018, 2018) and goals.applies_to(2016, 2020)
    assert not goals.applies_to(2019, 2021) and not goals.applies_to(None, None)
    assert themes.applies_to(2013, 2013) and themes.applies_to(None, None)


def test_recurring_goal_borrows_terms_of_its_twin() -> None:
    frameworks = {fw.id: fw for fw in load_frameworks()}
    labels_only = frameworks["ministermaal-2017"].item("1")  # no keywords in its file
    assert labels_only.keywords == ()
    assert normalise("rekrutteringsudfordringer") in labels_only.terms
    assert normalise("virksomhedskonsulent") in labels_only.terms
    unlinked = load_framework(FRAMEWORKS_DIR / "ministermaal-2017.toml").item("1")
    assert normalise("rekrutteringsudfordringer") not in unlinked.terms  # lent, not borrowed


def test_derived_terms_include_label_pairs_and_skip_stop_words() -> None:
    terms = derive_terms("Virksomhederne skal sikres den nødvendige og kvalificerede arbejdskraft")
    assert normalise("kvalificerede arbejdskraft") in terms
    assert normalise("arbejdskraft") in terms
    assert normalise("skal") not in terms and normalise("den") not in terms


def test_titles_become_a_framework_that_saves_and_reloads(tmp_path: Path) -> None:
    titles = [
        "Mål 1: Flere flygtninge og familiesammenførte skal være selvforsørgende",
        "",
        "2. Flere ledige skal opkvalificeres  ",
    ]
    fw = framework_from_titles("ministermaal-2031", "Mål 2031", "goals", 2031, titles)
    assert [(i.id, i.label) for i in fw.items] == [
        ("1", "Flere flygtninge og familiesammenførte skal være selvforsørgende"),
        ("2", "Flere ledige skal opkvalificeres"),
    ]
    assert normalise("integrationsgrunduddannelse") in fw.item("1").terms  # lent by the folder
    path = save_framework(fw, tmp_path)
    assert path == tmp_path / "ministermaal-2031.toml"
    again = load_framework(path)
    assert [(i.id, i.label) for i in again.items] == [(i.id, i.label) for i in fw.items]
    assert (again.kind, again.year, again.title) == ("goals", 2031, "Mål 2031")
    with pytest.raises(BadFramework, match="unknown kind"):
        framework_from_titles("x", "X", "mål", 2031, ["A"], known=())
    with pytest.raises(BadFramework, match="no items"):
        framework_from_titles("x", "X", "goals", 2031, ["", " "], known=())


def test_saved_text_with_quotes_round_trips(tmp_path: Path) -> None:
    fw = framework_from_titles(
        "q", 'Titel "med" citat\\', "themes", None, ['Tema med "citat" og \\ skråstreg'], known=()
    )
    again = load_framework(save_framework(fw, tmp_path))
    assert again.title == fw.title and again.item("1").label == fw.item("1").label


@pytest.mark.parametrize(
    "raw,clean",
    [
        ("Mål 3: Flere flygtninge", "Flere flygtninge"),
        ("3. Flere ledige skal opkvalificeres", "Flere ledige skal opkvalificeres"),
        (
            "• Alle ledige skal have en værdig sagsbehandling",
            "Alle ledige skal have en værdig sagsbehandling",
        ),
        ("Ministermål 2 - Virksomhederne", "Virksomhederne"),
        (
            "Flere personer med handicap skal i beskæftigelse",
            "Flere personer med handicap skal i beskæftigelse",
        ),
    ],
)
def test_clean_title(raw: str, clean: str) -> None:
    assert clean_title(raw) == clean


def test_find_framework_by_id_and_path(tmp_path: Path) -> None:
    assert find_framework("ministermaal-2018").id == "ministermaal-2018"
    path = _write(tmp_path, "extra.toml", GOOD_TOML)
    assert find_framework(str(path)).id == "toy-goals"
    with pytest.raises(UnknownFramework, match="known frameworks: .*ministermaal-2018"):
        find_framework("ministermaal-1999")
    with pytest.raises(UnknownFramework, match="not found"):
        find_framework(str(tmp_path / "missing.toml"))


def test_find_frameworks_reads_ids_and_files_together(tmp_path: Path) -> None:
    path = _write(tmp_path, "extra.toml", GOOD_TOML)
    found = find_frameworks(["ministermaal-2018", path, "rar-hovedstaden-2018"])
    assert [fw.id for fw in found] == ["ministermaal-2018", "toy-goals", "rar-hovedstaden-2018"]
    assert found[1].path == path
    assert find_frameworks([]) == []
    with pytest.raises(UnknownFramework, match="'nope'"):
        find_frameworks(["ministermaal-2018", "nope"])


def test_frameworks_command_lists_the_folder_and_reports_bad_files(tmp_path: Path) -> None:
    _write(tmp_path, "good.toml", GOOD_TOML)
    runner = CliRunner()
    table = runner.invoke(main, ["frameworks", "--folder", str(tmp_path)])
    assert table.exit_code == 0, table.output
    header, row = table.output.splitlines()
    assert header.split() == ["id", "kind", "year", "items", "title", "file"]
    assert row.split() == ["toy-goals", "goals", "2031", "2", "Toy", "goals", "good.toml"]
    assert header.index("title") == row.index("Toy goals")  # columns are aligned
    as_csv = runner.invoke(main, ["frameworks", "--folder", str(tmp_path), "--format", "csv"])
    assert list(csv.DictReader(io.StringIO(as_csv.output))) == [
        {
            "id": "toy-goals",
            "kind": "goals",
            "year": "2031",
            "items": "2",
            "title": "Toy goals",
            "file": "good.toml",
        }
    ]
    _write(tmp_path, "formula.toml", GOOD_TOML.replace("toy-goals", "f").replace("Toy", "=1+1"))
    as_csv = runner.invoke(main, ["frameworks", "--folder", str(tmp_path), "--format", "csv"])
    assert "\nf,goals,2031,2,'=1+1 goals,formula.toml\n" in as_csv.output  # stays text
    _write(tmp_path, "bad.toml", GOOD_TOML.replace('kind = "goals"', 'kind = "targets"'))
    result = runner.invoke(main, ["frameworks", "--folder", str(tmp_path)])
    assert result.exit_code == 1
    assert "toy-goals" in result.stdout and "toy-goals" not in result.stderr
    assert "bad.toml" in result.stderr and "unknown kind 'targets'" in result.stderr

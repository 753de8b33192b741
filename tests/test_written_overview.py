"""The written overview: display text, narratives with history, scope, and the Word document."""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from compare.cli import main
from compare.config import CACHE_ENV
from compare.display import display_text
from compare.errors import CompareError
from compare.registry.lookup import load_registry
from compare.store.narratives import NarrativeStore
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace

COUNCIL = "RAR Hovedstaden"
THEMES = "rar-hovedstaden-2018"


@pytest.mark.parametrize(
    "ocr,danish",
    [
        ("ngdvendige", "nødvendige"),
        ("Kgbenhavns", "Københavns"),
        ("s@rligt", "særligt"),
        ("sa@rlige", "særlige"),
        ("forsgrgelse", "forsørgelse"),
        ("beskaftigelsesindsatsen", "beskæftigelsesindsatsen"),
        ("Kebenhavn", "København"),
        ("kontanthj@lpsmodtagere", "kontanthjælpsmodtagere"),
    ],
)
def test_display_text_repairs_ocr_readings(ocr, danish):
    assert display_text(f"Det er {ocr} her.") == f"Det er {danish} her."


@pytest.mark.parametrize(
    "text", ["Jobcentret og HRS samarbejder.", "Status pr. 1. januar (ekskl. SU).", "vedr. mål"]
)
def test_display_text_leaves_danish_and_abbreviations_alone(text):
    assert display_text(text) == text


def test_repaired_quotes_still_locate_the_original_lines(seeded: Path, seeds_dir: Path):
    ws = Workspace(seeded)
    evidence = ws.read_evidence()
    damaged = evidence.filter(evidence["quote"].str.contains("Kgbenhavn"))
    assert damaged.height, "the OCR'd seed should give passages with 'Kgbenhavn'"
    row = damaged.row(0, named=True)
    shown = display_text(row["quote"])
    assert "Kgbenhavn" not in shown and "København" in shown
    docs = ws.read_documents()
    name = docs.filter(docs["doc_id"] == row["doc_id"])["file_name"][0]
    lines = (seeds_dir / name).read_text(encoding="utf-8").splitlines()
    located = " ".join(lines[row["line_start"] - 1 : row["line_end"]])
    assert "Kgbenhavn" in located  # the original text, where the evidence points


def test_narratives_keep_history_and_old_databases_keep_working(tmp_path: Path):
    db = tmp_path / "review.sqlite"
    old = ReviewStore(db)
    old.set_metadata("doc1", "year", 2018, "Anna")  # a database from before narratives
    store = NarrativeStore(db)
    assert store.current(COUNCIL, 2018, THEMES, "1") is None
    first = store.save(COUNCIL, 2018, THEMES, "1", "Første tekst.", "Anna", draft_text="Udkast")
    second = store.save(COUNCIL, 2018, THEMES, "1", "Anden tekst.", "Bo")
    assert store.save(COUNCIL, 2018, THEMES, "1", "Anden tekst.", "Bo") == second  # no-op
    history = store.history(COUNCIL, 2018, THEMES, "1")
    assert history["text"].to_list() == ["Første tekst.", "Anden tekst."]
    assert history["previous_text"].to_list() == [None, "Første tekst."]
    assert history["reviewer"].to_list() == ["Anna", "Bo"] and first < second
    assert old.metadata_overrides()["value"].to_list() == ["2018"]  # decisions still readable
    assert ReviewStore(db).integrity_check() == "ok"
    with sqlite3.connect(db) as conn, pytest.raises(sqlite3.DatabaseError):
        conn.execute("UPDATE narratives SET text = 'x'")
    with pytest.raises(CompareError):
        store.save(COUNCIL, 2018, THEMES, "1", "Tekst", " ")


def test_a_database_begun_by_narratives_takes_the_review_tables_too(tmp_path: Path):
    db = tmp_path / "review.sqlite"
    NarrativeStore(db).save(COUNCIL, 2018, THEMES, "2", "Tekst.", "Anna")
    review = ReviewStore(db)
    review.set_metadata("doc1", "year", 2018, "Anna")
    assert review.metadata_overrides().height == 1 and review.integrity_check() == "ok"
    assert NarrativeStore(db).current(COUNCIL, 2018, THEMES, "2")["text"] == "Tekst."


def _run(args: list[str], ws: Path) -> str:
    result = CliRunner().invoke(main, [*args, "--workspace", str(ws)])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def mixed_ws(seeded: Path, tmp_path: Path) -> Path:
    """The seeds (København 2018 and 2022) plus an Aarhus 2018 plan from another region."""
    root = tmp_path / "ws"
    shutil.copytree(seeded, root)
    other = tmp_path / "aarhus.txt"
    other.write_text(
        "Beskæftigelsesplan 2018 Aarhus Kommune\n\n1 Flygtninge\n\nAarhus har en særlig "
        "indsats for flygtninge og samarbejder med Jobservice Danmark og a-kasserne om "
        "rekruttering. Vi har fokus på de langvarigt ledige.\n",
        encoding="utf-8",
    )
    _run(["ingest", str(other), "--municipality", "Aarhus", "--year", "2018"], root)
    _run(["tag"], root)
    return root


def test_overview_names_only_the_councils_municipalities_with_plans_of_the_year(mixed_ws: Path):
    docs = Workspace(mixed_ws).read_documents()
    assert {"Aarhus", "København"} <= set(docs["municipality"].to_list())
    text = _run(["overview", "--framework", THEMES, "--year", "2018"], mixed_ws)
    assert "Aarhus" not in text
    assert "1 plan fra 1 kommune er vurderet" in text and "København" in text
    assert "kommuner, ikke planer" in text
    rows = list(
        csv.DictReader(
            io.StringIO(
                _run(
                    ["overview", "--framework", THEMES, "--year", "2022", "--format", "csv"],
                    mixed_ws,
                )
            )
        )
    )
    assert {r["n_plans"] for r in rows} == {"1"}  # the 2022 plan only
    result = CliRunner().invoke(
        main,
        [
            "overview",
            "--framework",
            THEMES,
            "--council",
            "RAR Østjylland",
            "--year",
            "2018",
            "--workspace",
            str(mixed_ws),
        ],
    )
    assert result.exit_code == 1 and "RAR Hovedstaden" in result.output


def test_narrative_cli_saved_text_reaches_overview_and_word(mixed_ws: Path, tmp_path: Path):
    text_file = tmp_path / "n.txt"
    key = [THEMES, "16", "--year", "2018", "--council", "Hovedstaden"]
    for version in ("Flygtningeindsatsen er med i planen.", "Alle planer nævner flygtninge."):
        text_file.write_text(version, encoding="utf-8")
        _run(
            ["narrative", "set", *key, "--text-file", str(text_file), "--reviewer", "Anna"],
            mixed_ws,
        )
    assert _run(["narrative", "show", *key], mixed_ws).strip() == "Alle planer nævner flygtninge."
    history = _run(["narrative", "history", *key], mixed_ws)
    assert "Flygtningeindsatsen er med" in history and history.count("Anna") == 2
    overview = _run(["overview", "--framework", THEMES, "--year", "2018"], mixed_ws)
    assert "Alle planer nævner flygtninge." in overview and "Gemt tekst (Anna" in overview

    book_path = tmp_path / "rar.xlsx"
    _run(["export", "--out", str(book_path), "--council", COUNCIL, "--year", "2018"], mixed_ws)
    book = openpyxl.load_workbook(book_path)
    themes_rows = list(book["Temaoversigt"].iter_rows(values_only=True))
    assert ("16", "Alle planer nævner flygtninge.", "Gemt af Anna") in {
        (r[0], r[7], r[8]) for r in themes_rows
    }
    summary = [r for r in book["Plansammendrag"].iter_rows(values_only=True)]
    assert summary[1][0] == "København" and summary[1][1] == "2018"
    assert any((r[3] or "").startswith("Udkast til bemærkning: Supplerende mål") for r in summary)
    assert "supplerende" in {r[7] for r in summary}
    evidence = list(book["Evidens"].iter_rows(values_only=True))
    header = list(evidence[0])
    quote, original = header.index("Citat"), header.index("Citat som i planen")
    repaired = [r for r in evidence[1:] if r[original] and "Kgbenhavn" in r[original]]
    assert repaired and all("Kgbenhavn" not in r[quote] for r in repaired)

    out = tmp_path / "rapport.docx"
    _run(
        [
            "report",
            "--council",
            COUNCIL,
            "--year",
            "2018",
            "--out",
            str(out),
            "--municipality-table",
            f"{THEMES}:14",
        ],
        mixed_ws,
    )
    doc = Document(str(out))
    themes, goals, handicap = doc.tables
    theme_rows = {r.cells[0].text: r.cells[1].text for r in themes.rows}
    assert theme_rows["16. Flygtninge"] == "Alle planer nævner flygtninge."
    assert any(t.startswith("[Udkast]") for t in theme_rows.values())  # unsaved drafts marked
    registry = load_registry()
    expected = [name for name, _ in registry.jobcentre_rows(COUNCIL, 2018)]
    assert [r.cells[0].text for r in goals.rows[1:]] == expected
    assert "Aarhus" not in [r.cells[0].text for r in goals.rows]
    matrix = list(
        csv.DictReader(io.StringIO(_run(["matrix", "--framework", "ministermaal-2018"], mixed_ws)))
    )
    kbh = next(r for r in matrix if r["municipality"] == "København")
    row = next(r for r in goals.rows if r.cells[0].text == "København")
    assert [c.text for c in row.cells[1:6]] == [kbh[str(i)] for i in range(1, 6)]
    # No remark accepted yet: the plan summary's draft stands, marked as a draft.
    assert row.cells[6].text.startswith("[Udkast] Supplerende mål:")
    members = [m for _, names in registry.jobcentre_rows(COUNCIL, 2018) for m in names]
    assert [r.cells[0].text for r in handicap.rows[1:]] == members
    assert "(X)" in " ".join(p.text for p in doc.paragraphs)  # the overview's note on (X)
    assert doc.sections[1].orientation == 1  # landscape for the goals table
    footer = doc.sections[0].footer.paragraphs[0]._p.xml
    assert "PAGE" in footer


def test_a_narrative_pasted_from_word_reaches_the_word_document(mixed_ws: Path, tmp_path: Path):
    """Word's manual line break is a vertical tab in pasted text; python-docx refuses it."""
    text_file = tmp_path / "n.txt"
    text_file.write_text("Planen har\x0bvirksomhedspraktik\x0c og løntilskud.\x07", "utf-8")
    key = [THEMES, "1", "--year", "2018", "--council", "Hovedstaden"]
    _run(["narrative", "set", *key, "--text-file", str(text_file), "--reviewer", "Bo"], mixed_ws)
    out = tmp_path / "rapport.docx"
    _run(["report", "--council", COUNCIL, "--year", "2018", "--out", str(out)], mixed_ws)
    themes = Document(str(out)).tables[0]
    cell = next(r.cells[1] for r in themes.rows if r.cells[0].text.startswith("1. "))
    assert cell.text == "Planen har\nvirksomhedspraktik\n og løntilskud."
    assert cell._tc.xml.count("<w:br/>") == 2  # the breaks are Word's line breaks


def test_word_text_keeps_line_breaks_and_drops_what_xml_cannot_hold() -> None:
    from compare.word.document import xml_text

    assert xml_text("a\x0bb\x0cc\td\ne\r") == "a\nb\nc\td\ne\r"
    assert xml_text("\x00x\x07y\x1b[1mz\ufffe\ud800") == "xy[1mz"
    assert xml_text("Kgbenhavn ÆØÅ – “citat”") == "Kgbenhavn ÆØÅ – “citat”"


def test_per_municipality_rows_are_drafted_kept_and_exported(mixed_ws: Path, tmp_path: Path):
    ws = Workspace(mixed_ws)
    from compare.analysis.item_table import item_table
    from compare.review.matrix import matrix_cells

    cells = matrix_cells(ws, [THEMES])
    cells = cells.filter(cells["year"] == 2018)
    members = [m for _, names in load_registry().jobcentre_rows(COUNCIL, 2018) for m in names]
    addressed = cells.filter((cells["municipality"] == "København") & (cells["level"] != ""))
    item = addressed["item_id"][0]
    table = item_table(cells, ws.read_evidence(), THEMES, item, members)
    assert table["municipality"].to_list() == members
    kbh = table.row(members.index("København"), named=True)
    assert kbh["level"] in ("X", "(X)") and kbh["text"] and kbh["is_draft"]
    assert "Kgbenhavn" not in kbh["text"]  # display form
    others = table.filter(table["municipality"] != "København")
    assert set(others["text"].to_list()) == {""}  # no plan, no claim

    text_file = tmp_path / "row.txt"
    text_file.write_text("København har en særlig indsats.", encoding="utf-8")
    _run(
        [
            "narrative",
            "set",
            THEMES,
            item,
            "--year",
            "2018",
            "--council",
            COUNCIL,
            "--municipality",
            "Kobenhavn",
            "--text-file",
            str(text_file),
            "--reviewer",
            "Bo",
        ],
        mixed_ws,
    )
    out = tmp_path / "r.docx"
    _run(
        [
            "report",
            "--council",
            COUNCIL,
            "--year",
            "2018",
            "--out",
            str(out),
            "--municipality-table",
            f"{THEMES}:{item}",
        ],
        mixed_ws,
    )
    rows = {r.cells[0].text: r.cells[2].text for r in Document(str(out)).tables[2].rows}
    assert rows["København"] == "København har en særlig indsats."
    book_path = tmp_path / "r.xlsx"
    _run(["export", "--out", str(book_path), "--council", COUNCIL, "--year", "2018"], mixed_ws)
    sheet = openpyxl.load_workbook(book_path)["Pr. kommune"]
    values = {r[0]: r for r in sheet.iter_rows(values_only=True)}
    assert values["København"][2] == "København har en særlig indsats."
    assert values["København"][3] == "Gemt af Bo"


@pytest.mark.office
def test_libreoffice_converts_the_word_document(mixed_ws: Path, tmp_path: Path):
    out = tmp_path / "rapport.docx"
    _run(
        [
            "report",
            "--council",
            COUNCIL,
            "--year",
            "2018",
            "--out",
            str(out),
            "--municipality-table",
            f"{THEMES}:14",
        ],
        mixed_ws,
    )
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: `make system-deps`")
    pdf_dir = tmp_path / "pdf"
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(pdf_dir), str(out)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = pdf_dir / "rapport.pdf"
    assert pdf.exists() and pdf.stat().st_size > 5000, "LibreOffice could not open the document"


def test_the_word_list_is_decoded_once_into_a_sorted_cache(tmp_path, monkeypatch):
    from compare import display

    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    display._dictionary.cache_clear()
    display.repair_word.cache_clear()
    try:
        words = display._dictionary()
        [cache] = list(tmp_path.iterdir())
        lines = cache.read_bytes().split(b"\n")
        assert lines == sorted(lines) and len(lines) > 500_000
        assert "nødvendige" in words and "særligt" in words and "ngdvendige" not in words
        assert display.repair_word("Kgbenhavns") == "Københavns"
    finally:
        display._dictionary.cache_clear()
        display.repair_word.cache_clear()

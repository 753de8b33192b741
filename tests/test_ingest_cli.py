"""`compare ingest` and `compare documents`: summary lines, error lines, exit codes, CSV."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from compare.cli import main
from compare.ingest.overrides import Overrides, apply_overrides
from tests.ingest_samples import pdf_bytes

# A title line, then two numbered sections: three headings.
PLAN = (
    "Beskæftigelsesplan 2019\n\nJobcenter Tårnby beskriver her indsatsen i Tårnby Kommune "
    "for 2019.\n\n1 Indledning\n\nFlere ledige skal i job.\n\n2 Mål\n\nFlere unge i "
    "uddannelse.\n"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "in"
    path.mkdir()
    (path / "plan.txt").write_text(PLAN, encoding="utf-8")
    return path


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_help_texts() -> None:
    for command, option in [("ingest", "--municipality"), ("documents", "--format")]:
        result = run(command, "--help")
        assert result.exit_code == 0 and option in result.output and "--workspace" in result.output


def test_ingest_prints_a_summary_line_and_lists_documents(folder: Path, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    result = run("ingest", str(folder), "--workspace", str(ws))
    assert result.exit_code == 0, result.output
    assert "plan.txt: Tårnby, 2019, plan, no pages, 3 sections" in result.stdout
    assert result.stdout.strip().endswith(f"1 added, 0 already there, 0 failed (workspace: {ws})")
    listing = run("documents", "--workspace", str(ws))
    lines = listing.stdout.splitlines()
    assert lines[0].split() == [
        "file_name",
        "municipality",
        "year",
        "kind",
        "pages",
        "sections",
        "doc_id",
    ]
    assert lines[1].split()[:5] == ["plan.txt", "Tårnby", "2019", "plan", "3"]
    again = run("ingest", str(folder / "plan.txt"), "--workspace", str(ws))
    assert again.exit_code == 0
    assert "skipped: plan.txt: already in the workspace as plan.txt" in again.stdout


def test_failures_are_one_line_each_and_exit_1(folder: Path, tmp_path: Path) -> None:
    (folder / "bilag-3.pdf").write_bytes(b"%PDF-1.4\n%%EOF")
    (folder / "tom.txt").write_bytes(b"")
    ws = tmp_path / "ws"
    result = run("ingest", str(folder), "--workspace", str(ws))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: bilag-3.pdf: corrupt PDF; it cannot be opened",
        "error: tom.txt: empty file (0 bytes)",
    ]
    assert (
        "plan.txt: Tårnby" in result.stdout
        and "1 added, 0 already there, 2 failed" in result.stdout
    )
    assert "plan.txt" in run("documents", "--workspace", str(ws)).stdout


@pytest.mark.parametrize(
    "args",
    [
        ["ingest", "nowhere.pdf"],
        ["ingest"],
        ["ingest", "{folder}", "--kind", "novel"],
        ["ingest", "{folder}", "--year", "1066"],
        ["ingest", "{folder}", "--municipality", "Atlantis"],
        ["documents", "--format", "xml"],
    ],
)
def test_usage_errors_exit_2(folder: Path, tmp_path: Path, args: list[str]) -> None:
    args = [a.replace("{folder}", str(folder)) for a in args]
    result = run(*args, "--workspace", str(tmp_path / "ws"))
    assert result.exit_code == 2
    assert not (tmp_path / "ws" / "documents.parquet").exists()


def test_folder_without_supported_files_is_a_usage_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "sheet.xlsx").write_bytes(b"x")
    result = run("ingest", str(empty), "--workspace", str(tmp_path / "ws"))
    assert result.exit_code == 2 and "no supported files" in result.output


def test_overrides_and_max_size_options(folder: Path, tmp_path: Path) -> None:
    (folder / "big.pdf").write_bytes(pdf_bytes())
    ws = tmp_path / "ws"
    result = run(
        "ingest",
        str(folder),
        "--workspace",
        str(ws),
        "--municipality",
        "Dragør",
        "--year",
        "2020",
        "--year-to",
        "2022",
        "--max-size",
        "0.001",
    )
    assert result.exit_code == 1
    assert "error: big.pdf: too large" in result.stderr
    assert "plan.txt: Dragør, 2020-2022, plan" in result.stdout


def test_documents_csv_is_parseable_and_formula_safe(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "=cmd.txt").write_text(PLAN, encoding="utf-8")
    ws = tmp_path / "ws"
    assert run("ingest", str(folder), "--workspace", str(ws)).exit_code == 0
    result = run("documents", "--workspace", str(ws), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 1
    assert rows[0]["file_name"] == "'=cmd.txt"
    assert (rows[0]["municipality"], rows[0]["year"], rows[0]["sections"]) == (
        "Tårnby",
        "2019",
        "3",
    )


def test_documents_on_an_empty_workspace(tmp_path: Path) -> None:
    result = run("documents", "--workspace", str(tmp_path / "ws"))
    assert result.exit_code == 0 and "no documents" in result.stdout


@pytest.mark.parametrize(
    ("detected", "given", "expected"),
    [
        ((2016, 2020), {"year": 2018}, (2018, 2018)),
        ((2016, 2020), {"year_to": 2021}, (2016, 2021)),
        ((2019, 2019), {"year_to": 2017}, (2017, 2017)),
        ((None, None), {"year": 2018, "year_to": 2020}, (2018, 2020)),
        ((2019, 2019), {}, (2019, 2019)),
    ],
)
def test_period_overrides(detected, given, expected) -> None:
    row = {"year": detected[0], "year_to": detected[1], "municipality": None, "kind": "plan"}
    apply_overrides(row, Overrides.from_dict(given))
    assert (row["year"], row["year_to"]) == expected


def test_python_dash_m_compare_ingest(folder: Path, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    done = subprocess.run(
        [sys.executable, "-m", "compare", "ingest", str(folder), "--workspace", str(ws)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "plan.txt: Tårnby, 2019, plan" in done.stdout
    assert (ws / "documents.parquet").exists()


def test_summary_says_what_a_document_without_one_municipality_is(tmp_path: Path) -> None:
    from compare.ingest import DocumentSummary

    def summary(municipality: str | None, kind: str) -> DocumentSummary:
        return DocumentSummary(
            "d", "f.txt", None, municipality, None, 2018, 2018, kind, "txt", None, 3
        )

    assert summary("Gentofte", "plan").who == "Gentofte"
    assert "regional overview" in summary(None, "overview").who
    assert "--municipality" in summary(None, "plan").who

"""Imports match the command: the command line does not load the Excel, Word or UI libraries."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("openpyxl", "docx", "streamlit", "pypdfium2", "bs4")


def _loaded_after(statement: str) -> set[str]:
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return {name.split(".")[0] for name in json.loads(out.splitlines()[-1])}


def test_command_line_does_not_import_heavy_libraries() -> None:
    loaded = _loaded_after("import compare.cli")
    assert not loaded & set(HEAVY), f"import compare.cli loaded {sorted(loaded & set(HEAVY))}"


@pytest.mark.parametrize(
    ("statement", "library"),
    [
        ("from compare.excel import export_workbook", "openpyxl"),
        ("from compare.ingest.word import read_docx", "docx"),
    ],
)
def test_the_check_sees_a_library_that_is_imported(statement: str, library: str) -> None:
    # The check above is meaningful only if it notices a library that does get loaded.
    assert library in _loaded_after(statement)


def test_a_docx_is_still_read_after_lazy_loading(tmp_path) -> None:
    from docx import Document

    from compare.ingest import parse_document

    doc = Document()
    doc.add_heading("Beskæftigelsesplan 2019", level=1)
    doc.add_paragraph("Jobcenter Roskilde vil styrke indsatsen for unge.")
    path = tmp_path / "plan.docx"
    doc.save(path)
    raw = parse_document(path.read_bytes(), path.name)
    assert raw.format == "docx"
    assert "Roskilde" in raw.text

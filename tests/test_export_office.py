"""A real spreadsheet program opens the export without repair and prints it (LibreOffice)."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from compare.excel import export_workbook
from compare.store.workspace import Workspace
from tests.excel_workspace import INJECTION_QUOTES, standard_plans, write_plans

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = [
    pytest.mark.office,
    pytest.mark.skipif(
        SOFFICE is None,
        reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui, "
        "or `make system-deps`)",
    ),
]


def to_pdf(workbook: Path, out_dir: Path) -> Path:
    """Convert with a private LibreOffice profile, so parallel runs do not share one."""
    profile = out_dir / "profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out_dir / (workbook.stem + ".pdf")


def test_libreoffice_opens_and_prints_the_workbook(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws")
    write_plans(ws, standard_plans())
    workbook = export_workbook(ws, tmp_path / "møde.xlsx", today=date(2024, 5, 2))
    pdf = to_pdf(workbook, tmp_path)
    assert pdf.exists(), "LibreOffice could not open the workbook"
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages >= 3  # two matrices, the overview, evidence, documents
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: the text was not checked")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        capture_output=True,
        check=True,
        text=True,
        timeout=60,
    ).stdout
    first_page = text.split("\f")[0]
    assert "Ministermål" in first_page or "Beskæftigelsespolitiske mål 2018" in first_page
    for name in ("Albertslund", "Tårnby-Dragør", "Vallensbæk-Ishøj", "ingen plan modtaget"):
        assert name in first_page
    # Text from documents printed as written: a formula would print its result instead.
    assert INJECTION_QUOTES[0] in text
    assert "@SUM(1;2)" in text

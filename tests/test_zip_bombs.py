"""Zip bombs (DOCX for ingest, XLSX for import-review) are refused before anything inflates them.

Every bomb is built here (`tests/bombs.py`). `benchmarks/bench_bombs.py` measures time and peak
memory for the full-size bombs of the issue (1 GB document.xml, 20 M cells).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from compare.errors import ExportError, UnreadableDocument, UnsafeArchive
from compare.excel import export_workbook, import_review, import_review_bytes
from compare.ingest import parse_document
from compare.store.workspace import Workspace
from compare.zipguard import ArchiveLimits, check_archive
from tests.bombs import docx_bomb, docx_bytes, sheet_part, understate_sizes, xlsx_bomb
from tests.excel_workspace import GOALS, matrix_sheet, standard_plans, write_plans

MB = 1 << 20


@pytest.fixture
def exported(tmp_path: Path) -> tuple[Workspace, Path]:
    ws = Workspace.open(tmp_path / "ws")
    write_plans(ws, standard_plans())
    return ws, export_workbook(ws, tmp_path / "møde.xlsx")


def test_an_ordinary_docx_passes_the_guard_and_is_read() -> None:
    data = docx_bytes()
    check_archive(data, "plan.docx")
    assert "Flere i job" in " ".join(b.text for b in parse_document(data, "plan.docx").blocks)


def test_a_docx_whose_document_inflates_too_far_is_refused() -> None:
    bomb = docx_bomb(64 * MB)
    assert len(bomb) < MB  # small on disk ...
    with pytest.raises(UnreadableDocument, match=r"word/document.xml.*more than 32 MB"):
        parse_document(bomb, "bombe.docx")  # ... refused before python-docx inflates it


def test_sizes_the_directory_understates_are_caught_while_inflating() -> None:
    lying = understate_sizes(docx_bomb(8 * MB), "word/document.xml", 1_000)
    with zipfile.ZipFile(io.BytesIO(lying)) as archive:
        assert archive.getinfo("word/document.xml").file_size == 1_000
    with pytest.raises(UnsafeArchive, match="cannot be unpacked"):
        check_archive(lying, "lyver.docx", ArchiveLimits(max_entry_bytes=4 * MB))


def test_too_many_parts_and_too_much_in_total_are_refused() -> None:
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        for n in range(60):
            archive.writestr(f"part{n}.xml", b"<a/>" * 1000)
    with pytest.raises(UnsafeArchive, match="60 parts"):
        check_archive(many.getvalue(), "mange.docx", ArchiveLimits(max_entries=50))
    with pytest.raises(UnsafeArchive, match="its parts would unpack"):
        check_archive(many.getvalue(), "mange.docx", ArchiveLimits(max_total_bytes=100_000))


def test_an_xlsx_bomb_is_refused_by_import_review(exported: tuple[Workspace, Path]) -> None:
    ws, path = exported
    part = sheet_part(path, matrix_sheet(load_workbook(path), GOALS).title)
    bomb = xlsx_bomb(path.read_bytes(), part, 64 * MB)
    assert len(bomb) < 2 * MB
    with pytest.raises(ExportError, match="more than 32 MB"):
        import_review_bytes(ws, "bombe.xlsx", bomb, "Bente")


def test_a_sheet_with_cells_far_outside_an_export_is_refused_unread(
    exported: tuple[Workspace, Path],
) -> None:
    ws, path = exported
    book = load_workbook(path)
    matrix_sheet(book, GOALS).cell(200_001, 2).value = "X"  # far below the matrix
    far = path.with_name("langt.xlsx")
    book.save(far)
    with pytest.raises(
        ExportError, match=r"too large to be an exported matrix \(a cell at B200001"
    ):
        import_review(ws, far, "Bente")


PEAK = textwrap.dedent(
    """
    import resource, sys
    from pathlib import Path
    from compare.errors import CompareError
    kind, path, ws = sys.argv[1:4]
    try:
        if kind == "docx":
            from compare.ingest import read_document
            read_document(path)
        else:
            from compare.excel import import_review
            from compare.store.workspace import Workspace
            import_review(Workspace.open(ws), path, "Bente")
        print("read")
    except CompareError as err:
        print("refused:", err)
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    """
)


def test_both_bombs_are_refused_in_a_process_that_stays_under_1_gb(
    exported: tuple[Workspace, Path], tmp_path: Path
) -> None:
    ws, path = exported
    docx = tmp_path / "bombe.docx"
    docx.write_bytes(docx_bomb(256 * MB))
    part = sheet_part(path, matrix_sheet(load_workbook(path), GOALS).title)
    xlsx = tmp_path / "bombe.xlsx"
    xlsx.write_bytes(xlsx_bomb(path.read_bytes(), part, 256 * MB))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    for kind, bomb in (("docx", docx), ("xlsx", xlsx)):
        out = subprocess.run(
            [sys.executable, "-c", PEAK, kind, str(bomb), str(ws.root)],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=True,
        ).stdout.splitlines()
        assert out[0].startswith("refused:") and "more than 32 MB" in out[0], out
        assert int(out[1]) < 1 << 30, f"{kind}: peak {int(out[1]) / MB:.0f} MB"


def test_a_framework_sheet_bomb_is_refused(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from compare.errors import BadFramework
    from compare.frameworks.catalog import load_framework

    book = Workbook()
    book.active.append(["framework", "title", "kind", "year", "item", "label"])
    book.active.append(["ond", "Ond", "themes", "", "1", "Et tema"])
    plain = io.BytesIO()
    book.save(plain)
    path = tmp_path / "ramme.xlsx"
    path.write_bytes(xlsx_bomb(plain.getvalue(), "xl/worksheets/sheet1.xml", 64 * MB))
    with pytest.raises(BadFramework, match=r"ramme.xlsx: its part .*more than 32 MB"):
        load_framework(path)

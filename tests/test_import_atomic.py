"""One workbook import is one transaction: a killed import records nothing, a finished one every
cell (one history row each); the frameworks folder and the tags are read once per import."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from openpyxl import load_workbook

from compare.excel import export_workbook, import_review
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace
from tests.excel_workspace import GOALS, THEMES, body, matrix_sheet, standard_plans, write_plans

# The child process records decisions but stops for good (until killed) at the third one.
CHILD = textwrap.dedent(
    """
    import sys, time
    from compare.store import review_db
    from compare.excel import import_review
    from compare.store.workspace import Workspace

    calls = 0
    real_now = review_db._now

    def slow_now():
        global calls
        calls += 1
        if calls == 3:
            print("third decision", flush=True)
            time.sleep(120)
        return real_now()

    review_db._now = slow_now
    import_review(Workspace.open(sys.argv[1]), sys.argv[2], "Bente")
    """
)


@pytest.fixture
def many_edits(tmp_path: Path) -> tuple[Workspace, Path, int]:
    """A workspace and a workbook with one edit on every level cell of both matrices."""
    ws = Workspace.open(tmp_path / "ws")
    write_plans(ws, standard_plans())
    path = export_workbook(ws, tmp_path / "møde.xlsx")
    book = load_workbook(path)
    edits = 0
    for framework_id, n_items in ((GOALS, 5), (THEMES, 16)):
        sheet = matrix_sheet(book, framework_id)
        for name in ("Albertslund", "København", "Tårnby-Dragør"):
            for col in range(2, n_items + 2):
                cell = sheet.cell(body(sheet)[name], col)
                cell.value = "" if cell.value else "(X)"
                edits += 1
    edited = tmp_path / "redigeret.xlsx"
    book.save(edited)
    return ws, edited, edits


def test_a_killed_import_records_nothing_and_a_rerun_records_every_cell(
    many_edits: tuple[Workspace, Path, int],
) -> None:
    ws, edited, edits = many_edits
    ReviewStore.for_workspace(ws).latest()  # the database exists before the child starts
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(ws.root), str(edited)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "third decision"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    store = ReviewStore.for_workspace(ws)
    assert store.history().height == 0  # all or nothing: nothing
    assert store.integrity_check() == "ok"
    report = import_review(ws, edited, "Bente")
    assert len(report.changes) == edits
    history = store.history()
    assert history.height == edits  # one history row per cell
    assert history.select("doc_id", "framework_id", "item_id").is_duplicated().sum() == 0


def test_an_import_reads_the_frameworks_and_the_tags_once(
    many_edits: tuple[Workspace, Path, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, edited, _ = many_edits
    from compare.frameworks import catalog

    counts = {"frameworks": 0, "tags": 0}
    real_load, real_tags = catalog.load_frameworks, Workspace.read_tags

    def counting_load(*args, **kwargs):  # type: ignore[no-untyped-def]
        counts["frameworks"] += 1
        return real_load(*args, **kwargs)

    def counting_tags(self):  # type: ignore[no-untyped-def]
        counts["tags"] += 1
        return real_tags(self)

    monkeypatch.setattr(catalog, "load_frameworks", counting_load)
    monkeypatch.setattr(Workspace, "read_tags", counting_tags)
    import compare.excel.importer as importer

    if hasattr(importer, "load_frameworks"):
        monkeypatch.setattr(importer, "load_frameworks", counting_load)
    report = import_review(ws, edited, "Bente", dry_run=True)
    assert len(report.sheets) == 2
    assert counts == {"frameworks": 1, "tags": 1}

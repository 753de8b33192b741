"""Writing the workbook: atomic, clear errors for bad targets, and the `compare export` command."""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from compare.cli import main
from compare.errors import ExportError
from compare.excel import export_bytes, export_workbook
from compare.excel import workbook as workbook_module
from compare.store.workspace import Workspace
from tests.excel_workspace import GOALS, YEAR, Plan, write_plans

TODAY = date(2024, 5, 2)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    workspace = Workspace.open(tmp_path / "ws")
    write_plans(
        workspace,
        [Plan("Albertslund", YEAR, {(GOALS, "1"): "X"}, {(GOALS, "1"): ["Flere i job."]})],
    )
    return workspace


def test_missing_folder_is_a_clear_error_and_is_not_created(ws: Workspace, tmp_path: Path) -> None:
    target = tmp_path / "findes-ikke" / "møde.xlsx"
    with pytest.raises(ExportError, match="does not exist"):
        export_workbook(ws, target, today=TODAY)
    assert not target.parent.exists()


def test_read_only_file_is_refused_and_left_alone(ws: Workspace, tmp_path: Path) -> None:
    target = tmp_path / "møde.xlsx"
    target.write_bytes(b"old contents")
    target.chmod(0o444)
    try:
        with pytest.raises(ExportError, match="read-only"):
            export_workbook(ws, target, today=TODAY)
        assert target.read_bytes() == b"old contents"
    finally:
        target.chmod(0o644)


def test_locked_file_gives_a_clear_error(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows refuses to replace a file Excel has open; the rename then fails like this."""
    target = tmp_path / "møde.xlsx"
    target.write_bytes(b"open in Excel")

    def locked(src: str, dst: str) -> None:
        raise PermissionError(13, "The process cannot access the file", str(dst))

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(ExportError, match="close it"):
        export_workbook(ws, target, today=TODAY)
    monkeypatch.undo()
    assert target.read_bytes() == b"open in Excel"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["møde.xlsx", "ws"]


@pytest.mark.parametrize("name", ["møde.csv", "møde"])
def test_target_must_be_an_xlsx_file(ws: Workspace, tmp_path: Path, name: str) -> None:
    with pytest.raises(ExportError, match=r"\.xlsx"):
        export_workbook(ws, tmp_path / name, today=TODAY)


def test_interrupted_export_leaves_the_previous_file(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "møde.xlsx"
    export_workbook(ws, target, today=TODAY)
    before = target.read_bytes()
    real_save = workbook_module.save_xlsx  # what the export writes the file with

    def half_then_crash(self: Workbook, filename: str) -> None:
        real_save(self, filename)
        with open(filename, "r+b") as handle:  # a half-written zip, as after a crash
            handle.truncate(os.path.getsize(filename) // 2)
        raise KeyboardInterrupt

    monkeypatch.setattr(workbook_module, "save_xlsx", half_then_crash)
    with pytest.raises(KeyboardInterrupt):
        export_workbook(ws, target, today=date(2030, 1, 1))
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["møde.xlsx", "ws"]  # no temp file


def test_interrupted_first_export_leaves_no_file(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(self: Workbook, filename: str) -> None:
        Path(filename).write_bytes(b"PK\x03\x04 half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(workbook_module, "save_xlsx", crash)
    with pytest.raises(ExportError, match="No space left"):
        export_workbook(ws, tmp_path / "møde.xlsx", today=TODAY)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ws"]


def test_empty_workspace_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="no plans"):
        export_workbook(Workspace.open(tmp_path / "tom"), tmp_path / "x.xlsx", today=TODAY)


def test_year_without_plans_needs_a_council(ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="--council"):
        export_workbook(ws, tmp_path / "x.xlsx", year=2019, today=TODAY)
    path = export_workbook(
        ws, tmp_path / "x.xlsx", [GOALS], council="RAR Hovedstaden", year=2019, today=TODAY
    )
    assert load_workbook(path).sheetnames[0] == "Ministermål 2018"


def test_cli_export_writes_the_workbook(ws: Workspace, tmp_path: Path) -> None:
    target = tmp_path / "cli.xlsx"
    result = CliRunner().invoke(
        main,
        [
            "export",
            "--out",
            str(target),
            "--rar",
            "RAR Hovedstaden",
            "--year",
            "2018",
            "--framework",
            GOALS,
            "--workspace",
            str(ws.root),
        ],
    )
    assert result.exit_code == 0, result.output
    assert str(target) in result.output
    assert load_workbook(target).sheetnames[0] == "Ministermål 2018"


@pytest.mark.parametrize(
    "args,message",
    [
        (["--out", "{tmp}/nope/x.xlsx"], "does not exist"),
        (["--out", "{tmp}/x.xlsx", "--framework", "no-such-framework"], "unknown framework"),
        (["--out", "{tmp}/x.xlsx", "--council", "RAR Atlantis"], "not a council"),
    ],
)
def test_cli_export_errors_are_one_line(
    ws: Workspace, tmp_path: Path, args: list[str], message: str
) -> None:
    argv = ["export", *(a.format(tmp=tmp_path) for a in args), "--workspace", str(ws.root)]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 1
    assert result.output.startswith("error: ") and message in result.output
    assert "Traceback" not in result.output


def test_export_bytes_is_the_same_workbook_without_a_file(ws: Workspace, tmp_path: Path) -> None:
    data = export_bytes(ws, today=TODAY)
    from_file = load_workbook(export_workbook(ws, tmp_path / "fil.xlsx", today=TODAY))
    from_bytes = load_workbook(io.BytesIO(data))
    assert from_bytes.sheetnames == from_file.sheetnames
    for name in from_file.sheetnames:
        assert [[c.value for c in row] for row in from_bytes[name].iter_rows()] == [
            [c.value for c in row] for row in from_file[name].iter_rows()
        ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fil.xlsx", "ws"]


def test_new_file_gets_usual_permissions_and_a_replaced_file_keeps_its_own(
    ws: Workspace, tmp_path: Path
) -> None:
    new = export_workbook(ws, tmp_path / "ny.xlsx", today=TODAY)
    umask = os.umask(0o022)
    os.umask(umask)
    assert new.stat().st_mode & 0o777 == 0o666 & ~umask  # not the temporary file's 0600
    old = tmp_path / "gammel.xlsx"
    old.write_bytes(b"x")
    old.chmod(0o640)
    export_workbook(ws, old, today=TODAY)
    assert old.stat().st_mode & 0o777 == 0o640

"""`compare matrix --format csv`: item ids that a spreadsheet would run as a formula are
protected in the header exactly as text in the body is (a leading `'`)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from compare.cli import main
from compare.frameworks.catalog import FRAMEWORKS_ENV
from compare.store.workspace import Workspace
from tests.excel_workspace import Plan, write_plans

EVIL = "=cmd|' /C calc'!A0"
IDS = ["1", EVIL, "+2", "@3", "-4"]


def test_formula_like_item_ids_are_quoted_in_the_csv_header(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "frameworks"
    folder.mkdir()
    items = "".join(
        f'[[items]]\nid = {item_id!r}\nlabel = "Mål nummer {n}"\n'
        for n, item_id in enumerate(IDS, 1)
    )
    (folder / "ond.toml").write_text(
        f'id = "ond"\ntitle = "Ond"\nkind = "themes"\n{items}', encoding="utf-8"
    )
    monkeypatch.setenv(FRAMEWORKS_ENV, str(folder))
    ws = Workspace.open(tmp_path / "ws")
    write_plans(ws, [Plan("Albertslund", 2018, {("ond", i): "X" for i in IDS})])
    result = CliRunner().invoke(
        main, ["matrix", "--framework", "ond", "--format", "csv", "--workspace", str(ws.root)]
    )
    assert result.exit_code == 0, result.output
    header, row = list(csv.reader(io.StringIO(result.output)))
    assert header == ["municipality", "year", "1", "'" + EVIL, "'+2", "'@3", "'-4"]
    assert row == ["Albertslund", "2018", "X", "X", "X", "X", "X"]

"""Folders are walked once, and nothing inside the workspace is ever ingested again."""

from __future__ import annotations

from pathlib import Path

from compare.ingest import collect_files


def _plan(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("Beskæftigelsesplan 2019\n", encoding="utf-8")
    return path


def test_a_link_into_the_workspace_is_left_out(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    stored = _plan(ws / "originals" / "abc.txt")
    plans = tmp_path / "plans"
    kept = _plan(plans / "a.txt")
    (plans / "link.txt").symlink_to(stored)
    (plans / "outside.txt").symlink_to(_plan(tmp_path / "elsewhere" / "b.txt"))
    found = collect_files([plans], exclude=ws)
    assert found == [kept, plans / "outside.txt"]


def test_a_folder_inside_the_workspace_gives_nothing(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    _plan(ws / "originals" / "abc.txt")
    assert collect_files([ws / "originals"], exclude=ws) == []
    assert collect_files([ws / "originals"]) == [ws / "originals" / "abc.txt"]


def test_a_workspace_inside_the_folder_is_left_out(tmp_path: Path) -> None:
    kept = _plan(tmp_path / "plans" / "a.txt")
    _plan(tmp_path / "ws" / "originals" / "abc.txt")
    assert collect_files([tmp_path], exclude=tmp_path / "ws") == [kept]

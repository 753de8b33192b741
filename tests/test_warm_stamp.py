"""A `compare tag` with nothing changed is answered from its stamp; any change runs in full."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from compare.cli import main
from compare.config import FRAMEWORKS_DIR, FRAMEWORKS_ENV, THESAURUS_ENV
from compare.store import tag_stamp
from compare.store import workspace as workspace_module
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace
from tests.conftest import record_parquet_reads

PLAN = """# Beskæftigelsesplan 2018 for {name} Kommune

## Flygtninge

Flere flygtninge og familiesammenførte skal være selvforsørgende. Kommunen har som mål, at
60 pct. af flygtningene er i job efter tre år.

## Unge

Unge på uddannelseshjælp får en mentor og et brobygningsforløb.
"""
NAMES = ("Roskilde", "Gentofte", "Furesø")


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    """(plans folder, frameworks folder, workspace) with three plans and two frameworks."""
    plans, frameworks = tmp_path / "plans", tmp_path / "frameworks"
    plans.mkdir()
    frameworks.mkdir()
    for name in NAMES:
        (plans / f"{name}.md").write_text(PLAN.format(name=name), encoding="utf-8")
    for name in ("ministermaal-2018.toml", "rar-hovedstaden-2018.toml"):
        shutil.copy(FRAMEWORKS_DIR / name, frameworks / name)
    monkeypatch.setenv(FRAMEWORKS_ENV, str(frameworks))
    return plans, frameworks, tmp_path / "ws"


def _tag(
    monkeypatch: pytest.MonkeyPatch, plans: Path, ws: Path, *extra: str, code: int = 0
) -> tuple[Result, list[str]]:
    """Run `compare tag` in this process; its output and the Parquet files it read."""
    workspace_module._DOCUMENTS_CACHE.clear()  # as in a new process
    with monkeypatch.context() as patch:
        reads = record_parquet_reads(patch)
        result = CliRunner().invoke(main, ["tag", str(plans), "--workspace", str(ws), *extra])
    assert result.exit_code == code, result.output
    return result, reads


def _last(result: Result) -> str:
    return result.output.strip().splitlines()[-1]


def test_a_second_run_reads_nothing_and_says_what_a_full_run_says(
    setup: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    plans, _, ws = setup
    first, _ = _tag(monkeypatch, plans, ws)
    assert _last(first).startswith("6 tagged, 0 unchanged"), first.output
    assert (ws / tag_stamp.STAMP_FILE).exists()
    warm, reads = _tag(monkeypatch, plans, ws)
    assert reads == []
    (ws / tag_stamp.STAMP_FILE).unlink()
    full, full_reads = _tag(monkeypatch, plans, ws)
    assert "documents.parquet" in full_reads
    assert warm.output == full.output
    assert _last(warm) == f"0 tagged, 6 unchanged (workspace: {ws.resolve()})"
    assert (ws / tag_stamp.STAMP_FILE).exists()  # the full run left it again


def _edit_plan(plans: Path, ws: Path) -> None:
    path = plans / "Roskilde.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nEt nyt afsnit.\n", encoding="utf-8")


def _add_plan(plans: Path, ws: Path) -> None:
    (plans / "sub").mkdir()
    (plans / "sub" / "Helsingør.md").write_text(PLAN.format(name="Helsingør"), encoding="utf-8")


def _touch_plan(plans: Path, ws: Path) -> None:
    os.utime(plans / "Gentofte.md", ns=(0, 10**18))


def _correct_year(plans: Path, ws: Path) -> None:
    doc_id = Workspace.open(ws).read_documents()["doc_id"][0]
    ReviewStore.for_workspace(Workspace.open(ws)).set_metadata(doc_id, "year", 2019, "test")


def _retag_elsewhere(plans: Path, ws: Path) -> None:
    workspace = Workspace.open(ws)
    workspace.write_tags(workspace.read_tags().head(3))


def _edit_framework(plans: Path, ws: Path) -> None:
    path = Path(os.environ[FRAMEWORKS_ENV]) / "rar-hovedstaden-2018.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("flygtninge", "indvandrere", 1))


def _add_framework(plans: Path, ws: Path) -> None:
    folder = Path(os.environ[FRAMEWORKS_ENV])
    shutil.copy(FRAMEWORKS_DIR / "ministermaal-2017.toml", folder / "ministermaal-2017.toml")


@pytest.mark.parametrize(
    "change",
    [
        _edit_plan,
        _add_plan,
        _touch_plan,
        _correct_year,
        _retag_elsewhere,
        _edit_framework,
        _add_framework,
    ],
)
def test_any_change_makes_a_full_run_that_sees_it(
    setup: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch, change
) -> None:
    plans, _, ws = setup
    _tag(monkeypatch, plans, ws)
    change(plans, ws)
    after, reads = _tag(monkeypatch, plans, ws)
    assert "documents.parquet" in reads, after.output
    # and the full run's answer is what a run without any stamp would give
    workspace_module._DOCUMENTS_CACHE.clear()
    again, reads = _tag(monkeypatch, plans, ws)
    (ws / tag_stamp.STAMP_FILE).unlink()
    full, _ = _tag(monkeypatch, plans, ws)
    assert reads == []
    assert again.output == full.output


def test_an_edited_thesaurus_re_tags_the_pasted_framework(
    setup: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # An analyst adds the plans' word for a pasted theme to the thesaurus: the next run sees it.
    plans, frameworks, ws = setup
    (frameworks / "pasted.toml").write_text(
        'id = "pasted"\ntitle = "Temaer"\nkind = "themes"\n\n[[items]]\nid = "1"\n'
        'label = "Nyankomne"\n',
        encoding="utf-8",
    )
    thesaurus = ws.parent / "thesaurus.toml"
    thesaurus.write_text("# none yet\n", encoding="utf-8")
    monkeypatch.setenv(THESAURUS_ENV, str(thesaurus))
    first, _ = _tag(monkeypatch, plans, ws)
    thesaurus.write_text(
        '[[concept]]\nid = "flygtninge"\nterms = ["nyankomne", "flygtninge"]\n', encoding="utf-8"
    )
    after, reads = _tag(monkeypatch, plans, ws)
    assert "documents.parquet" in reads, after.output
    # Only the pasted framework's items borrow (the shipped ones have keywords): it alone is
    # tagged again.
    assert "9 tagged" in _last(first)
    assert "3 tagged, 6 unchanged" in _last(after)


@pytest.mark.parametrize(
    "extra",
    [("--rebuild",), ("--kind", "other"), ("--framework", "rar-hovedstaden-2018")],
)
def test_other_options_are_not_answered_from_the_stamp(
    setup: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch, extra: tuple[str, ...]
) -> None:
    plans, _, ws = setup
    _tag(monkeypatch, plans, ws)
    result, reads = _tag(monkeypatch, plans, ws, *extra)
    assert "documents.parquet" in reads
    if extra == ("--rebuild",):
        assert _last(result).startswith("6 tagged, 0 unchanged")


def test_a_run_with_a_failed_file_leaves_no_stamp(
    setup: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    plans, _, ws = setup
    (plans / "broken.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00" * 500)
    first, _ = _tag(monkeypatch, plans, ws, code=1)
    assert "error: broken.pdf" in first.output
    second, reads = _tag(monkeypatch, plans, ws, code=1)
    assert "error: broken.pdf" in second.output  # said again: the file is tried again
    assert "documents.parquet" in reads
    assert not (ws / tag_stamp.STAMP_FILE).exists()


def test_a_workspace_inside_the_plans_folder_does_not_spoil_the_stamp(
    setup: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    plans, _, _ = setup
    ws = plans / "workspace"
    _tag(monkeypatch, plans, ws)
    _, reads = _tag(monkeypatch, plans, ws)
    assert reads == []

"""`compare tag` options that guard the stored levels: --replace, --rebuild."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner, Result

from compare.cli import main
from compare.store.workspace import Workspace
from compare.tagging import version
from compare.tagging.version import TAGGER_VERSION
from compare.text import NORMALISER_VERSION
from tests.test_tag_commit import store_plans

THEMES = "rar-hovedstaden-2018"
DRAFT = """id = "rar-hovedstaden-2018"
kind = "themes"

[[items]]
id = "1"
label = "Flere flygtninge og familiesammenførte skal være selvforsørgende"
"""


def test_a_draft_file_with_a_shipped_id_is_refused_unless_replace(
    workspace: Workspace, tmp_path: Path
) -> None:
    store_plans(workspace, ["a"])
    draft = tmp_path / "draft.toml"
    draft.write_text(DRAFT, encoding="utf-8")
    args = ["tag", "--workspace", str(workspace.root), "--framework", str(draft)]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 1
    assert "draft.toml has the id 'rar-hovedstaden-2018'" in refused.output
    assert "--replace" in refused.output
    assert workspace.read_tags().is_empty()
    replaced = CliRunner().invoke(main, [*args, "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert workspace.read_tags()["item_id"].to_list() == ["1"]


def test_a_shipped_framework_by_id_or_by_its_own_file_is_not_refused(
    workspace: Workspace,
) -> None:
    from compare.frameworks.catalog import find_framework

    store_plans(workspace, ["a"])
    own_file = find_framework("rar-hovedstaden-2018").path
    assert own_file is not None
    for ref in ("rar-hovedstaden-2018", str(own_file)):
        result = CliRunner().invoke(
            main, ["tag", "--workspace", str(workspace.root), "--framework", ref]
        )
        assert result.exit_code == 0, result.output


def _tag(ws: Workspace, *extra: str) -> Result:
    result = CliRunner().invoke(
        main, ["tag", "--workspace", str(ws.root), "--framework", THEMES, *extra]
    )
    assert result.exit_code == 0, result.output
    return result


def test_tags_of_an_older_tagger_are_redone_and_the_run_says_why(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_plans(workspace, ["a", "b"])
    monkeypatch.setattr(version, "TAGGER_VERSION", TAGGER_VERSION - 1)  # a workspace of last year
    _tag(workspace)
    assert set(workspace.read_tags()["tagger_version"]) == {TAGGER_VERSION - 1}
    assert _tag(workspace).output.splitlines()[-1].startswith("0 tagged, 2 unchanged")
    monkeypatch.setattr(version, "TAGGER_VERSION", TAGGER_VERSION)  # the upgrade
    upgraded = _tag(workspace)
    assert "note: re-tagging 2 plans: tagger changed" in upgraded.output
    assert upgraded.output.splitlines()[-1].startswith("2 tagged, 0 unchanged")
    assert set(workspace.read_tags()["tagger_version"]) == {TAGGER_VERSION}
    assert _tag(workspace).output.splitlines()[-1].startswith("0 tagged, 2 unchanged")


def test_segments_of_an_older_normaliser_are_rederived_and_retagged(
    workspace: Workspace,
) -> None:
    store_plans(workspace, ["a"])
    _tag(workspace)
    segments = workspace.read_segments()
    expected_norm = segments["norm"].to_list()
    workspace.write_segments(segments.with_columns(pl.lit("stale keys").alias("norm")))
    workspace.write_documents(
        workspace.read_documents().with_columns(
            pl.lit(NORMALISER_VERSION - 1, pl.Int32).alias("normaliser_version")
        )
    )
    upgraded = _tag(workspace)
    assert "note: re-deriving the matching text of 1 documents: normaliser changed" in (
        upgraded.output
    )
    assert "note: re-tagging 1 plans: normaliser changed" in upgraded.output
    assert workspace.read_segments()["norm"].to_list() == expected_norm
    assert set(workspace.read_documents()["normaliser_version"]) == {NORMALISER_VERSION}


def test_rebuild_retags_what_is_current(workspace: Workspace) -> None:
    store_plans(workspace, ["a"])
    _tag(workspace)
    before = workspace.read_tags()["tagged_at"].max()
    rebuilt = _tag(workspace, "--rebuild")
    assert "note: re-tagging 1 plans: --rebuild" in rebuilt.output
    assert rebuilt.output.splitlines()[-1].startswith("1 tagged, 0 unchanged")
    assert workspace.read_tags()["tagged_at"].min() > before

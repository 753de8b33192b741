"""`compare tag` options that guard the stored levels: --replace, --rebuild."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from compare.cli import main
from compare.store.workspace import Workspace
from tests.test_tag_commit import store_plans

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

"""Loud configuration: a folder named by a flag or an environment variable must exist."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from compare import config
from compare.cli import main
from compare.errors import MissingFolder

PLAN = (
    "Beskæftigelsesplan 2019\n\nJobcenter Tårnby beskriver her indsatsen i Tårnby Kommune "
    "for 2019.\n\n1 Indledning\n\nFlere ledige skal i job.\n"
)


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "plan.txt").write_text(PLAN, encoding="utf-8")
    return folder


def test_defaults_are_the_project_data_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (config.WORKSPACE_ENV, config.FRAMEWORKS_ENV, config.REVIEWER_ENV):
        monkeypatch.delenv(name, raising=False)
    assert config.workspace_dir() == config.PROJECT_ROOT / "data" / "workspace"
    assert config.frameworks_dir() == config.PROJECT_ROOT / "data" / "frameworks"
    assert (config.REGISTRY_DIR / "municipalities.csv").is_file()
    assert config.env_reviewer() is None


def test_environment_variables_choose_the_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(config.WORKSPACE_ENV, str(tmp_path / "ws"))
    monkeypatch.setenv(config.FRAMEWORKS_ENV, str(tmp_path))
    monkeypatch.setenv(config.REVIEWER_ENV, "Anna")
    assert config.workspace_dir() == tmp_path / "ws"
    assert config.frameworks_dir() == tmp_path
    assert config.env_reviewer() == "Anna"


@pytest.mark.parametrize("make", [False, True], ids=["missing", "a file"])
def test_frameworks_variable_naming_no_folder_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make: bool
) -> None:
    wrong = tmp_path / "framworks"
    if make:
        wrong.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(config.FRAMEWORKS_ENV, str(wrong))
    with pytest.raises(MissingFolder) as caught:
        config.frameworks_dir()
    assert str(wrong) in str(caught.value) and "$COMPARE_FRAMEWORKS" in str(caught.value)
    assert ("is not a folder" if make else "does not exist") in str(caught.value)


def test_tag_with_a_mistyped_frameworks_variable_fails_naming_it(
    tmp_path: Path, plans: Path
) -> None:
    wrong = tmp_path / "framworks"
    result = run(
        "tag",
        str(plans),
        "--workspace",
        str(tmp_path / "ws"),
        env={config.FRAMEWORKS_ENV: str(wrong)},
    )
    assert result.exit_code == 1
    assert "tagged" not in result.stdout
    assert f"the frameworks folder {wrong} ($COMPARE_FRAMEWORKS) does not exist" in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["documents"],
        ["matrix", "--framework", "ministermaal-2018"],
        ["search", "ledige"],
        ["tag"],
    ],
    ids=lambda c: c[0],
)
def test_a_named_workspace_in_a_missing_folder_is_an_error(
    tmp_path: Path, command: list[str]
) -> None:
    wrong = tmp_path / "dta" / "workspace"
    by_flag = run(*command, "--workspace", str(wrong))
    by_env = run(*command, env={config.WORKSPACE_ENV: str(wrong)})
    for result in (by_flag, by_env):
        assert result.exit_code == 1, result.output
        named = "workspace" if command == ["tag"] else "workspace's folder"
        assert result.stderr.startswith(f"error: the {named} {tmp_path / 'dta'}")
        assert result.stderr.endswith("(--workspace or $COMPARE_WORKSPACE) does not exist\n")
    assert not wrong.parent.exists()


def test_tag_with_nothing_to_ingest_needs_an_existing_workspace(tmp_path: Path) -> None:
    wrong = tmp_path / "wokspace"
    result = run("tag", "--workspace", str(wrong))
    assert result.exit_code == 1
    assert "tagged" not in result.stdout
    assert f"the workspace {wrong} (--workspace or $COMPARE_WORKSPACE) does not exist" in (
        result.stderr
    )
    assert not wrong.exists()


def test_a_new_workspace_for_a_reading_command_is_said_on_stderr(tmp_path: Path) -> None:
    new = tmp_path / "ws"
    result = run("documents", "--workspace", str(new))
    assert result.exit_code == 0
    assert f"note: the workspace {new} (--workspace or $COMPARE_WORKSPACE) is new" in (
        result.stderr
    )
    again = run("documents", "--workspace", str(new))
    assert again.exit_code == 0 and "note:" not in again.stderr


def test_ingest_and_tag_with_files_start_a_new_workspace(tmp_path: Path, plans: Path) -> None:
    first = run("ingest", str(plans), "--workspace", str(tmp_path / "a"))
    assert first.exit_code == 0, first.output
    assert "note:" not in first.stderr
    assert (tmp_path / "a" / "documents.parquet").is_file()
    tagged = run("tag", str(plans), "--workspace", str(tmp_path / "b"))
    assert tagged.exit_code == 0, tagged.output
    assert "note:" not in tagged.stderr
    assert (tmp_path / "b" / "tags.parquet").is_file()
    listed = run("documents", "--workspace", str(tmp_path / "a"))
    assert listed.exit_code == 0 and "plan.txt" in listed.stdout


def test_the_app_says_which_configured_folder_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.app_support import APP

    wrong = tmp_path / "framworks"
    monkeypatch.setenv(config.WORKSPACE_ENV, str(tmp_path / "ws"))
    monkeypatch.setenv(config.FRAMEWORKS_ENV, str(wrong))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        f"Opsætningen er forkert: the frameworks folder {wrong} ($COMPARE_FRAMEWORKS) "
        "does not exist"
    ]
    assert not at.title  # no page ran
    monkeypatch.setenv(config.FRAMEWORKS_ENV, str(tmp_path))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception and not at.error

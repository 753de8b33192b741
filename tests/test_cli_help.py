"""Every CLI command has --help text (the idea of datasette's test_docs.py)."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from compare.cli import main


def _all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)  # imports a lazily listed command
        assert command is not None, name
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _all_commands(command, (*prefix, name))


COMMANDS = list(_all_commands(main))


def test_expected_commands_exist() -> None:
    names = {path[0] for path, _ in COMMANDS}
    expected = {
        "ingest",
        "documents",
        "tag",
        "matrix",
        "evaluate",
        "export",
        "import-review",
        "search",
        "overview",
    }
    assert expected <= names, f"missing commands: {expected - names}"


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS], ids=" ".join)
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    command = dict(COMMANDS)[path]
    assert command.help and len(command.help.strip()) > 20, f"{' '.join(path)} has no help text"
    assert "Usage:" in result.output


def test_python_dash_m_compare_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "compare", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert "employment plans" in result.stdout


def test_public_api_names_resolve() -> None:
    import compare

    missing = [name for name in compare.__all__ if not callable(getattr(compare, name, None))]
    assert not missing

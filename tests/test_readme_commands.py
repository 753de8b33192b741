"""Every command in the README's "Command line" table exists with the usage the table gives.

The table is parsed, not copied: a command, option, choice or argument added to or dropped from
either the README or the CLI without the other fails here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from compare.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"
_TOKEN = re.compile(r"\[|\]|[^\s\[\]]+")


@dataclass
class Usage:
    """What one row of the table says a command takes."""

    path: tuple[str, ...]  # ("ingest",), or ("review",) with `subcommands`
    options: dict[str, set[str]] = field(default_factory=dict)  # --option -> choices, if any
    arguments: list[tuple[bool, bool]] = field(default_factory=list)  # (optional, variadic)
    subcommands: list[str] = field(default_factory=list)


def _table_rows() -> list[str]:
    """The first cell of each row of the README's "Command line" table, as written."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Command line\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cell = re.match(r"\|\s*`([^`]+)`\s*\|", line)
        if cell:
            rows.append(cell.group(1).replace("\\|", "|"))
    return rows


def parse_usage(usage: str) -> Usage:
    """Read `compare NAME ARG [--opt VALUE --flag] [--choice a|b]` into a Usage."""
    tokens = _TOKEN.findall(usage)
    assert tokens[0] == "compare", usage
    parsed = Usage((tokens[1],))
    rest = tokens[2:]
    if rest and "|" in rest[0] and not rest[0].startswith("-"):
        parsed.subcommands = rest[0].split("|")
        return parsed
    depth, option, after_value = 0, None, False
    for token in rest:
        if token in "[]":
            depth += 1 if token == "[" else -1
            option, after_value = None, False
        elif token.startswith("--"):
            option, after_value = token.rstrip("…"), False
            parsed.options[option] = set()
        elif token == "…":
            continue
        elif option is not None:  # the option's value: a metavar (ID, NAME) or choices (csv|md)
            if token.rstrip("…").replace("|", "").replace("-", "").islower():
                parsed.options[option] = set(token.rstrip("…").split("|"))
            option, after_value = None, True
        elif after_value and token.replace("_", "").isupper():
            continue  # an option's second value (`--between NAME_A NAME_B`)
        else:
            parsed.arguments.append((depth > 0, token.endswith("…")))
    return parsed


USAGES = [parse_usage(row) for row in _table_rows()]


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        found = command.get_command(click.Context(command), name)  # imports a lazy command
        assert found is not None, f"`compare {' '.join(path)}` is not a command"
        command = found
    return command


def test_the_table_is_found_and_names_every_top_level_command() -> None:
    named = {usage.path[0] for usage in USAGES}
    assert len(USAGES) >= 10
    assert named == set(main.list_commands(click.Context(main))), "README table and CLI differ"


def test_parse_usage_reads_options_choices_and_arguments() -> None:
    usage = parse_usage("compare x PATH… [--kind K --format csv|json] [--framework ID…] [--as md]")
    assert usage.options == {
        "--kind": set(),
        "--format": {"csv", "json"},
        "--framework": set(),
        "--as": {"md"},
    }
    assert usage.arguments == [(False, True)]
    assert parse_usage("compare x [PATH…]").arguments == [(True, True)]
    assert parse_usage("compare r set|undo …").subcommands == ["set", "undo"]


@pytest.mark.parametrize("usage", USAGES, ids=lambda u: " ".join(u.path))
def test_readme_usage_matches_the_command(usage: Usage) -> None:
    command = _command(usage.path)
    result = CliRunner().invoke(main, [*usage.path, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output
    for name in usage.subcommands:
        sub = _command((*usage.path, name))
        assert CliRunner().invoke(main, [*usage.path, name, "--help"]).exit_code == 0, sub.name
    options = {opt: p for p in command.params if isinstance(p, click.Option) for opt in p.opts}
    for option, choices in usage.options.items():
        assert option in options, f"`compare {usage.path[0]}` has no {option}"
        if choices:
            kind = options[option].type
            assert isinstance(kind, click.Choice), f"{option} takes no fixed choices"
            assert choices <= set(kind.choices), f"{option}: {choices - set(kind.choices)}"
    arguments = [
        (not p.required, p.nargs == -1) for p in command.params if isinstance(p, click.Argument)
    ]
    if not usage.subcommands:
        assert arguments == usage.arguments, f"arguments (optional, variadic): {arguments}"

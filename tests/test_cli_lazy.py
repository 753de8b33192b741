"""`compare --help` lists every command without importing them, and lists them as click would.

The command modules import Polars, pyarrow and the tagger; the group imports a module only when
its command runs or shows its own help (`compare/cli/__init__.py`'s table).
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import click
import pytest

import compare.cli
from compare.cli import COMMANDS, main

NOT_FOR_HELP = ("polars", "pyarrow", "numpy", "openpyxl", "docx", "streamlit", "compare.tagging")


def _run_and_list_modules(*args: str, preload: bool = False) -> tuple[str, set[str]]:
    """What `compare ARGS` prints, and every module loaded by then, in a fresh interpreter
    (with `preload`, after importing every command module first)."""
    code = (
        "import json, sys\n"
        "from compare.cli import COMMANDS, main\n"
        + ("for c in COMMANDS.values(): __import__(c.module)\n" if preload else "")
        + "try:\n"
        f"    main({list(args)!r}, prog_name='compare')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('@@modules@@' + json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    printed, modules = out.rsplit("@@modules@@", 1)
    return printed, set(json.loads(modules))


def _heavy(modules: set[str]) -> set[str]:
    return {m for m in modules for heavy in NOT_FOR_HELP if m == heavy or m.startswith(heavy + ".")}


def test_help_lists_every_command_without_importing_polars_pyarrow_or_openpyxl() -> None:
    printed, modules = _run_and_list_modules("--help")
    assert not _heavy(modules), f"compare --help loaded {sorted(_heavy(modules))[:10]}"
    assert not {m for m in modules if m.startswith("compare.cli.") and m != "compare.cli.base"}
    listed = [line.split()[0] for line in printed.split("Commands:\n", 1)[1].splitlines()]
    assert listed == sorted(COMMANDS)


def test_the_check_sees_a_command_module_that_is_imported() -> None:
    # Without this the test above could pass by not seeing modules at all.
    printed, modules = _run_and_list_modules("documents", "--help")
    assert "Usage: compare documents" in printed
    assert {"compare.cli.documents", "polars"} <= modules


def test_help_is_what_click_prints_once_every_command_is_loaded() -> None:
    lazy_help, lazy_modules = _run_and_list_modules("--help")
    loaded_help, loaded_modules = _run_and_list_modules("--help", preload=True)
    assert "compare.cli.tag" in loaded_modules - lazy_modules
    assert lazy_help == loaded_help


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_table_help_shortens_like_the_command_docstring(name: str) -> None:
    command = main.get_command(click.Context(main), name)
    assert command is not None
    listed = click.Command(name, help=COMMANDS[name].help)
    for width in range(20, 160, 7):
        assert listed.get_short_help_str(width) == command.get_short_help_str(width), width


def test_every_command_module_is_in_the_table() -> None:
    for info in pkgutil.iter_modules(compare.cli.__path__):
        if info.name != "base":
            __import__(f"compare.cli.{info.name}")
    assert set(main.commands) == set(COMMANDS)
    assert {entry.module for entry in COMMANDS.values()} == {
        main.commands[name].callback.__module__ for name in COMMANDS
    }

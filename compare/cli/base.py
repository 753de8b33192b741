"""The `compare` command group and the options and error handling every command shares."""

from __future__ import annotations

import csv
import functools
import importlib
import io
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from compare.config import REVIEWER_ENV as REVIEWER_ENV  # the name the commands import
from compare.config import WORKSPACE_ENV, require_folder
from compare.errors import CompareError

if TYPE_CHECKING:
    from compare.store.workspace import Workspace

# Whole escape sequences (CSI like "clear screen", OSC like "set title", DCS/APC/PM strings),
# then every remaining control character but tab and newline, and the bidi overrides that make
# a file name read backwards.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|[ -~]?)"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def strip_controls(text: str) -> str:
    """Text without terminal escape sequences and control characters (tab and newline stay).

    Document text and file names are other people's: printed raw, `\\x1b[2J` clears the screen.
    """
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


class _ControlStripping:
    """A text stream that writes through `strip_controls`; everything else is the stream's."""

    def __init__(self, stream: TextIO) -> None:
        self.raw = stream

    def write(self, text: Any) -> int:
        return self.raw.write(strip_controls(text) if isinstance(text, str) else text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


def strip_output_controls() -> None:
    """Make every later write to stdout and stderr go through `strip_controls`: the one place
    the CLI's output (click.echo, rich tables, error lines) is made safe for a terminal."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, _ControlStripping):
            setattr(sys, name, _ControlStripping(stream))


def raw_stderr() -> TextIO:
    """stderr itself, for a progress bar's own cursor movements (its text must be clean)."""
    stream = sys.stderr
    return stream.raw if isinstance(stream, _ControlStripping) else stream


@dataclass(frozen=True)
class LazyCommand:
    """A command the group can list without importing it: its module and its first sentence."""

    module: str
    help: str


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command runs or shows its help.

    Every command module imports Polars, pyarrow or the tagger at the top: importing all of
    them to print `compare --help` took most of a second. A listed command's module adds the
    command to the group when imported (`@main.command(...)`), as before.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, LazyCommand] = {}

    def add_lazy_commands(self, commands: Mapping[str, LazyCommand]) -> None:
        """List these commands; each one's module is imported when the command is asked for."""
        self.lazy.update(commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            importlib.import_module(self.lazy[cmd_name].module)
            if cmd_name not in self.commands:
                raise RuntimeError(f"{self.lazy[cmd_name].module} does not add `{cmd_name}`")
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of `--help`, from the table for commands not imported yet: the same
        text click makes from a loaded command's docstring (tests/test_cli_lazy.py)."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name) or click.Command(name, help=self.lazy[name].help)
            if not command.hidden:
                rows.append((name, command))
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in rows])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="compare")
def main() -> None:
    """Compare Danish municipalities' employment plans (beskæftigelsesplaner) against
    ministerial goals and regional strategy themes."""
    strip_output_controls()


workspace_option = click.option(
    "--workspace",
    "workspace_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar=WORKSPACE_ENV,
    help=f"Workspace folder (default: ${WORKSPACE_ENV} or data/workspace).",
)


def open_workspace(
    workspace_dir: Path | None, create: bool = False, must_exist: bool = False
) -> Workspace:
    """The workspace named by --workspace or $COMPARE_WORKSPACE, or the default one.

    A named folder that does not exist is never passed over in silence: with `must_exist`
    (nothing to do in an empty workspace), or where its parent folder is missing too (a typo),
    it is an error naming it; otherwise it is made, with a note on stderr unless `create` says
    that starting a workspace is what the command is for (ingest). The default `data/workspace`
    is made on first use. Raises MissingFolder.
    """
    from compare.store.workspace import Workspace  # Polars: not for `compare --help`

    if workspace_dir is not None and not workspace_dir.is_dir():
        source = f"--workspace or ${WORKSPACE_ENV}"
        if must_exist or workspace_dir.exists():
            require_folder(workspace_dir, "workspace", source)
        require_folder(workspace_dir.expanduser().absolute().parent, "workspace's folder", source)
        if not create:
            click.echo(f"note: the workspace {workspace_dir} ({source}) is new and empty", err=True)
    return Workspace.open(workspace_dir)


def fail(message: str, code: int = 1) -> None:
    """Print one clear error line to stderr and exit."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the core's CompareError into one line on stderr and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CompareError as err:
            fail(str(err))

    return wrapper


def echo_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Print rows under a header as left-aligned columns, for reading in a terminal."""
    table = [[str(v) for v in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def csv_text(rows: Iterable[Iterable[Any]], header: Sequence[str]) -> str:
    """Rows as CSV, None as an empty cell; text a spreadsheet would run as a formula gets a `'`."""
    from compare.excel.safe import needs_quote_prefix  # loads openpyxl: only when writing CSV

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [
                ""
                if v is None
                else ("'" + v if isinstance(v, str) and needs_quote_prefix(v) else v)
                for v in row
            ]
        )
    return out.getvalue()

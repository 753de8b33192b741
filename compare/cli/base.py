"""The `compare` command group and the options and error handling every command shares."""

from __future__ import annotations

import csv
import functools
import io
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import click

from compare.config import REVIEWER_ENV as REVIEWER_ENV  # the name the commands import
from compare.config import WORKSPACE_ENV, require_folder
from compare.errors import CompareError
from compare.excel.safe import needs_quote_prefix
from compare.store.workspace import Workspace


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="compare")
def main() -> None:
    """Compare Danish municipalities' employment plans (beskæftigelsesplaner) against
    ministerial goals and regional strategy themes."""


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

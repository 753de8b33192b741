"""`compare frameworks`: the frameworks and their items."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from compare.cli.base import (
    csv_text,
    echo_table,
    main,
    reports_errors,
)
from compare.errors import BadFramework
from compare.frameworks.catalog import (
    FRAMEWORKS_DIR,
    FRAMEWORKS_ENV,
    load_frameworks,
)


@main.command("frameworks")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv"]),
    default="table",
    show_default=True,
    help="table: aligned columns for reading; csv: for other tools.",
)
@click.option(
    "--folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=f"Frameworks folder (default: ${FRAMEWORKS_ENV} or {FRAMEWORKS_DIR}).",
)
@reports_errors
def frameworks_command(fmt: str, folder: Path | None) -> None:
    """List the frameworks (goals and themes) with their kind, year and number of items.

    A malformed framework file is reported on stderr (file, line, problem) and the exit code is
    1; the other frameworks are still listed.
    """
    errors: list[BadFramework] = []
    frameworks = load_frameworks(folder, errors=errors)
    header = ["id", "kind", "year", "items", "title", "file"]
    rows = [
        [
            fw.id,
            fw.kind,
            "" if fw.year is None else str(fw.year),
            str(len(fw.items)),
            fw.title,
            fw.path.name if fw.path else "",
        ]
        for fw in frameworks
    ]
    if fmt == "csv":
        click.echo(csv_text(rows, header), nl=False)  # a title such as "=..." stays text
    else:
        echo_table(header, rows)
    for err in errors:
        click.echo(f"error: {err}", err=True)
    if errors:
        sys.exit(1)

"""`compare export`: the Excel workbook for council meetings."""

from __future__ import annotations

from pathlib import Path

import click

from compare.cli.base import (
    main,
    open_workspace,
    reports_errors,
    workspace_option,
)


@main.command("export")
@click.option(
    "--out",
    "-o",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    help="The workbook to write (.xlsx); replaced atomically if it exists.",
)
@click.option(
    "--framework",
    "framework_ids",
    multiple=True,
    metavar="ID",
    help="Framework id or file (repeatable; default: those that apply to the year "
    "and have tagged plans).",
)
@click.option(
    "--council",
    "--rar",
    "council",
    default=None,
    metavar="NAME",
    help="Council whose jobcentres are the rows, e.g. 'RAR Hovedstaden' (default: "
    "the council(s) of the plans for the year).",
)
@click.option(
    "--year",
    type=int,
    default=None,
    help="Plan year (default: the latest plan year in the workspace).",
)
@workspace_option
@reports_errors
def export_command(
    out: Path,
    framework_ids: tuple[str, ...],
    council: str | None,
    year: int | None,
    workspace_dir: Path | None,
) -> None:
    """Write the reviewed matrix as an Excel workbook for the council's meeting.

    One matrix sheet per framework (every jobcentre of the council, X / (X) / blank, remarks,
    totals, legend; ready to print), a theme overview, the evidence behind every cell and the
    list of plans. Edit the matrix in Excel and bring the edits back with `compare import-review`.
    """
    from compare.excel import export_workbook

    path = export_workbook(
        open_workspace(workspace_dir), out, list(framework_ids) or None, council, year
    )
    click.echo(f"wrote {path}")

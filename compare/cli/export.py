"""CLI commands: `compare export` (the Excel workbook) and `compare import-review` (its edits)."""

from __future__ import annotations

from pathlib import Path

import click

from compare.cli.base import (
    REVIEWER_ENV,
    fail,
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


@main.command("import-review")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--reviewer",
    required=True,
    envvar=REVIEWER_ENV,
    help=f"Who made the edits (kept in the review history; default: ${REVIEWER_ENV}).",
)
@click.option("--dry-run", is_flag=True, help="Show what would change; record nothing.")
@workspace_option
@reports_errors
def import_review_command(
    file: Path, reviewer: str, dry_run: bool, workspace_dir: Path | None
) -> None:
    """Record the edits made in an exported workbook's matrix sheets as review decisions.

    Changed levels (X, (X), blank) and remarks become decisions in REVIEWER's name; cells that
    cannot be mapped back (unknown jobcentre or item, invalid level) are refused and listed, and
    the command then exits with status 1. Nothing else in the workspace changes.
    """
    from compare.excel import import_review

    report = import_review(open_workspace(workspace_dir), file, reviewer, dry_run=dry_run)
    click.echo(report.summary())
    if report.refused:
        fail(
            f"{len(report.refused)} cell(s) refused; the other changes were "
            f"{'not recorded (dry run)' if dry_run else 'recorded'}"
        )

"""`compare import-review`: analysts' Excel edits back as decisions."""

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

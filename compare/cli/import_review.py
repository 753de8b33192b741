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
    help=f"Who imports the workbook (kept in the review history; default: ${REVIEWER_ENV}).",
)
@click.option(
    "--editor",
    default=None,
    help="Who made the edits in the workbook: the decisions carry this name "
    "(default: the reviewer).",
)
@click.option(
    "--on-conflict",
    type=click.Choice(["keep", "take"]),
    default="keep",
    show_default=True,
    help="A cell edited in the workbook and decided in the workspace since the export: keep "
    "the workspace's decision, or take the workbook's.",
)
@click.option("--dry-run", is_flag=True, help="Show what would change; record nothing.")
@workspace_option
@reports_errors
def import_review_command(
    file: Path,
    reviewer: str,
    editor: str | None,
    on_conflict: str,
    dry_run: bool,
    workspace_dir: Path | None,
) -> None:
    """Record the edits made in an exported workbook's matrix sheets as review decisions.

    Changed levels (X, (X), blank) and remarks become decisions in EDITOR's name, imported by
    REVIEWER, all in one transaction. An edited cell whose decision changed in the workspace
    after the export is a conflict: listed, and left as the workspace has it unless
    --on-conflict take. Cells that cannot be mapped back (unknown jobcentre or item, invalid
    level, merged cells, formulas without a saved value) are refused and listed. The command
    exits with status 1 when cells were refused or conflicts kept. Nothing else in the
    workspace changes.
    """
    from compare.excel import import_review

    report = import_review(
        open_workspace(workspace_dir),
        file,
        reviewer,
        dry_run=dry_run,
        editor=editor,
        on_conflict=on_conflict,
    )
    click.echo(report.summary())
    done = "not recorded (dry run)" if dry_run else "recorded"
    problems = []
    if report.refused:
        problems.append(f"{len(report.refused)} cell(s) refused")
    if report.kept:
        problems.append(
            f"{len(report.kept)} conflict(s) kept as the workspace has them "
            "(--on-conflict take records the workbook's)"
        )
    if problems:
        fail(f"{'; '.join(problems)}; the other changes were {done}")

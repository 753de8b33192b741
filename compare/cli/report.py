"""`compare report`: the council's written overview of a year as a Word document."""

from __future__ import annotations

from pathlib import Path

import click

from compare.cli.base import main, open_workspace, reports_errors, workspace_option
from compare.errors import CompareError


def _table_ref(text: str) -> tuple[str, str]:
    framework, sep, item = text.partition(":")
    if not sep or not framework or not item:
        raise CompareError(
            f"--municipality-table {text!r}: write FRAMEWORK:ITEM, e.g. rar-hovedstaden-2018:14"
        )
    return framework, item


@main.command("report")
@click.option(
    "--council",
    "--rar",
    "council",
    required=True,
    metavar="NAME",
    help="Council, e.g. 'RAR Hovedstaden'.",
)
@click.option("--year", type=int, required=True, help="Plan year of the overview.")
@click.option(
    "--out",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The .docx to write (replaced atomically if it exists).",
)
@click.option(
    "--municipality-table",
    "tables",
    multiple=True,
    metavar="FRAMEWORK:ITEM",
    help="Add a per-municipality table for this item (repeatable), e.g. rar-hovedstaden-2018:14.",
)
@click.option(
    "--plan-summaries",
    is_flag=True,
    help="Add an annex with every plan's own targets, where they stand and what they serve.",
)
@workspace_option
@reports_errors
def report_command(
    council: str,
    year: int,
    out: Path,
    tables: tuple[str, ...],
    plan_summaries: bool,
    workspace_dir: Path | None,
) -> None:
    """Write the written overview (seed 003's shape) as a Word document: title block, the
    themes table with the narratives (saved texts; unsaved machine drafts marked [Udkast]),
    the goals table (jobcentres × goals, remarks) and the per-municipality tables."""
    from compare.frameworks.catalog import load_frameworks
    from compare.word import build_report, write_report

    refs = [_table_ref(t) for t in tables]
    report = build_report(
        open_workspace(workspace_dir),
        load_frameworks(errors=[]),
        council,
        year,
        refs,
        plan_summaries_annex=plan_summaries,
    )
    path = write_report(report, out)
    drafts = sum(r.is_draft for r in report.themes)
    click.echo(
        f"wrote {path}: {len(report.themes)} themes ({drafts} still drafts), "
        f"{len(report.goals)} jobcentres, {len(report.tables)} per-municipality tables"
        + (f", {len(report.summaries)} plan summaries" if report.summaries else "")
    )

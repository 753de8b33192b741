"""`compare evaluate`: the tagger against a gold file."""

from __future__ import annotations

from pathlib import Path

import click
import polars as pl

from compare.analysis.agreement import compare_reviewers
from compare.analysis.evaluate import OVERALL, evaluate, frameworks_beside_gold, load_gold
from compare.cli.base import (
    echo_table,
    main,
    open_workspace,
    reports_errors,
    workspace_option,
)
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace

MAX_QUOTE = 200


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


@main.command("evaluate")
@click.option(
    "--gold",
    "gold_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Gold CSV (municipality,year,framework,item,level); repeatable.",
)
@workspace_option
@click.option(
    "--framework",
    "framework_ids",
    multiple=True,
    metavar="ID",
    help="Only these frameworks' gold rows (repeatable).",
)
@click.option("--quiet", is_flag=True, help="Print the figures only, not the disagreements.")
@click.option(
    "--labels-only",
    is_flag=True,
    help="Tag the gold documents again (in memory) with every framework's keywords and "
    "descriptions stripped: what a framework of pasted titles gets.",
)
@click.option(
    "--between",
    nargs=2,
    metavar="NAME_A NAME_B",
    default=None,
    help="Instead of a gold file: agreement between two analysts' decisions (percent and "
    "Cohen's kappa on the cells both decided), with the disagreements.",
)
@reports_errors
def evaluate_command(
    gold_files: tuple[Path, ...],
    workspace_dir: Path | None,
    framework_ids: tuple[str, ...],
    quiet: bool,
    labels_only: bool,
    between: tuple[str, str] | None,
) -> None:
    """Compare the tagger's levels in the workspace with gold files.

    Prints, per framework and overall: level agreement, precision / recall / F1 for
    "addressed" (X or (X) versus blank), the share of gold blanks kept blank, the agreement on
    cells the tagger is sure of and the share it is unsure of; then each disagreement with the
    tagger's best evidence.
    Gold rows whose plan is not in the workspace (or not tagged) are counted as missing.
    With --labels-only nothing is stored; the figures are for the stripped frameworks, which
    include the framework files in a `frameworks/` folder beside a gold file (the pasted
    frameworks a held-out set is about, as in tests/gold/).
    """
    ws = open_workspace(workspace_dir)
    if between:
        _echo_agreement(ws, between, framework_ids, quiet)
        return
    if not gold_files:
        raise click.UsageError("give --gold FILE.csv, or --between NAME_A NAME_B")
    gold = pl.concat([load_gold(p) for p in gold_files])  # read once, for both uses
    frameworks = frameworks_beside_gold(gold_files, gold) if labels_only else None
    result = evaluate(
        ws, gold, framework_ids or None, labels_only=labels_only, frameworks=frameworks
    )
    header = [
        "framework",
        "n",
        "missing",
        "agreement",
        "precision",
        "recall",
        "F1",
        "blanks",
        "sure",
        "unsure",
    ]
    rows = [
        [
            r["framework"],
            str(r["n"]),
            str(r["missing"]),
            _fmt(r["agreement"]),
            _fmt(r["precision"]),
            _fmt(r["recall"]),
            _fmt(r["f1"]),
            _fmt(r["blanks_kept"]),
            _fmt(r["sure_agreement"]),
            _fmt(r["unsure_share"]),
        ]
        for r in result.metrics.iter_rows(named=True)
    ]
    echo_table(header, rows)
    if not quiet and not result.disagreements.is_empty():
        click.echo("\ndisagreements (gold → tagger):")
        for row in result.disagreements.iter_rows(named=True):
            click.echo(
                f"- {row['municipality']} {row['year']} {row['framework']} item "
                f"{row['item']}: {row['gold'] or 'blank'} → {row['tagger'] or 'blank'} "
                f"(score {row['score']:.2f}, {row['confidence']}: {row['confidence_reason']}; "
                f"{row['source']} line {row['line']})"
            )
            if row["target_sentence"]:
                click.echo(f"    target: {_short(row['target_sentence'])}")
            if row["quote"]:
                click.echo(
                    f"    evidence [{row['heading_path'] or 'no heading'}]: {_short(row['quote'])}"
                )
    if not result.missing.is_empty():
        for municipality, year in (
            result.missing.select("municipality", "year").unique().iter_rows()
        ):
            click.echo(
                f"warning: no tagged document for {municipality} {year}; tag it with "
                "`compare tag PATH`",
                err=True,
            )
    overall = result.metrics.filter(pl.col("framework") == OVERALL)
    if overall.is_empty() or overall["n"][0] == 0:
        click.echo("warning: no gold row could be compared", err=True)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_QUOTE else text[:MAX_QUOTE].rsplit(" ", 1)[0] + " …"


def _echo_agreement(
    ws: Workspace, names: tuple[str, str], framework_ids: tuple[str, ...], quiet: bool
) -> None:
    """Print two analysts' agreement (`--between`); a warning when they share no cell."""
    history = ReviewStore.for_workspace(ws).history()
    if framework_ids:
        history = history.filter(pl.col("framework_id").is_in(list(framework_ids)))
    result = compare_reviewers(history, *names)
    percent = "-" if result.percent is None else f"{result.percent:.2f}"
    kappa = "-" if result.kappa is None else f"{result.kappa:.2f}"
    echo_table(
        ["analyst A", "analyst B", "cells both decided", "agreed", "agreement", "kappa"],
        [[result.reviewer_a, result.reviewer_b, str(result.n), str(result.agreed), percent, kappa]],
    )
    if result.n == 0:
        click.echo(f"warning: {names[0]} and {names[1]} have decided no cell in common", err=True)
    if not quiet and result.disagreements.height:
        click.echo(f"\ndisagreements ({result.reviewer_a} → {result.reviewer_b}):")
        for row in result.disagreements.iter_rows(named=True):
            click.echo(
                f"- {row['municipality'] or row['doc_id']} {row['year'] or ''} "
                f"{row['framework_id']} item {row['item_id']}: "
                f"{row['level_a'] or 'blank'} → {row['level_b'] or 'blank'}"
            )

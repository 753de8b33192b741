"""CLI commands: `compare tag`, `compare evaluate` and `compare frameworks`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import polars as pl
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from compare.analysis.evaluate import OVERALL, evaluate
from compare.cli.base import (
    csv_text,
    echo_table,
    main,
    open_workspace,
    reports_errors,
    workspace_option,
)
from compare.errors import BadFramework
from compare.frameworks.catalog import (
    FRAMEWORKS_DIR,
    FRAMEWORKS_ENV,
    Framework,
    find_frameworks,
    load_frameworks,
)
from compare.ingest.metadata import period_label
from compare.schema import KIND_PLAN, KINDS
from compare.store.documents import load_documents
from compare.store.workspace import Workspace
from compare.tagging.run import TagReport, tag_workspace

EXIT_SOME_FAILED = 1  # some files could not be ingested; the rest are tagged
MAX_QUOTE = 200


def _ingest(paths: tuple[Path, ...], ws: Workspace) -> int:
    """Ingest what is new among the paths; print a line per added or failed file."""
    from compare.ingest import collect_files, ingest_paths

    files = collect_files(paths, exclude=ws.root)
    if not files:
        # Not an error: on a new machine `make run` tags an empty data/plans/ and opens the app
        # on its upload page; what is already in the workspace is still tagged below.
        click.echo(
            "note: no plan files (PDF, DOCX, HTML, Markdown, text) in "
            + ", ".join(str(p) for p in paths)
            + " yet: put them there, or upload them in the app",
            err=True,
        )
        return 0
    report = ingest_paths(files, ws)
    for doc in report.added:
        click.echo(f"added: {doc.file_name}: {doc.who}, {doc.period}, {doc.kind}")
    for name, message in report.failed:
        click.echo(f"error: {name}: {message}", err=True)
    return len(report.failed)


def _tag_with_progress(
    ws: Workspace, frameworks: list[Framework] | None, workers: int | None, kinds: tuple[str, ...]
) -> TagReport:
    console = Console(stderr=True)
    if not console.is_terminal:
        return tag_workspace(ws, frameworks, workers=workers, kinds=kinds)
    columns = (TextColumn("Tagging"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("tag", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return tag_workspace(ws, frameworks, progress=progress, workers=workers, kinds=kinds)


def _print_summary(ws: Workspace, report: TagReport) -> None:
    docs = load_documents(ws).select("doc_id", "file_name", "municipality", "year", "year_to")
    names = {row["doc_id"]: row for row in docs.iter_rows(named=True)}
    order = sorted(
        report.summary.iter_rows(),
        key=lambda r: (names.get(r[0], {}).get("file_name") or r[0], r[1]),
    )
    for doc_id, fw_id, n_target, n_addressed, n_none in order:
        doc = names.get(doc_id, {})
        period = period_label(doc.get("year"), doc.get("year_to")) or "?"
        click.echo(
            f"{doc.get('file_name', doc_id)} ({doc.get('municipality') or '?'} {period})"
            f" × {fw_id}: {n_target} X, {n_addressed} (X), {n_none} blank"
        )


@main.command("tag")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@workspace_option
@click.option(
    "--framework",
    "framework_refs",
    multiple=True,
    metavar="ID_OR_FILE",
    help="Tag against this framework only (an id in data/frameworks or a path to a "
    "framework file; repeatable). Default: every framework that applies.",
)
@click.option(
    "--kind",
    "kinds",
    type=click.Choice(KINDS),
    multiple=True,
    help="Document kinds to tag (repeatable; default: plan).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes to tag with (default: one per CPU for large batches).",
)
@reports_errors
def tag_command(
    paths: tuple[Path, ...],
    workspace_dir: Path | None,
    framework_refs: tuple[str, ...],
    kinds: tuple[str, ...],
    workers: int | None,
) -> None:
    """Ingest what is new among PATH (files or folders) and tag the workspace's plans.

    With no PATH, re-tags the workspace. Only (document, framework) pairs whose text or
    framework changed since the last run are tagged again. Goals apply to plans whose period
    holds the goals' year; themes apply to every plan. Prints one line per tagged document and
    framework. Exit code 0 on success, 1 if some files could not be ingested (the others are
    still tagged) or on an error.
    """
    ws = open_workspace(workspace_dir)
    frameworks = find_frameworks(framework_refs) or None
    failed = _ingest(paths, ws) if paths else 0
    report = _tag_with_progress(ws, frameworks, workers, kinds or (KIND_PLAN,))
    _print_summary(ws, report)
    click.echo(
        f"{len(report.tagged)} tagged, {len(report.skipped)} unchanged"
        + (f", {report.removed} stale rows removed" if report.removed else "")
        + f" (workspace: {ws.root})"
    )
    if failed:
        sys.exit(EXIT_SOME_FAILED)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


@main.command("evaluate")
@click.option(
    "--gold",
    "gold_files",
    required=True,
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
@reports_errors
def evaluate_command(
    gold_files: tuple[Path, ...],
    workspace_dir: Path | None,
    framework_ids: tuple[str, ...],
    quiet: bool,
) -> None:
    """Compare the tagger's levels in the workspace with gold files.

    Prints, per framework and overall: level agreement, and precision / recall / F1 for
    "addressed" (X or (X) versus blank); then each disagreement with the tagger's best evidence.
    Gold rows whose plan is not in the workspace (or not tagged) are counted as missing.
    """
    ws = open_workspace(workspace_dir)
    result = evaluate(ws, list(gold_files), framework_ids or None)
    header = ["framework", "n", "missing", "agreement", "precision", "recall", "F1"]
    rows = [
        [
            r["framework"],
            str(r["n"]),
            str(r["missing"]),
            _fmt(r["agreement"]),
            _fmt(r["precision"]),
            _fmt(r["recall"]),
            _fmt(r["f1"]),
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
                f"(score {row['score']:.2f}; {row['source']} line {row['line']})"
            )
            if row["target_sentence"]:
                click.echo(f"    target: {_short(row['target_sentence'])}")
            if row["quote"]:
                click.echo(
                    f"    evidence [{row['heading_path'] or 'no heading'}]: {_short(row['quote'])}"
                )
    if not result.missing.is_empty():
        for row in result.missing.select("municipality", "year").unique().iter_rows():
            click.echo(
                f"warning: no tagged document for {row[0]} {row[1]}; tag it with "
                "`compare tag PATH`",
                err=True,
            )
    overall = result.metrics.filter(pl.col("framework") == OVERALL)
    if overall.is_empty() or overall["n"][0] == 0:
        click.echo("warning: no gold row could be compared", err=True)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_QUOTE else text[:MAX_QUOTE].rsplit(" ", 1)[0] + " …"


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

"""`compare tag`: ingest what is new, then tag plans against their frameworks."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from compare.cli.base import (
    main,
    open_workspace,
    reports_errors,
    workspace_option,
)
from compare.frameworks.catalog import (
    Framework,
    find_frameworks,
)
from compare.ingest.metadata import period_label
from compare.schema import KIND_PLAN, KINDS
from compare.store.documents import load_documents
from compare.store.workspace import Workspace
from compare.tagging.run import TagReport, tag_workspace

EXIT_SOME_FAILED = 1  # some files could not be ingested; the rest are tagged


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
    ws = open_workspace(workspace_dir, create=bool(paths), must_exist=not paths)
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

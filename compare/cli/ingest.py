"""`compare ingest`: read files and folders into the workspace."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import polars as pl
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from compare.cli.base import (
    main,
    open_workspace,
    raw_stderr,
    reports_errors,
    strip_controls,
    workspace_option,
)
from compare.config import env_reviewer
from compare.errors import CompareError
from compare.ingest import (
    DEFAULT_MAX_BYTES,
    DocumentSummary,
    IngestReport,
    collect_files,
    ingest_paths,
)
from compare.ingest.overrides import YEAR_RANGE, Overrides
from compare.schema import KINDS
from compare.store.documents import load_documents
from compare.store.versions import SUPERSEDED_BY, mark_superseded
from compare.store.workspace import Workspace

PROGRESS_MIN_FILES = 4  # a bar for a handful of files is noise


def _summary_line(doc: DocumentSummary) -> str:
    pages = f"{doc.pages} pages" if doc.pages is not None else "no pages"
    return (
        f"{doc.file_name}: {doc.who}, {doc.period}, {doc.kind}, {pages}, {doc.n_sections} sections"
    )


def ingest_with_progress(
    files: list[Path],
    ws: Workspace,
    overrides: dict | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    reviewer: str = "ingest",
    workers: int | None = None,
) -> IngestReport:
    """`ingest_paths` with a progress bar on a terminal (`compare ingest`, `compare tag PATH`)."""
    console = Console(file=raw_stderr())  # its own cursor movements; the names are cleaned
    if len(files) < PROGRESS_MIN_FILES or not console.is_terminal:
        return ingest_paths(
            files, ws, overrides, max_bytes=max_bytes, reviewer=reviewer, workers=workers
        )
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[name]}"),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("Ingesting", total=len(files), name="")

        def progress(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, name=strip_controls(name))

        return ingest_paths(
            files, ws, overrides, progress, max_bytes=max_bytes, reviewer=reviewer, workers=workers
        )


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@workspace_option
@click.option(
    "--municipality",
    default=None,
    metavar="NAME",
    help="Set the municipality of every file (name, alias or kommunekode) instead of detecting it.",
)
@click.option(
    "--year",
    type=click.IntRange(*YEAR_RANGE),
    default=None,
    help="Set the plan period's first year instead of detecting it.",
)
@click.option(
    "--year-to",
    type=click.IntRange(*YEAR_RANGE),
    default=None,
    help="Set the plan period's last year (default: --year, else as detected).",
)
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    default=None,
    help="Set the document kind instead of detecting it.",
)
@click.option(
    "--max-size",
    "max_mb",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_MAX_BYTES / 1024 / 1024,
    show_default=True,
    metavar="MB",
    help="Refuse files larger than this many megabytes.",
)
@reports_errors
def ingest_command(
    paths: tuple[Path, ...],
    workspace_dir: Path | None,
    municipality: str | None,
    year: int | None,
    year_to: int | None,
    kind: str | None,
    max_mb: float,
) -> None:
    """Read plans (PDF, DOCX, HTML, Markdown, text) into the workspace.

    PATH may be files or folders (searched recursively for supported files). Prints one line
    per document and one per failure; files already ingested are skipped. Exit code 0 when
    every file was read, 1 when some failed (the others are still stored). Values set with
    --municipality/--year/--year-to/--kind are also recorded in the review store as
    corrections by $COMPARE_REVIEWER (default: "ingest").
    """
    overrides = {"municipality": municipality, "year": year, "year_to": year_to, "kind": kind}
    try:
        Overrides.from_dict(overrides)
    except CompareError as err:
        raise click.UsageError(str(err)) from None
    ws = open_workspace(workspace_dir, create=True)
    files = collect_files(paths, exclude=ws.root)
    if not files:
        raise click.UsageError(
            "no supported files (PDF, DOCX, HTML, Markdown, text) found in "
            + ", ".join(str(p) for p in paths)
        )
    reviewer = env_reviewer() or "ingest"
    report = ingest_with_progress(files, ws, overrides, int(max_mb * 1024 * 1024), reviewer)
    replaced = replaced_versions(ws) if report.added else {}
    for doc in report.added:
        click.echo(_summary_line(doc))
        if doc.municipality_note:
            click.echo(f"  note: {doc.municipality_note}")
        for old in replaced.get(doc.doc_id, []):
            click.echo(
                f"  note: replaces {old} in the matrix (a newer version of the same "
                "plan); decisions on it carry over, flagged for re-check"
            )
    if report.duplicates:
        stored = ws.read_documents()
        names = dict(zip(stored["doc_id"], stored["file_name"], strict=True))
        for name, doc_id in report.duplicates:
            click.echo(f"skipped: {name}: already in the workspace as {names.get(doc_id, doc_id)}")
    for name, message in report.failed:
        click.echo(f"error: {name}: {message}", err=True)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(
        f"{len(report.added)} added, {len(report.duplicates)} already there, "
        f"{len(report.failed)} failed (workspace: {ws.root})"
    )
    if report.failed:
        sys.exit(1)


def replaced_versions(ws: Workspace) -> dict[str, list[str]]:
    """{current doc_id: file names of the versions it supersedes}."""
    docs = mark_superseded(load_documents(ws)).filter(pl.col(SUPERSEDED_BY).is_not_null())
    replaced: dict[str, list[str]] = {}
    for by, name in docs.sort("file_name").select(SUPERSEDED_BY, "file_name").iter_rows():
        replaced.setdefault(by, []).append(name)
    return replaced

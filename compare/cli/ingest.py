"""CLI commands: `compare ingest` (files into the workspace) and `compare documents` (list them)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
import polars as pl
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from compare.cli.base import (
    REVIEWER_ENV,
    csv_text,
    main,
    open_workspace,
    reports_errors,
    workspace_option,
)
from compare.errors import CompareError
from compare.ingest import DEFAULT_MAX_BYTES, DocumentSummary, collect_files, ingest_paths
from compare.ingest.metadata import period_label
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


def _run_with_progress(
    files: list[Path], ws: Workspace, overrides: dict, max_bytes: int, reviewer: str
):
    console = Console(stderr=True)
    if len(files) < PROGRESS_MIN_FILES or not console.is_terminal:
        return ingest_paths(files, ws, overrides, max_bytes=max_bytes, reviewer=reviewer)
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
            bar.update(task, completed=done, name=name)

        return ingest_paths(files, ws, overrides, progress, max_bytes=max_bytes, reviewer=reviewer)


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
    ws = open_workspace(workspace_dir)
    files = collect_files(paths, exclude=ws.root)
    if not files:
        raise click.UsageError(
            "no supported files (PDF, DOCX, HTML, Markdown, text) found in "
            + ", ".join(str(p) for p in paths)
        )
    reviewer = os.environ.get(REVIEWER_ENV) or "ingest"
    report = _run_with_progress(files, ws, overrides, int(max_mb * 1024 * 1024), reviewer)
    replaced = _replaced_versions(ws) if report.added else {}
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


def _replaced_versions(ws: Workspace) -> dict[str, list[str]]:
    """{current doc_id: file names of the versions it supersedes}."""
    docs = mark_superseded(load_documents(ws)).filter(pl.col(SUPERSEDED_BY).is_not_null())
    replaced: dict[str, list[str]] = {}
    for by, name in docs.sort("file_name").select(SUPERSEDED_BY, "file_name").iter_rows():
        replaced.setdefault(by, []).append(name)
    return replaced


@main.command("documents")
@workspace_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv"]),
    default="table",
    show_default=True,
    help="table: aligned columns for reading; csv: for other tools.",
)
@reports_errors
def documents_command(workspace_dir: Path | None, fmt: str) -> None:
    """List the documents in the workspace, one per line, with the analysts' corrections applied.

    Columns: file name, municipality, year (or period), kind, pages, sections, id. A plan
    replaced by a newer version of the same municipality and year is marked "superseded by"
    that file (in CSV: the `superseded_by` column holds its id); only the newest is in the
    matrix.
    """
    ws = open_workspace(workspace_dir)
    docs = mark_superseded(load_documents(ws)).sort(
        "municipality", "year", "file_name", nulls_last=True
    )
    names = dict(zip(docs["doc_id"], docs["file_name"], strict=True))
    header = ["file_name", "municipality", "year", "kind", "pages", "sections", "doc_id"]
    rows, newer = [], []
    for row in docs.iter_rows(named=True):
        period = period_label(row["year"], row["year_to"])
        rows.append(
            [
                row["file_name"],
                row["municipality"] or "",
                period,
                row["kind"] or "",
                "" if row["pages"] is None else str(row["pages"]),
                str(row["n_sections"] or 0),
                row["doc_id"],
            ]
        )
        newer.append(row[SUPERSEDED_BY])
    if fmt == "csv":
        table = ([*r, by] for r, by in zip(rows, newer, strict=True))
        click.echo(csv_text(table, [*header, SUPERSEDED_BY]), nl=False)
        return
    if not rows:
        click.echo(f"no documents in {ws.root}; add some with `compare ingest PATH`")
        return
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for r, by in zip([header, *rows], [None, *newer], strict=True):
        click.echo("  ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
        if by is not None:
            click.echo(f"  superseded by {names.get(by, by)} ({by}): not in the matrix")

"""`compare tag`: ingest what is new, then tag plans against their frameworks."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from compare.cli.base import (
    main,
    open_workspace,
    raw_stderr,
    reports_errors,
    workspace_option,
)
from compare.config import return_freed_memory_at_once
from compare.config import workspace_dir as default_workspace
from compare.kinds import KIND_PLAN, KINDS
from compare.store import tag_stamp

# Polars, the readers and the tagger load only when a run has something to do: a run with
# nothing changed is answered from the stamp (`compare.store.tag_stamp`) without them.
if TYPE_CHECKING:
    from compare.frameworks.catalog import Framework
    from compare.store.workspace import Workspace
    from compare.tagging.run import TagReport

EXIT_SOME_FAILED = 1  # some files could not be ingested; the rest are tagged
# What the tagging step reads besides the frameworks: a change to one of them while it runs
# means its result may be out of date at once, and no stamp is left.
READ_BY_TAG = ("documents.parquet", "segments.parquet", "review.sqlite", "review.sqlite-wal")


def _ingest(paths: tuple[Path, ...], ws: Workspace, workers: int | None) -> tuple[int, int]:
    """Ingest what is new among the paths; print a line per added or failed file.

    Returns the number of files found and of files that failed.
    """
    from compare.cli.ingest import ingest_with_progress
    from compare.ingest import collect_files

    report = ingest_with_progress(collect_files(paths, exclude=ws.root), ws, workers=workers)
    if not report.files:
        # Not an error: on a new machine `make run` tags an empty data/plans/ and opens the app
        # on its upload page; what is already in the workspace is still tagged below.
        click.echo(
            "note: no plan files (PDF, DOCX, HTML, Markdown, text) in "
            + ", ".join(str(p) for p in paths)
            + " yet: put them there, or upload them in the app",
            err=True,
        )
        return 0, 0
    for doc in report.added:
        click.echo(f"added: {doc.file_name}: {doc.who}, {doc.period}, {doc.kind}")
    for name, message in report.failed:
        click.echo(f"error: {name}: {message}", err=True)
    return report.files, len(report.failed)


def _refuse_shadowing(frameworks: list[Framework], replace: bool) -> None:
    """Refuse a framework file whose id is that of another file in the frameworks folder.

    Its levels would silently take the place of that framework's in the matrix and the export.
    """
    from compare.errors import DuplicateFramework
    from compare.frameworks.catalog import load_frameworks

    if replace or not frameworks:
        return
    folder = {fw.id: fw for fw in load_frameworks(errors=[])}
    for fw in frameworks:
        known = folder.get(fw.id)
        if known is not None and fw.path is not None and known.path is not None:
            if fw.path.resolve() != known.path.resolve():
                raise DuplicateFramework(
                    f"{fw.path.name} has the id {fw.id!r} of {known.path.name} in the frameworks "
                    "folder: tagging with it would replace that framework's levels. Give the "
                    "file its own id, or pass --replace to replace them"
                )


def _tag_with_progress(
    ws: Workspace,
    frameworks: list[Framework] | None,
    workers: int | None,
    kinds: tuple[str, ...],
    rebuild: bool,
) -> TagReport:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from compare.tagging.run import tag_workspace

    console = Console(file=raw_stderr())

    def notify(line: str) -> None:
        click.echo(f"note: {line}", err=True)

    run = functools.partial(
        tag_workspace, ws, frameworks, workers=workers, kinds=kinds, rebuild=rebuild, notify=notify
    )
    if not console.is_terminal:
        return run()
    columns = (TextColumn("Tagging"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("tag", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return run(progress=progress)


def _print_summary(ws: Workspace, report: TagReport) -> None:
    from compare.ingest.metadata import period_label
    from compare.store.documents import load_documents

    if report.summary.is_empty():
        return
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
    help="Processes to ingest and tag with (default: one per CPU for large batches).",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Allow a --framework file whose id is that of a framework in data/frameworks: its "
    "levels replace that framework's.",
)
@click.option(
    "--rebuild",
    is_flag=True,
    help="Re-derive every document's matching text and re-tag every pair, changed or not "
    "(done by itself for what an older tagger or normaliser made).",
)
@reports_errors
def tag_command(
    paths: tuple[Path, ...],
    workspace_dir: Path | None,
    framework_refs: tuple[str, ...],
    kinds: tuple[str, ...],
    workers: int | None,
    replace: bool,
    rebuild: bool,
) -> None:
    """Ingest what is new among PATH (files or folders) and tag the workspace's plans.

    With no PATH, re-tags the workspace. Only (document, framework) pairs whose text or
    framework changed since the last run, or whose tags an older tagger made, are tagged
    again (--rebuild: all of them). Goals apply to plans whose period
    holds the goals' year; themes apply to every plan. Prints one line per tagged document and
    framework. Exit code 0 on success, 1 if some files could not be ingested (the others are
    still tagged) or on an error.
    """
    kinds = kinds or (KIND_PLAN,)
    # Taken first, before anything is read or imported (see `compare.store.tag_stamp`).
    root = (workspace_dir or default_workspace()).expanduser().resolve()
    inputs = tag_stamp.inputs_key(paths, root, framework_refs, kinds, replace)
    pairs = None if rebuild else tag_stamp.unchanged_pairs(root, inputs)
    if pairs is not None:  # what the run below would find and say, without its imports
        click.echo(f"0 tagged, {pairs} unchanged (workspace: {root})")
        return
    return_freed_memory_at_once()  # before Polars loads (see `compare.config`)
    from compare.frameworks.catalog import find_frameworks
    from compare.pool import shared_workers

    ws = open_workspace(workspace_dir, create=bool(paths), must_exist=not paths)
    frameworks = find_frameworks(framework_refs) or None
    _refuse_shadowing(frameworks or [], replace)
    with shared_workers():  # one pool, started only if needed, for ingest and tagging
        files, failed = _ingest(paths, ws, workers) if paths else (0, 0)
        before = tag_stamp.workspace_key(ws.root, READ_BY_TAG)
        report = _tag_with_progress(ws, frameworks, workers, kinds, rebuild)
    _print_summary(ws, report)
    click.echo(
        f"{len(report.tagged)} tagged, {len(report.skipped)} unchanged"
        + (f", {report.removed} stale rows removed" if report.removed else "")
        + f" (workspace: {ws.root})"
    )
    if failed:
        sys.exit(EXIT_SOME_FAILED)
    # Everything is tagged now, unless another process changed what the tagger read while it
    # ran (or the tagger re-derived text, or a pair gave no rows): then the next run decides.
    settled = (
        (files or not paths)
        and not report.renormalised
        and report.summary.height == len(report.tagged)
        and tag_stamp.workspace_key(ws.root, READ_BY_TAG) == before
    )
    if settled and ws.root == root:
        tag_stamp.write_stamp(ws.root, inputs, len(report.tagged) + len(report.skipped))

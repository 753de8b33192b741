"""`compare documents`: what is in the workspace."""

from __future__ import annotations

from pathlib import Path

import click

from compare.cli.base import (
    csv_text,
    main,
    open_workspace,
    reports_errors,
    workspace_option,
)
from compare.ingest.metadata import period_label
from compare.store.documents import load_documents
from compare.store.versions import SUPERSEDED_BY, mark_superseded


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

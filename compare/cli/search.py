"""`compare search`: full-text search, tolerant to OCR damage and inflection."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from compare.analysis.search import mark, search
from compare.cli.base import csv_text, main, open_workspace, reports_errors, workspace_option
from compare.schema import KINDS


@main.command("search")
@click.argument("query")
@workspace_option
@click.option(
    "--limit",
    default=50,
    show_default=True,
    type=click.IntRange(min=1),
    help="Most hits to show (the best first).",
)
@click.option(
    "--kind",
    "kinds",
    type=click.Choice(KINDS),
    multiple=True,
    help="Document kinds to search (repeatable; default: all documents).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv"]),
    default="table",
    show_default=True,
    help="table: grouped by municipality, matches highlighted; "
    "csv: one row per hit, matched words in [brackets].",
)
@reports_errors
def search_command(
    query: str, workspace_dir: Path | None, limit: int, kinds: tuple[str, ...], fmt: str
) -> None:
    """Search the text of all ingested plans, tolerant to OCR damage and Danish inflection.

    `compare search Københavnermodellen` also finds the OCR reading "Kgbenhavnermodellen";
    `virksomhedspraktik` also finds "virksomhedspraktikker". Several words must all occur in a
    passage. Each hit names its plan (doc_id) and segment number.
    """
    ws = open_workspace(workspace_dir)
    hits = search(ws, query, limit=limit, kinds=kinds or None)
    if fmt == "csv":
        columns = [
            "municipality",
            "year",
            "kind",
            "title",
            "doc_id",
            "seg_no",
            "heading_path",
            "page",
            "score",
        ]
        rows = (
            [
                *(row[c] for c in columns[:-1]),
                round(row["score"], 3),
                mark(row["snippet"], row["highlights"], "[", "]"),
            ]
            for row in hits.iter_rows(named=True)
        )
        click.echo(csv_text(rows, [*columns, "snippet"]), nl=False)
        return
    console = Console(highlight=False, soft_wrap=False)
    if hits.is_empty():
        console.print(f"No passage matches {escape(query)!r}.")
        return
    for name, group in hits.group_by("municipality", maintain_order=True):
        table = Table(
            title=escape(name[0] or "Ukendt kommune"),
            title_justify="left",
            show_lines=True,
            expand=True,
        )
        table.add_column("År", no_wrap=True)
        table.add_column("Afsnit", ratio=1)
        table.add_column("Uddrag", ratio=3)
        table.add_column("Plan:segment", no_wrap=True)
        for row in group.iter_rows(named=True):
            where = row["heading_path"] or ""
            if row["page"] is not None:
                where = f"s. {row['page']} {where}".strip()
            snippet = mark(row["snippet"], row["highlights"], "[bold yellow]", "[/]", escape)
            table.add_row(
                str(row["year"] or ""), escape(where), snippet, f"{row['doc_id']}:{row['seg_no']}"
            )
        console.print(table)

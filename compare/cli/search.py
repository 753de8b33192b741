"""CLI commands: `compare search` (full text across plans) and `compare overview` (theme text)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
import polars as pl
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from compare.analysis.overview import danish_list, overview_markdown, theme_overview
from compare.analysis.search import mark, search
from compare.cli.base import csv_text, main, open_workspace, reports_errors, workspace_option
from compare.review.matrix import matrix_cells
from compare.schema import KIND_PLAN, KINDS


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


@main.command("overview")
@click.option(
    "--framework",
    "framework_ref",
    required=True,
    metavar="ID",
    help="Framework id (e.g. rar-hovedstaden-2018) or path to a framework file.",
)
@workspace_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "csv"]),
    default="md",
    show_default=True,
    help="md: the overview with draft text and numbered sources; "
    "csv: one row per item with counts, municipalities and draft text.",
)
@click.option(
    "--kind",
    "kinds",
    type=click.Choice(KINDS),
    multiple=True,
    help="Document kinds to include (repeatable; default: plan).",
)
@reports_errors
def overview_command(
    framework_ref: str, workspace_dir: Path | None, fmt: str, kinds: tuple[str, ...]
) -> None:
    """Write the theme overview of one framework: per item, which municipalities address it,
    at which level, and a draft text built from the evidence (gaps included).

    Every sentence of the draft rests on the passages listed under it (Markdown) or on the
    counts; analysts' decisions in the review store override the tagger's levels.
    """
    from compare.frameworks.catalog import find_framework

    ws = open_workspace(workspace_dir)
    framework = find_framework(framework_ref)
    cells = matrix_cells(ws, [framework.id], kinds=kinds or (KIND_PLAN,))
    overview = theme_overview(cells, ws.read_evidence(), framework)
    if fmt == "md":
        click.echo(overview_markdown(overview, framework), nl=False)
        return
    click.echo(csv_text(_overview_rows(overview), list(_OVERVIEW_CSV)), nl=False)


_OVERVIEW_CSV = (
    "item_id",
    "label",
    "group",
    "n_target",
    "n_addressed",
    "n_municipalities",
    "n_plans",
    "municipalities_target",
    "municipalities_addressed",
    "is_gap",
    "draft_text",
)


def _overview_rows(overview: pl.DataFrame) -> Iterable[list[Any]]:
    for row in overview.iter_rows(named=True):
        yield [danish_list(row[c]) if isinstance(row[c], list) else row[c] for c in _OVERVIEW_CSV]

"""`compare overview`: the theme-by-theme overview with draft text."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
import polars as pl

from compare.analysis.overview import danish_list, overview_markdown, theme_overview
from compare.cli.base import csv_text, main, open_workspace, reports_errors, workspace_option
from compare.review.matrix import matrix_cells
from compare.schema import KIND_PLAN, KINDS


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

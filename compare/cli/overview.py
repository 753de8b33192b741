"""`compare overview`: the theme-by-theme overview with draft text."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
import polars as pl

from compare.analysis.overview import (
    danish_list,
    overview_markdown,
    theme_overview,
    with_narratives,
)
from compare.analysis.scope import (
    overview_evidence,
    resolve_scope,
    scope_cells,
    scope_documents,
)
from compare.cli.base import csv_text, main, open_workspace, reports_errors, workspace_option
from compare.frameworks.catalog import Framework
from compare.review.matrix import matrix_cells
from compare.schema import FRAMEWORK_GOALS, KIND_PLAN, KINDS
from compare.store.documents import load_documents
from compare.store.narratives import NarrativeStore
from compare.store.versions import current_documents
from compare.store.workspace import Workspace


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
    "--year",
    type=int,
    default=None,
    help="Plan year: only plans whose period covers it (default: the goals' year, else all).",
)
@click.option(
    "--council",
    "--rar",
    "council",
    default=None,
    metavar="NAME",
    help="Council, e.g. 'RAR Hovedstaden': only its municipalities (default: the framework's "
    "own council, if it names one, else all).",
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
    framework_ref: str,
    workspace_dir: Path | None,
    fmt: str,
    year: int | None,
    council: str | None,
    kinds: tuple[str, ...],
) -> None:
    """Write the theme overview of one framework: per item, which municipalities address it,
    at which level, and a draft text built from the evidence (gaps included).

    Every sentence of the draft rests on the passages listed under it (Markdown) or on the
    counts; analysts' decisions in the review store override the tagger's levels. With a
    council and a year, the narratives saved for them (`compare narrative set`) are shown.
    """
    from compare.frameworks.catalog import find_framework

    ws = open_workspace(workspace_dir)
    framework = find_framework(framework_ref)
    overview = scoped_overview(ws, framework, council, year, kinds or (KIND_PLAN,))
    if fmt == "md":
        click.echo(overview_markdown(overview, framework), nl=False)
        return
    click.echo(csv_text(_overview_rows(overview), list(_OVERVIEW_CSV)), nl=False)


def scoped_overview(
    ws: Workspace,
    framework: Framework,
    council: str | None,
    year: int | None,
    kinds: tuple[str, ...] = (KIND_PLAN,),
) -> pl.DataFrame:
    """The overview of one framework over the plans in scope, with saved narratives joined.

    `year` defaults to a goals framework's own year. Narratives are joined when the scope has
    both a council and a year (they belong to one council's overview of one year).
    """
    if year is None and framework.kind == FRAMEWORK_GOALS:
        year = framework.year
    scope = resolve_scope(framework, council, year)
    documents = load_documents(ws)
    docs = current_documents(documents).filter(pl.col("kind").is_in(list(kinds)))
    docs = scope_documents(docs, scope)
    cells = scope_cells(matrix_cells(ws, [framework.id], kinds=kinds, documents=documents), docs)
    overview = theme_overview(cells, overview_evidence(ws), framework)
    if scope.council and scope.year:
        latest = NarrativeStore.for_workspace(ws).latest(scope.council, scope.year, framework.id)
        overview = with_narratives(overview, latest)
    return overview


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
    "text",
    "is_draft",
)


def _overview_rows(overview: pl.DataFrame) -> Iterable[list[Any]]:
    for row in overview.iter_rows(named=True):
        values = {
            **row,
            "text": row.get("text", row["draft_text"]),
            "is_draft": row.get("is_draft", True),
        }
        yield [
            danish_list(values[c]) if isinstance(values[c], list) else values[c]
            for c in _OVERVIEW_CSV
        ]

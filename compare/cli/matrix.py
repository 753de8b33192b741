"""`compare matrix`: the coverage matrix as CSV (the stable contract), JSON or a table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import polars as pl
from rich.console import Console
from rich.table import Table

from compare.cli.base import (
    csv_text,
    main,
    open_workspace,
    reports_errors,
    workspace_option,
)
from compare.excel.safe import needs_quote_prefix
from compare.frameworks.catalog import Framework, find_framework
from compare.review.matrix import item_totals, matrix_cells, matrix_remarks, wide_matrix
from compare.schema import KIND_PLAN, KINDS
from compare.store.workspace import Workspace

FORMATS = ("csv", "json", "table")


@main.command("matrix")
@click.option(
    "--framework",
    "framework_ref",
    required=True,
    metavar="ID",
    help="Framework id (e.g. ministermaal-2018) or path to a framework file.",
)
@workspace_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="csv",
    show_default=True,
    help="csv: the stable contract (municipality,year, then one column per item); "
    "json: rows with reviewed/re-check marks, notes and totals; table: for reading.",
)
@click.option(
    "--kind",
    "kinds",
    type=click.Choice(KINDS),
    multiple=True,
    help="Document kinds to show as rows (repeatable; default: plan only, so a "
    "regional overview never becomes a row).",
)
@reports_errors
def matrix_command(
    framework_ref: str, workspace_dir: Path | None, fmt: str, kinds: tuple[str, ...]
) -> None:
    """Print the coverage matrix of one framework: one row per plan, cells X, (X) or blank.

    The level shown is the tagger's, overridden by the analysts' latest decision.
    """
    ws = open_workspace(workspace_dir)
    framework = find_framework(framework_ref)
    cells = matrix_cells(ws, [framework.id], kinds=kinds or (KIND_PLAN,))
    if fmt == "csv":
        wide = wide_matrix(cells, framework)
        # Item ids are staff data: one starting with = + - @ would run as a formula in a
        # spreadsheet, so the header gets the body's protection (a leading ').
        header = ["'" + c if needs_quote_prefix(c) else c for c in wide.columns]
        click.echo(csv_text(wide.iter_rows(), header), nl=False)
    elif fmt == "json":
        click.echo(json.dumps(_json(ws, cells, framework), ensure_ascii=False, indent=2))
    else:
        _print_table(cells, framework)


def _json(ws: Workspace, cells: pl.DataFrame, framework: Framework) -> dict[str, Any]:
    wide = wide_matrix(cells, framework, include_doc_id=True)
    item_ids = [str(item.id) for item in framework.items]
    own = cells.filter(pl.col("framework_id") == framework.id)

    def per_doc(frame: pl.DataFrame) -> dict[str, list[tuple[str, str | None]]]:
        grouped = frame.group_by("doc_id", maintain_order=True).agg("item_id", "note")
        return {
            doc: list(zip(items, notes, strict=True)) for doc, items, notes in grouped.iter_rows()
        }

    remarks = dict(matrix_remarks(ws, [framework.id]).select("doc_id", "note").iter_rows())
    reviewed = per_doc(own.filter("reviewed"))
    recheck = per_doc(own.filter("recheck"))
    notes = per_doc(own.filter(pl.col("note").is_not_null() & (pl.col("note") != "")))
    # The tagger's confidence per cell (compare.tagging.score.judge): "sure" or "unsure".
    confidence: dict[str, dict[str, dict[str, str | None]]] = {}
    for doc, item, sure, reason in (
        ws.read_tags()
        .filter(pl.col("framework_id") == framework.id)
        .select("doc_id", "item_id", "confidence", "confidence_reason")
        .iter_rows()
    ):
        confidence.setdefault(doc, {})[item] = {"confidence": sure, "reason": reason}
    rows = [
        {
            "doc_id": row["doc_id"],
            "municipality": row["municipality"],
            "year": row["year"],
            "cells": {item: row[item] for item in item_ids},
            "reviewed": [item for item, _ in reviewed.get(row["doc_id"], [])],
            "recheck": [item for item, _ in recheck.get(row["doc_id"], [])],
            "notes": dict(notes.get(row["doc_id"], [])),
            "remark": remarks.get(row["doc_id"]),
            "confidence": confidence.get(row["doc_id"], {}),
        }
        for row in wide.iter_rows(named=True)
    ]
    return {
        "framework": {"id": framework.id, "title": framework.title},
        "items": [{"id": str(item.id), "label": item.label} for item in framework.items],
        "rows": rows,
        "totals": item_totals(cells, framework).drop("label").to_dicts(),
    }


def _print_table(cells: pl.DataFrame, framework: Framework) -> None:
    wide = wide_matrix(cells, framework, include_doc_id=True)
    item_ids = [str(item.id) for item in framework.items]
    marks = {
        (doc, item): "!" if recheck else "*"
        for doc, item, recheck in cells.filter(
            pl.col("reviewed") & (pl.col("framework_id") == framework.id)
        )
        .select("doc_id", "item_id", "recheck")
        .iter_rows()
    }
    table = Table(title=framework.title, show_footer=True)
    table.add_column("Kommune", footer="I alt")
    table.add_column("År", footer="")
    totals = dict(item_totals(cells, framework).select("item_id", "text").iter_rows())
    for item in item_ids:
        table.add_column(item, justify="center", footer=totals.get(item, ""))
    for row in wide.iter_rows(named=True):
        table.add_row(
            row["municipality"] or f"? ({row['doc_id']})",
            str(row["year"] or ""),
            *(row[item] + marks.get((row["doc_id"], item), "") for item in item_ids),
        )
    console = Console(width=max(100, 30 + 8 * len(item_ids)), soft_wrap=False)
    console.print(table)
    console.print("* reviewed by an analyst   ! reviewed, but the document changed since: re-check")


# -- review -------------------------------------------------------------------------------------

"""CLI commands: `compare matrix` (the effective coverage matrix) and `compare review ...`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import polars as pl
from rich.console import Console
from rich.table import Table

from compare.cli.base import (
    REVIEWER_ENV,
    csv_text,
    main,
    open_workspace,
    reports_errors,
    workspace_option,
)
from compare.errors import CompareError
from compare.frameworks.catalog import Framework, find_framework
from compare.registry.lookup import load_registry
from compare.review.decisions import record_decision
from compare.review.matrix import item_totals, matrix_cells, matrix_remarks, wide_matrix
from compare.schema import KIND_PLAN, KINDS
from compare.store.documents import document_row, find_plan, load_documents
from compare.store.review_db import METADATA_FIELDS, REMARK_ITEM, ReviewStore, normalise_level
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
        click.echo(csv_text(wide.iter_rows(), wide.columns), nl=False)
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

reviewer_option = click.option(
    "--reviewer",
    required=True,
    envvar=REVIEWER_ENV,
    help=f"Who makes the change (kept in the history; default: ${REVIEWER_ENV}).",
)


def _plan_options(command: Any) -> Any:
    """--doc, or --municipality with --year, naming one document."""
    command = click.option("--year", type=int, help="Year the plan covers (with --municipality).")(
        command
    )
    command = click.option("--municipality", help="Municipality of the plan (with --year).")(
        command
    )
    return click.option("--doc", "doc_id", help="Document id (see `compare documents`).")(command)


def _pick_document(
    documents: pl.DataFrame, doc_id: str | None, municipality: str | None, year: int | None
) -> dict[str, Any]:
    if doc_id:
        return document_row(documents, doc_id)
    if not municipality or year is None:
        raise CompareError("name the plan with --doc ID, or with --municipality NAME --year YEAR")
    return find_plan(documents, load_registry().get(municipality).name, year)


@main.group("review")
def review_group() -> None:
    """Record, list and undo analysts' decisions on matrix cells and on document metadata.

    Decisions override the tagger in the matrix and the export, survive re-tagging, and are
    never deleted: every change is kept with who made it and when.
    """


@review_group.command("set")
@_plan_options
@click.option(
    "--framework", "framework_ref", required=True, metavar="ID", help="Framework id or path."
)
@click.option("--item", "item_id", required=True, help="Item id (the matrix column).")
@click.option(
    "--level",
    required=True,
    help="X (concrete target), (X) (addressed) or blank (not addressed; also '').",
)
@click.option("--note", default=None, help="Note for the cell (default: keep the current one).")
@reviewer_option
@workspace_option
@reports_errors
def review_set(
    doc_id: str | None,
    municipality: str | None,
    year: int | None,
    framework_ref: str,
    item_id: str,
    level: str,
    note: str | None,
    reviewer: str,
    workspace_dir: Path | None,
) -> None:
    """Set the level (and note) of one matrix cell: a plan × a framework item."""
    ws = open_workspace(workspace_dir)
    framework = find_framework(framework_ref)
    items = [str(item.id) for item in framework.items]
    if item_id not in items:
        raise CompareError(
            f"{framework.id} has no item {item_id!r}: its items are {', '.join(items)}"
        )
    level = normalise_level(level)
    store = ReviewStore.for_workspace(ws)
    row = _pick_document(load_documents(ws, store), doc_id, municipality, year)
    new_id = record_decision(
        ws, row["doc_id"], framework.id, item_id, level, note, reviewer, store=store
    )
    decision = store.history(row["doc_id"], framework.id, item_id).filter(pl.col("id") == new_id)
    previous = decision["previous_level"][0]
    click.echo(
        f"decision {new_id}: {_who(row)} {framework.id} item {item_id}: "
        f"{_show(previous) if previous is not None else 'tagger'} -> {_show(level)}"
    )


@review_group.command("clear")
@_plan_options
@click.option(
    "--framework", "framework_ref", required=True, metavar="ID", help="Framework id or path."
)
@click.option("--item", "item_id", required=True, help="Item id (the matrix column).")
@reviewer_option
@workspace_option
@reports_errors
def review_clear(
    doc_id: str | None,
    municipality: str | None,
    year: int | None,
    framework_ref: str,
    item_id: str,
    reviewer: str,
    workspace_dir: Path | None,
) -> None:
    """Withdraw the decision on one cell, so the tagger's level shows again (kept in history)."""
    ws = open_workspace(workspace_dir)
    framework = find_framework(framework_ref)
    store = ReviewStore.for_workspace(ws)
    row = _pick_document(load_documents(ws, store), doc_id, municipality, year)
    new_id = store.clear(row["doc_id"], framework.id, item_id, reviewer)
    click.echo(f"decision {new_id}: {_who(row)} {framework.id} item {item_id}: back to tagger")


@review_group.command("remark")
@_plan_options
@click.option(
    "--framework", "framework_ref", required=True, metavar="ID", help="Framework id or path."
)
@click.option(
    "--note",
    required=True,
    help="The plan's remark in this framework (Supplerende mål/bemærkninger); '' clears it.",
)
@reviewer_option
@workspace_option
@reports_errors
def review_remark(
    doc_id: str | None,
    municipality: str | None,
    year: int | None,
    framework_ref: str,
    note: str,
    reviewer: str,
    workspace_dir: Path | None,
) -> None:
    """Set a plan's row remark in a framework (the overview's last column)."""
    ws = open_workspace(workspace_dir)
    framework = find_framework(framework_ref)
    store = ReviewStore.for_workspace(ws)
    row = _pick_document(load_documents(ws, store), doc_id, municipality, year)
    new_id = store.set_remark(
        row["doc_id"],
        framework.id,
        note,
        reviewer,
        row["text_hash"],
        municipality=row["municipality"],
        year=row["year"],
    )
    click.echo(f"decision {new_id}: {_who(row)} {framework.id} remark set")


@review_group.command("set-metadata")
@click.option("--doc", "doc_id", required=True, help="Document id (see `compare documents`).")
@click.option(
    "--field",
    type=click.Choice(METADATA_FIELDS),
    required=True,
    help="The metadata field to correct.",
)
@click.option(
    "--value",
    default=None,
    help="The correct value (omit to clear the override and use the detected one).",
)
@reviewer_option
@workspace_option
@reports_errors
def review_metadata(
    doc_id: str, field: str, value: str | None, reviewer: str, workspace_dir: Path | None
) -> None:
    """Correct a document's detected metadata (municipality, year, kind, ...), with history."""
    ws = open_workspace(workspace_dir)
    store = ReviewStore.for_workspace(ws)
    doc = document_row(load_documents(ws, store), doc_id)
    if field in ("year", "year_to") and value is not None and value.strip().isdigit():
        period = {"year": doc["year"], "year_to": doc["year_to"], field: int(value)}
        if None not in period.values() and period["year_to"] < period["year"]:
            raise CompareError(
                f"{doc_id}: the period would end ({period['year_to']}) before it "
                f"starts ({period['year']}); correct the other year first"
            )
    change = store.set_metadata(doc_id, field, value, reviewer)
    now = document_row(load_documents(ws, store), doc_id)
    click.echo(f"change {change}: {doc_id} {field} = {now[field]}")


@review_group.command("history")
@_plan_options
@click.option("--framework", "framework_id", default=None, help="Only this framework id.")
@click.option("--item", "item_id", default=None, help="Only this item id.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Output format.",
)
@workspace_option
@reports_errors
def review_history(
    doc_id: str | None,
    municipality: str | None,
    year: int | None,
    framework_id: str | None,
    item_id: str | None,
    fmt: str,
    workspace_dir: Path | None,
) -> None:
    """List every decision (oldest first): who changed which cell from what to what, when."""
    ws = open_workspace(workspace_dir)
    store = ReviewStore.for_workspace(ws)
    if doc_id or municipality:
        doc_id = _pick_document(load_documents(ws, store), doc_id, municipality, year)["doc_id"]
    history = store.history(doc_id, framework_id, item_id)
    if fmt == "csv":
        click.echo(csv_text(history.iter_rows(), history.columns), nl=False)
    elif fmt == "json":
        click.echo(json.dumps(history.to_dicts(), ensure_ascii=False, indent=2))
    else:
        table = Table(title="Review history")
        for name in ("id", "decided_at", "reviewer", "doc", "framework", "item", "change", "note"):
            table.add_column(name)
        for row in history.iter_rows(named=True):
            before = "tagger" if row["previous_level"] is None else _show(row["previous_level"])
            after = "tagger" if row["level"] is None else _show(row["level"])
            if row["item_id"] == REMARK_ITEM:
                before, after = "remark", "remark"
            undo = f" (undo {row['undone_of']})" if row["undone_of"] is not None else ""
            table.add_row(
                str(row["id"]),
                row["decided_at"][:19],
                row["reviewer"],
                _who(row),
                row["framework_id"],
                row["item_id"],
                f"{before} -> {after}{undo}",
                row["note"] or "",
            )
        Console(width=160, soft_wrap=False).print(table)


@review_group.command("undo")
@click.argument("decision_id", type=int)
@reviewer_option
@workspace_option
@reports_errors
def review_undo(decision_id: int, reviewer: str, workspace_dir: Path | None) -> None:
    """Undo a decision (by its id from `compare review history`): restores the state before it.

    The undo is itself recorded in the history; nothing is deleted.
    """
    store = ReviewStore.for_workspace(open_workspace(workspace_dir))
    new_id = store.undo(decision_id, reviewer)
    row = store.history().filter(pl.col("id") == new_id).row(0, named=True)
    after = "tagger" if row["level"] is None else _show(row["level"])
    click.echo(
        f"decision {new_id}: undid {decision_id}; {row['framework_id']} item "
        f"{row['item_id']} is {after} again"
    )


def _show(level: str) -> str:
    return level if level else "blank"


def _who(row: dict[str, Any]) -> str:
    name = row.get("municipality") or row["doc_id"]
    return f"{name} {row['year']}" if row.get("year") is not None else name

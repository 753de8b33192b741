"""`compare review …`: analysts' decisions, remarks, metadata corrections and history."""

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
from compare.cli.matrix import FORMATS
from compare.errors import CompareError
from compare.frameworks.catalog import Framework, find_framework
from compare.ingest.metadata import period_label
from compare.registry.lookup import load_registry
from compare.review.decisions import record_decision
from compare.schema import KIND_PLAN
from compare.store.documents import document_row, find_plan, load_documents
from compare.store.review_db import METADATA_FIELDS, REMARK_ITEM, ReviewStore, normalise_level

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
    _check_applies(framework, row)
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
    _check_applies(framework, row)
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


def _check_applies(framework: Framework, row: dict[str, Any]) -> None:
    """Refuse a decision the matrix could never show: on a document that is not a plan, or
    in a framework that does not apply to the plan's period (goals of another year)."""
    if row["kind"] != KIND_PLAN:
        raise CompareError(
            f"{_who(row)} ({row['doc_id']}) is a document of kind {row['kind']!r}, not a plan: "
            "decisions are made on plans only (correct its kind with `compare review "
            "set-metadata --field kind` if it is a plan)"
        )
    if not framework.applies_to(row["year"], row["year_to"]):
        period = period_label(row["year"], row["year_to"]) or "an unknown year"
        raise CompareError(
            f"{framework.id} (the goals of {framework.year}) does not apply to {_who(row)}, "
            f"a plan for {period}: choose the goals of a year the plan covers "
            "(`compare frameworks` lists them)"
        )


def _who(row: dict[str, Any]) -> str:
    name = row.get("municipality") or row["doc_id"]
    return f"{name} {row['year']}" if row.get("year") is not None else name

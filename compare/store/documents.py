"""Documents as the analysts corrected them: detected metadata with their overrides applied.

`Workspace.read_documents` gives what detection found; `load_documents` is what everybody else
wants (the municipality or year an analyst corrected is the one shown, tagged and exported).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from compare.errors import CompareError
from compare.schema import KIND_PLAN, covers
from compare.store.review_db import METADATA_FIELDS, ReviewStore
from compare.store.versions import current_documents, mark_superseded
from compare.store.workspace import Workspace
from compare.text import fold_name


def load_documents(ws: Workspace, store: ReviewStore | None = None) -> pl.DataFrame:
    """The workspace's documents with the analysts' metadata overrides applied.

    Use this wherever documents are shown, tagged or put in a matrix, so a corrected
    municipality or year is the one everybody sees. An overridden municipality clears the
    detection's "unsure" note: an analyst has settled it. The DOCUMENTS columns come with a
    computed `superseded_by` (`compare.store.versions`): the doc_id of the plan's newer version.
    """
    docs = ws.read_documents()
    overrides = (store or ReviewStore.for_workspace(ws)).metadata_overrides()
    if docs.is_empty() or overrides.is_empty():
        return mark_superseded(docs)
    wide = overrides.pivot(on="field", index="doc_id", values="value")
    wide = wide.rename({field: f"__{field}" for field in wide.columns if field != "doc_id"})
    merged = docs.join(wide, on="doc_id", how="left")
    updates = []
    for field in METADATA_FIELDS:
        if f"__{field}" in merged.columns:
            override = pl.col(f"__{field}").cast(docs.schema[field])
            updates.append(pl.coalesce(override, pl.col(field)).alias(field))
    if "__municipality" in merged.columns:
        updates.append(
            pl.when(pl.col("__municipality").is_not_null())
            .then(None)
            .otherwise(pl.col("municipality_note"))
            .alias("municipality_note")
        )
    merged = merged.with_columns(updates)
    # A period never ends before it starts: a corrected first year carries the last one along.
    merged = merged.with_columns(
        pl.when(pl.col("year_to").is_null() | (pl.col("year_to") < pl.col("year")))
        .then(pl.col("year"))
        .otherwise(pl.col("year_to"))
        .alias("year_to")
    )
    return mark_superseded(merged.select(docs.columns))


def document_row(documents: pl.DataFrame, doc_id: str) -> dict[str, Any]:
    """One document's row (as a dict) by id, or a CompareError naming the id."""
    rows = documents.filter(pl.col("doc_id") == doc_id).to_dicts()
    if not rows:
        raise CompareError(
            f"no document {doc_id!r} in the workspace: `compare documents` lists the ids"
        )
    return rows[0]


def find_plan(documents: pl.DataFrame, municipality: str, year: int) -> dict[str, Any]:
    """The one current plan of `municipality` whose period contains `year`, or a CompareError.

    Names are compared folded (case, Danish letters and OCR slips aside); superseded versions
    (see `compare.store.versions`) are left out.
    """
    wanted = fold_name(municipality)
    covering = current_documents(documents).filter((pl.col("kind") == KIND_PLAN) & covers(year))
    plans = [
        row
        for row in covering.to_dicts()
        if row["municipality"] and fold_name(row["municipality"]) == wanted
    ]
    if not plans:
        raise CompareError(
            f"no plan of {municipality} covering {year} in the workspace: "
            "`compare documents` lists what is there"
        )
    if len(plans) > 1:
        ids = ", ".join(f"{row['doc_id']} ({row['file_name']})" for row in plans)
        raise CompareError(
            f"{municipality} has several plans covering {year}: {ids}; name one with --doc"
        )
    return plans[0]

"""Versions of a plan: a revised plan replaces the one it revises, by rule, not by stored state.

Municipalities resend corrected plans, and a corrected file is a new document (new bytes, new
doc_id) next to the old one. Among the plans of one municipality and first year, the most
recently ingested is the *current* one; the others are *superseded* by it. The rule reads only
the documents frame (with the analysts' overrides applied), so an analyst decides which version
counts by correcting metadata: an old version set to kind "other", or to another year, is no
longer in the group.
"""

from __future__ import annotations

import polars as pl

from compare.schema import KIND_PLAN

SUPERSEDED_BY = "superseded_by"  # doc_id of the current version; null for current documents


def mark_superseded(documents: pl.DataFrame) -> pl.DataFrame:
    """The documents with a `superseded_by` column: the current version's doc_id, else null.

    Only plans with a municipality and a year take part; per (municipality, year) the plan
    ingested last is current (ties, such as frames without `ingested_at`, go to the larger
    doc_id so the answer is always the same). Any `superseded_by` column already there is
    recomputed. Row order is kept.
    """
    frame = documents.drop(SUPERSEDED_BY, strict=False)
    if frame.is_empty():
        return frame.with_columns(pl.lit(None, pl.Utf8).alias(SUPERSEDED_BY))
    grouped = (
        (pl.col("kind") == KIND_PLAN)
        & pl.col("municipality").is_not_null()
        & pl.col("year").is_not_null()
    )
    current = (
        frame.filter(grouped)
        .sort(["ingested_at", "doc_id"], nulls_last=False)
        .group_by("municipality", "year")
        .agg(pl.col("doc_id").last().alias("_current"))
    )
    marked = frame.join(
        current, on=["municipality", "year"], how="left", nulls_equal=False, maintain_order="left"
    )
    superseded = grouped & (pl.col("_current") != pl.col("doc_id"))
    return marked.with_columns(
        pl.when(superseded.fill_null(False))
        .then(pl.col("_current"))
        .otherwise(pl.lit(None, pl.Utf8))
        .alias(SUPERSEDED_BY)
    ).drop("_current")


def current_documents(documents: pl.DataFrame) -> pl.DataFrame:
    """The documents that no later version supersedes (every non-plan document is current)."""
    return _marked(documents).filter(pl.col(SUPERSEDED_BY).is_null())


def superseded_pairs(documents: pl.DataFrame) -> dict[str, str]:
    """{superseded doc_id: current doc_id}: where decisions on an old version carry over to."""
    rows = _marked(documents).filter(pl.col(SUPERSEDED_BY).is_not_null())
    return dict(zip(rows["doc_id"], rows[SUPERSEDED_BY], strict=True))


def _marked(documents: pl.DataFrame) -> pl.DataFrame:
    """The documents with `superseded_by`, computed only where the frame does not have it."""
    return documents if SUPERSEDED_BY in documents.columns else mark_superseded(documents)

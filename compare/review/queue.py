"""The review queue: which cells an analyst should look at next, and how far the review has come.

Unreviewed cells come first where the tagger is least sure: by its `confidence` ("unsure"
before "sure") where the tags carry one, then by how close the cell's score is to the tagger's
decision point (a small margin means a near call). Everything here is pure: frames in, frames
and keys out, so the app and tests share one order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import polars as pl

UNSURE = "unsure"
# The tagger's score is 1 - exp(-strength / CONCRETE_SCORE) (tagging/score.py): 0.63 at the point
# where a described item becomes a concrete one; a score near it is the closest call.
DECISION_POINT = 1.0 - math.exp(-1.0)
CELL = ("doc_id", "framework_id", "item_id")
Cell = tuple[str, str, str]


def queue_order(cells: pl.DataFrame, confidence: pl.DataFrame | None = None) -> pl.DataFrame:
    """The cells in review order, with `unsure` (bool) and `margin` added.

    `cells` is MATRIX_CELLS (already narrowed to what the analyst sees, in matrix order);
    `confidence` has doc_id, framework_id, item_id, confidence ("sure"/"unsure") and optionally
    confidence_reason — omit it (or pass tags without those columns) to order by margin alone.
    Ties keep the matrix order, so a plan's cells stay together.
    """
    frame = cells.with_row_index("_matrix_order")
    if confidence is not None and "confidence" in confidence.columns:
        extra = [c for c in ("confidence", "confidence_reason") if c in confidence.columns]
        frame = frame.join(
            confidence.select(*CELL, *extra).unique(list(CELL)), on=list(CELL), how="left"
        )
        unsure = pl.col("confidence") == UNSURE
    else:
        unsure = pl.lit(False)
    margin = (pl.col("score").fill_null(0.0) - DECISION_POINT).abs()
    return (
        frame.with_columns(unsure.fill_null(False).alias("unsure"), margin.alias("margin"))
        .sort(["unsure", "margin", "_matrix_order"], descending=[True, False, False])
        .drop("_matrix_order")
    )


def cell_keys(frame: pl.DataFrame) -> list[Cell]:
    """The (doc_id, framework_id, item_id) keys of a frame's rows, in order."""
    return [(str(d), str(f), str(i)) for d, f, i in frame.select(CELL).iter_rows()]


def next_unreviewed(
    order: Sequence[Cell], reviewed: set[Cell], current: Cell | None
) -> Cell | None:
    """The first unreviewed cell after `current` in `order` (wrapping round); None when every
    cell is reviewed. A `current` not in `order` starts from the top."""
    if not order:
        return None
    start = order.index(current) + 1 if current in order else 0
    for offset in range(len(order)):
        cell = order[(start + offset) % len(order)]
        if cell not in reviewed and cell != current:
            return cell
    return None


def review_progress(cells: pl.DataFrame) -> pl.DataFrame:
    """Per framework: cells reviewed of all cells (`text` reads "12 af 21 vurderet")."""
    counts = cells.group_by("framework_id", maintain_order=True).agg(
        pl.col("reviewed").sum().cast(pl.Int64).alias("n_reviewed"),
        pl.len().cast(pl.Int64).alias("n_total"),
    )
    return counts.with_columns(
        pl.format("{} af {} vurderet", "n_reviewed", "n_total").alias("text")
    )

"""The effective evidence of every cell: the tagger's passages with the analysts' changes merged in.

Analysts add passages the tagger missed, remove wrong ones and mark the passage that carries the
target (`ReviewStore.change_passage`). Their changes are kept in the review database, not in
`evidence.parquet`, so re-tagging never loses them; `effective_evidence` merges the two and is what
the app, the Excel export and the Word report show.
"""

from __future__ import annotations

import polars as pl

from compare.schema import EFFECTIVE_EVIDENCE, EVIDENCE, conform
from compare.text import content_keys

_CELL = ["doc_id", "framework_id", "item_id"]
_PASSAGE = [*_CELL, "seg_no"]


def effective_evidence(evidence: pl.DataFrame, passages: pl.DataFrame) -> pl.DataFrame:
    """Merge analysts' passage changes (`ReviewStore.passages()`) into the tagger's evidence.

    Removed passages are dropped; added ones are put in with the text they had when added; an
    analyst's target mark overrides the tagger's `is_target`. Per cell the passages are ranked
    again from 1: marked target first, then analysts' passages, then the tagger's in its order.
    Schema EFFECTIVE_EVIDENCE, sorted by cell and rank.
    """
    tagger = conform(evidence, EVIDENCE).with_columns(
        pl.lit("", pl.Utf8).alias("added_by"), pl.col("rank").alias("_order")
    )
    if passages.is_empty():
        return conform(tagger, EFFECTIVE_EVIDENCE).sort(*_CELL, "rank")
    changes = passages.select(
        *_PASSAGE,
        pl.col("included").alias("_included"),
        pl.col("is_target").alias("_target"),
        "quote",
        "heading_path",
        "page",
        "line_start",
        "line_end",
        pl.col("reviewer").alias("_reviewer"),
    ).with_columns(pl.col("seg_no").cast(pl.Int32))
    kept = (
        tagger.join(changes.select(*_PASSAGE, "_included", "_target"), on=_PASSAGE, how="left")
        .filter(pl.col("_included").fill_null(True))
        .with_columns(pl.coalesce("_target", "is_target").alias("is_target"))
    )
    added = (
        changes.filter(pl.col("_included").fill_null(False))
        .join(tagger.select(_PASSAGE), on=_PASSAGE, how="anti")
        .with_columns(
            pl.col("_target").fill_null(False).alias("is_target"),
            pl.col("_reviewer").alias("added_by"),
            pl.lit([], pl.List(pl.Utf8)).alias("matched_terms"),
            pl.lit(None, pl.Float64).alias("score"),
            pl.lit(0, pl.Int32).alias("_order"),  # analysts' passages before the tagger's
        )
    )
    merged = pl.concat(
        [
            kept.select(*EFFECTIVE_EVIDENCE, "_order"),
            conform(added, EFFECTIVE_EVIDENCE)
            .with_columns(pl.col("rank").fill_null(0))
            .hstack(added.select("_order")),
        ]
    )
    ranked = merged.sort(
        [*_CELL, "is_target", "_order", "seg_no"],
        descending=[False, False, False, True, False, False],
        nulls_last=True,
    ).with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int32).over(_CELL).alias("rank"))
    return conform(ranked, EFFECTIVE_EVIDENCE)


def matching_segments(segments: pl.DataFrame, query: str, limit: int = 5) -> pl.DataFrame:
    """The body segments (SEGMENTS rows) whose text holds every content word of `query`.

    Matched on the normalised form (compare.text), so an OCR'd or inflected word is found as the
    analyst types it; in document order, at most `limit`. No content word: no segments.
    """
    keys = content_keys(query)
    if not keys or segments.is_empty():
        return segments.head(0)
    words = pl.col("norm").fill_null("").str.split(" ")
    found = segments.filter(~pl.col("is_heading").fill_null(False))
    for key in dict.fromkeys(keys):
        found = found.filter(words.list.contains(key))
    return found.sort("seg_no").head(limit)

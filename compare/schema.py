"""The columns of every frame the pipeline passes around: the one place that says what they are."""

from __future__ import annotations

import polars as pl

# Levels, in the words of the regional office's overview.
LEVEL_TARGET = "X"  # a concrete target / concrete initiative
LEVEL_ADDRESSED = "(X)"  # described, but without a concrete result level
LEVEL_NONE = ""  # not addressed
LEVELS: tuple[str, ...] = (LEVEL_TARGET, LEVEL_ADDRESSED, LEVEL_NONE)

# Document kinds.
KIND_PLAN = "plan"  # a municipality's employment plan (beskæftigelsesplan)
KIND_OVERVIEW = "overview"  # a regional overview of many plans (like seed 003)
KIND_OTHER = "other"  # anything else: budget notes, agendas, ...
KINDS: tuple[str, ...] = (KIND_PLAN, KIND_OVERVIEW, KIND_OTHER)

# Framework kinds.
FRAMEWORK_GOALS = "goals"
FRAMEWORK_THEMES = "themes"

HEADING_SEPARATOR = " > "

# A frame's columns and their types (Polars accepts the type classes and instances alike).
FrameSchema = dict[str, pl.DataType | type[pl.DataType]]

DOCUMENTS: FrameSchema = {
    "doc_id": pl.Utf8,  # first 16 hex digits of content_hash: stable, short
    "content_hash": pl.Utf8,  # sha256 of the file's bytes
    "text_hash": pl.Utf8,  # sha256 of the extracted text: what the tagger depends on
    "file_name": pl.Utf8,
    "source_path": pl.Utf8,
    "stored_path": pl.Utf8,  # copy of the original inside the workspace
    "format": pl.Utf8,  # pdf | docx | html | md | txt
    "title": pl.Utf8,
    "municipality": pl.Utf8,  # canonical name, or null when unknown
    "kommunekode": pl.Utf8,
    "municipality_note": pl.Utf8,  # why the detection is unsure, if it is
    "year": pl.Int32,  # the period's first year
    "year_to": pl.Int32,  # the period's last year (== year for one-year plans)
    "kind": pl.Utf8,  # one of KINDS
    "pages": pl.Int32,  # null where the format has no pages
    "n_sections": pl.Int32,
    "n_chars": pl.Int64,
    "ingested_at": pl.Datetime("us"),
}

SEGMENTS: FrameSchema = {
    "doc_id": pl.Utf8,
    "seg_no": pl.Int32,  # order in the document, from 0
    "section_no": pl.Int32,  # sections are numbered in order; 0 is text before any heading
    "heading_path": pl.Utf8,  # "5 Ministermål for 2018 > 5.3 Flere flygtninge ..."
    "is_heading": pl.Boolean,
    "level": pl.Int8,  # heading level (1 = top); 0 for body text
    "text": pl.Utf8,  # original text for display (hyphenation repaired, lines joined)
    "norm": pl.Utf8,  # normalised matching form: space-separated term keys
    "page": pl.Int32,  # 1-based page, null where the format has none
    "line_start": pl.Int32,  # 1-based line range in the extracted text
    "line_end": pl.Int32,
}

TAGS: FrameSchema = {
    "doc_id": pl.Utf8,
    "framework_id": pl.Utf8,
    "item_id": pl.Utf8,
    "level": pl.Utf8,  # one of LEVELS
    "score": pl.Float64,
    "matched_terms": pl.List(pl.Utf8),
    "target_sentence": pl.Utf8,
    "confidence": pl.Utf8,  # "sure" or "unsure" (compare.tagging.score.judge)
    "confidence_reason": pl.Utf8,  # one line: why
    "framework_hash": pl.Utf8,
    "text_hash": pl.Utf8,
    "tagged_at": pl.Datetime("us"),
}

EVIDENCE: FrameSchema = {
    "doc_id": pl.Utf8,
    "framework_id": pl.Utf8,
    "item_id": pl.Utf8,
    "rank": pl.Int32,  # 1 = best passage
    "seg_no": pl.Int32,
    "quote": pl.Utf8,
    "heading_path": pl.Utf8,
    "page": pl.Int32,
    "line_start": pl.Int32,
    "line_end": pl.Int32,
    "matched_terms": pl.List(pl.Utf8),
    "score": pl.Float64,
    "is_target": pl.Boolean,  # the passage holds the concrete target sentence
}

# The effective matrix in long form: tagger level overridden by the latest analyst decision.
MATRIX_CELLS: FrameSchema = {
    "doc_id": pl.Utf8,
    "municipality": pl.Utf8,
    "year": pl.Int32,
    "framework_id": pl.Utf8,
    "item_id": pl.Utf8,
    "tagger_level": pl.Utf8,
    "level": pl.Utf8,
    "score": pl.Float64,
    "note": pl.Utf8,
    "reviewed": pl.Boolean,
    "reviewer": pl.Utf8,
    "decided_at": pl.Utf8,
    "recheck": pl.Boolean,  # the document changed since the decision was made
}


def empty_frame(schema: FrameSchema) -> pl.DataFrame:
    """An empty frame with exactly these columns and types."""
    return pl.DataFrame(schema=schema)


def conform(frame: pl.DataFrame, schema: FrameSchema) -> pl.DataFrame:
    """Select and cast the schema's columns in order; missing ones become nulls.

    Used at every boundary where a frame is written, so stored files always match the schema.
    """
    columns = []
    for name, dtype in schema.items():
        if name in frame.columns:
            columns.append(pl.col(name).cast(dtype))
        else:
            columns.append(pl.lit(None, dtype=dtype).alias(name))
    return frame.select(columns)

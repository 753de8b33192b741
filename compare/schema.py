"""The facts every stage shares: the columns of every frame, the levels and their rank, the years
a plan may name, and what a plan period is (its text, the years it covers)."""

from __future__ import annotations

import polars as pl

# Levels, in the words of the regional office's overview.
LEVEL_TARGET = "X"  # a concrete target / concrete initiative
LEVEL_ADDRESSED = "(X)"  # described, but without a concrete result level
LEVEL_NONE = ""  # not addressed
LEVELS: tuple[str, ...] = (LEVEL_TARGET, LEVEL_ADDRESSED, LEVEL_NONE)
# How strong a level is: "the best level" of several plans or passages is the highest rank.
LEVEL_RANK: dict[str, int] = {LEVEL_TARGET: 2, LEVEL_ADDRESSED: 1, LEVEL_NONE: 0}

# The years a plan period, a framework or an analyst's correction may name.
YEAR_MIN = 1990
YEAR_MAX = 2100
YEAR_RANGE = (YEAR_MIN, YEAR_MAX)

# Document kinds (in `compare.kinds`, which imports nothing: the command line names them).
from compare.kinds import KIND_OTHER, KIND_OVERVIEW, KIND_PLAN, KINDS  # noqa: E402, F401

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
    "normaliser_version": pl.Int32,  # text.NORMALISER_VERSION that made the segments' `norm`
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
    "tagger_version": pl.Int32,  # tagging.version.TAGGER_VERSION that made the row
    "normaliser_version": pl.Int32,  # text.NORMALISER_VERSION of the segments it read
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

# Where an evidence passage is in its document: the tagger joins these onto the passages it
# found (EVIDENCE_FOUND) from the segments.
EVIDENCE_LOCATION = ("heading_path", "page", "line_start", "line_end")
EVIDENCE_FOUND: FrameSchema = {n: d for n, d in EVIDENCE.items() if n not in EVIDENCE_LOCATION}

# The evidence a cell shows (compare.review.evidence.effective_evidence): EVIDENCE with the
# analysts' passages merged in, and who put a passage there ("" for the tagger).
EFFECTIVE_EVIDENCE: FrameSchema = {**EVIDENCE, "added_by": pl.Utf8}

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


# Analysts' decisions on matrix cells, one row per change (the review database's history).
DECISIONS: FrameSchema = {
    "id": pl.Int64,
    "doc_id": pl.Utf8,
    "municipality": pl.Utf8,
    "year": pl.Int32,
    "framework_id": pl.Utf8,
    "item_id": pl.Utf8,
    "level": pl.Utf8,  # null: no decision (an undo back to the tagger's level) or a remark
    "note": pl.Utf8,
    "reviewer": pl.Utf8,
    "decided_at": pl.Utf8,  # UTC, ISO 8601
    "text_hash": pl.Utf8,  # the document's text when decided: a later change flags re-check
    "previous_level": pl.Utf8,
    "previous_note": pl.Utf8,
    "undone_of": pl.Int64,  # the decision this row undoes
    "imported_by": pl.Utf8,  # who imported the workbook the decision came from (else null)
}

# Analysts' corrections of a document's metadata, one row per change.
METADATA_CHANGES: FrameSchema = {
    "id": pl.Int64,
    "doc_id": pl.Utf8,
    "field": pl.Utf8,
    "value": pl.Utf8,  # null: the override is cleared (the detected value applies again)
    "previous_value": pl.Utf8,
    "reviewer": pl.Utf8,
    "changed_at": pl.Utf8,
    "undone_of": pl.Int64,
}

# Analysts' own evidence: a passage added to a cell, a tagger's passage removed from it, a passage
# marked as the one carrying the target. The latest row per (cell, seg_no) is the passage's state.
PASSAGE_CHANGES: FrameSchema = {
    "id": pl.Int64,
    "doc_id": pl.Utf8,
    "framework_id": pl.Utf8,
    "item_id": pl.Utf8,
    "seg_no": pl.Int32,
    "included": pl.Boolean,  # True: added/kept, False: removed, null: as the tagger has it
    "is_target": pl.Boolean,  # True/False: marked by an analyst, null: as the tagger has it
    "quote": pl.Utf8,  # the passage as shown when it was added (survives re-tagging)
    "heading_path": pl.Utf8,
    "page": pl.Int32,
    "line_start": pl.Int32,
    "line_end": pl.Int32,
    "reviewer": pl.Utf8,
    "changed_at": pl.Utf8,
    "undone_of": pl.Int64,
}

# One full-text search hit per row, best first.
SEARCH_RESULTS: FrameSchema = {
    "municipality": pl.Utf8,
    "year": pl.Int32,
    "kind": pl.Utf8,
    "title": pl.Utf8,
    "doc_id": pl.Utf8,
    "seg_no": pl.Int32,
    "heading_path": pl.Utf8,
    "page": pl.Int32,
    "score": pl.Float64,
    "doc_hits": pl.UInt32,  # how many segments of this document match
    "snippet": pl.Utf8,  # original text around the first match
    "highlights": pl.List(pl.Struct({"start": pl.Int32, "end": pl.Int32})),  # in `snippet`
}

# The theme overview: per framework item, counts, names, passages and a draft text.
REF = pl.Struct({"doc_id": pl.Utf8, "seg_no": pl.Int32})
SENTENCE = pl.Struct({"text": pl.Utf8, "basis": pl.Utf8, "refs": pl.List(REF)})
PASSAGE = pl.Struct(
    {
        "municipality": pl.Utf8,
        "doc_id": pl.Utf8,
        "seg_no": pl.Int32,
        "level": pl.Utf8,
        "quote": pl.Utf8,  # display form (OCR misreadings repaired, `compare.display`)
        "quote_original": pl.Utf8,  # the sentence as the plan has it: what evidence locates
        "heading_path": pl.Utf8,
        "page": pl.Int32,
        "score": pl.Float64,
        "is_target": pl.Boolean,
    }
)
OVERVIEW: FrameSchema = {
    "item_id": pl.Utf8,
    "label": pl.Utf8,
    "group": pl.Utf8,
    "n_target": pl.Int32,  # municipalities whose best level is X
    "n_addressed": pl.Int32,  # municipalities whose best level is (X)
    "n_municipalities": pl.Int32,  # municipalities with an assessed plan (the share's base)
    "n_plans": pl.Int32,  # plans assessed against the framework
    "municipalities_target": pl.List(pl.Utf8),
    "municipalities_addressed": pl.List(pl.Utf8),
    "is_gap": pl.Boolean,  # no plan addresses the item
    "draft_text": pl.Utf8,
    "sentences": pl.List(SENTENCE),  # the draft text sentence by sentence, with their passages
    "passages": pl.List(PASSAGE),  # the best passage per addressing municipality
}

# One municipality's assessed items of two years, aligned.
YEAR_COMPARISON: FrameSchema = {
    "kind": pl.Utf8,  # framework kind: goals | themes
    "framework_a": pl.Utf8,
    "item_a": pl.Utf8,
    "label_a": pl.Utf8,
    "level_a": pl.Utf8,  # null where the item is not in year A or the plan was not assessed
    "framework_b": pl.Utf8,
    "item_b": pl.Utf8,
    "label_b": pl.Utf8,
    "level_b": pl.Utf8,
    "similarity": pl.Float64,  # of the aligned labels, 0–100; null for added/dropped
    "status": pl.Utf8,  # one of STATUS_LABELS
    "quote_a": pl.Utf8,  # best evidence passage in year A's plan
    "quote_b": pl.Utf8,
}

# Gold rows: an expert's level for a municipality, year and framework item.
GOLD: FrameSchema = {
    "municipality": pl.Utf8,
    "year": pl.Int32,
    "framework": pl.Utf8,
    "item": pl.Utf8,
    "level": pl.Utf8,
    "source": pl.Utf8,
    "line": pl.Int32,
}


def period_text(year: int | None, year_to: int | None, dash: str = "-", unknown: str = "") -> str:
    """A plan period as people write it: `2018`, `2016-2020`; `unknown` when the year is unknown.

    The command line writes `-`; the app and the workbook set `dash="–"`.
    """
    if year is None:
        return unknown
    return str(year) if year_to in (None, year) else f"{year}{dash}{year_to}"


def period_covers(year: int | None, year_to: int | None, wanted: int) -> bool:
    """True if the period `year`..`year_to` (or `year` alone) contains the year `wanted`."""
    if year is None:
        return False
    return year <= wanted <= (year_to if year_to is not None else year)


def covers(wanted: int | pl.Expr, year: str = "year", year_to: str = "year_to") -> pl.Expr:
    """`period_covers` over a frame: its period columns (`year`, `year_to`) contain `wanted`.

    `wanted` is a year or an expression (another frame's year column after a join).
    """
    return (pl.col(year) <= wanted) & (pl.coalesce(year_to, year) >= wanted)


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


# -- the written overview (narratives, per-municipality tables, plan summaries) ---------------

# One save of a narrative (NarrativeStore): the overview's text of one item, or of one
# municipality's row in a per-municipality table, in one council's overview of one year.
NARRATIVES: FrameSchema = {
    "id": pl.Int64,
    "council": pl.Utf8,
    "year": pl.Int32,
    "framework_id": pl.Utf8,
    "item_id": pl.Utf8,
    "municipality": pl.Utf8,  # "" for the item's narrative, else the table row's name
    "text": pl.Utf8,
    "reviewer": pl.Utf8,
    "saved_at": pl.Utf8,  # UTC, ISO 8601
    "previous_text": pl.Utf8,  # null for the first save
    "draft_text": pl.Utf8,  # the machine draft shown when this was saved (null if none)
}

# A per-municipality table of one item (seed 003's Handicapindsatsen), one row per municipality.
ITEM_TABLE: FrameSchema = {
    "municipality": pl.Utf8,
    "level": pl.Utf8,
    "draft_text": pl.Utf8,  # the machine draft ("" where the plans do not address the item)
    "text": pl.Utf8,  # the saved row text, else the draft
    "is_draft": pl.Boolean,  # no saved text: the draft stands
    "saved_by": pl.Utf8,
    "saved_at": pl.Utf8,
}

# The targets a plan sets itself (plan summaries), in reading order.
PLAN_TARGETS: FrameSchema = {
    "seg_no": pl.Int32,
    "sentence": pl.Utf8,  # display form
    "sentence_original": pl.Utf8,  # as in the plan
    "heading_path": pl.Utf8,  # display form
    "section": pl.Utf8,  # the innermost telling heading, without its number
    "page": pl.Int32,
    "line_start": pl.Int32,
    "line_end": pl.Int32,
    "serves": pl.List(pl.Utf8),  # "ministermaal-2018:1", ...; empty: supplerende
    "serves_goal": pl.Boolean,  # serves a ministerial goal of the plan's year
}


# Terms an item learned from the plans (compare.tagging.expand).
LEARNED_TERMS: FrameSchema = {
    "framework_id": pl.Utf8,
    "item_id": pl.Utf8,
    "term": pl.Utf8,
    "passages": pl.Int64,  # the item's passages that use it
    "documents": pl.List(pl.Utf8),  # where it was learned
    "score": pl.Float64,
}


# One row per (framework, item, term) as the tagger weighs it (compare.tagging.terms).
TERM_TABLE: FrameSchema = {
    "framework_id": pl.Utf8,
    "item_id": pl.Utf8,
    "term": pl.Utf8,
    "pattern": pl.Utf8,
    "source_weight": pl.Float64,
    "anchor": pl.Boolean,  # may anchor a match (before information is weighed)
    "core_ok": pl.Boolean,  # may be the item's core: label terms and hand-written keywords
    "rarity": pl.Float64,  # general-Danish rarity, 1 for keywords (`frameworks.specificity`)
    "spread": pl.Float64,  # 1 if one item of the framework uses the term, less if several
    "origin": pl.Utf8,  # see `compare.frameworks.labels`
    "in_label": pl.Boolean,  # one of the label's own words (whatever else made it a term)
    "parts": pl.List(pl.Utf8),  # a compound's parts' keys ("" for a stop word part)
    "element": pl.Int32,  # which element of a listing label the term is of; -1 if none
    "topic": pl.Boolean,  # of the label's topic: its head, or a sentence's telling subject
}

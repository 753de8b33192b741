"""Blocks → the SEGMENTS frame: display text, matching form, heading path and location."""

from __future__ import annotations

import polars as pl

from compare.ingest.model import RawDocument
from compare.schema import HEADING_SEPARATOR, SEGMENTS, conform, empty_frame
from compare.text import clean_and_normalise


def segment(doc_id: str, raw: RawDocument) -> pl.DataFrame:
    """One row per heading and paragraph, in order, each with the path of headings above it.

    `heading_path` reads like `5 Ministermål for 2018 > 5.3 Flere flygtninge ...`; a heading's
    own row includes itself. `section_no` counts headings (0 is text before the first one).
    Which blocks are headings the readers decided, by one rule for every format
    (`compare.ingest.headings`), so the same plan gets the same sections from any file.
    """
    rows: dict[str, list] = {name: [] for name in SEGMENTS}
    stack: list[tuple[int, str]] = []  # (level, display text) of the open headings
    section = 0
    for block in raw.blocks:
        text, norm = clean_and_normalise(block.text)
        if not text:
            continue
        if block.is_heading:
            section += 1
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            stack.append((block.level, text))
        rows["doc_id"].append(doc_id)
        rows["seg_no"].append(len(rows["seg_no"]))
        rows["section_no"].append(section)
        rows["heading_path"].append(HEADING_SEPARATOR.join(t for _, t in stack))
        rows["is_heading"].append(block.is_heading)
        rows["level"].append(block.level if block.is_heading else 0)
        rows["text"].append(text)
        rows["norm"].append(norm)
        rows["page"].append(block.page)
        rows["line_start"].append(block.line_start)
        rows["line_end"].append(block.line_end)
    if not rows["doc_id"]:
        return empty_frame(SEGMENTS)
    return conform(pl.DataFrame(rows, schema=SEGMENTS), SEGMENTS)

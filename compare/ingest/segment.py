"""Blocks → the SEGMENTS frame: display text, matching form, heading path and location."""

from __future__ import annotations

import polars as pl

from compare.ingest.model import RawDocument
from compare.schema import HEADING_SEPARATOR, SEGMENTS, empty_frame
from compare.text import clean_and_normalise


def segment(doc_id: str, raw: RawDocument) -> pl.DataFrame:
    """One row per heading and paragraph, in order, each with the path of headings above it.

    `heading_path` reads like `5 Ministermål for 2018 > 5.3 Flere flygtninge ...`; a heading's
    own row includes itself. `section_no` counts headings (0 is text before the first one).
    Which blocks are headings the readers decided, by one rule for every format
    (`compare.ingest.headings`), so the same plan gets the same sections from any file.
    """
    columns: dict[str, list] = {name: [] for name in SEGMENTS}
    texts, norms, paths = columns["text"], columns["norm"], columns["heading_path"]
    is_heading, levels, sections = columns["is_heading"], columns["level"], columns["section_no"]
    pages, starts, ends = columns["page"], columns["line_start"], columns["line_end"]
    stack: list[tuple[int, str]] = []  # (level, display text) of the open headings
    path = ""  # the stack joined: it changes only at a heading
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
            path = HEADING_SEPARATOR.join(t for _, t in stack)
            levels.append(block.level)
        else:
            levels.append(0)
        sections.append(section)
        paths.append(path)
        is_heading.append(block.is_heading)
        texts.append(text)
        norms.append(norm)
        pages.append(block.page)
        starts.append(block.line_start)
        ends.append(block.line_end)
    if not texts:
        return empty_frame(SEGMENTS)
    columns["doc_id"] = [doc_id] * len(texts)
    columns["seg_no"] = list(range(len(texts)))
    # Built with the schema's columns, in its order and types: no `conform` pass needed.
    return pl.DataFrame(columns, schema=SEGMENTS)

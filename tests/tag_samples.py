"""Small in-memory plans for tagger tests: an outline becomes DOCUMENTS and SEGMENTS frames."""

from __future__ import annotations

from functools import cache

import polars as pl

from compare.frameworks.catalog import FRAMEWORKS_DIR, Framework, find_framework
from compare.schema import DOCUMENTS, HEADING_SEPARATOR, SEGMENTS, conform
from compare.tagging.pipeline import tag_documents
from compare.text import NORMALISER_VERSION, clean_display, normalise

# An outline entry: (heading text or None for text before any heading, heading level, paragraphs)
Outline = list[tuple[str | None, int, list[str]]]

# Sections every test plan has, so that term weights are those of a plan-sized document.
BACKGROUND: Outline = [
    (
        "1 Indledning",
        1,
        [
            "Beskæftigelsesplanen beskriver kommunens indsats for ledige borgere "
            "og virksomheder i det kommende år."
        ],
    ),
    (
        "2 Unge i uddannelse",
        1,
        [
            "Unge på uddannelseshjælp får en mentor og et brobygningsforløb, "
            "så de kan starte på en uddannelse."
        ],
    ),
    (
        "3 Sygemeldte",
        1,
        [
            "Sygemeldte borgere får en tidlig samtale og en plan for at vende "
            "tilbage til arbejdspladsen."
        ],
    ),
    (
        "4 Dagpengemodtagere",
        1,
        ["Ledige dagpengemodtagere får jobsamtaler og tilbud om virksomhedspraktik."],
    ),
    ("5 Status", 1, ["Ledigheden er faldet i løbet af året, og flere borgere er kommet i job."]),
]

GOAL3_OCR = "6 Flere flygtninge og familiesammenfarte skal vaere selvforsgrgende"


def plan_segments(doc_id: str, outline: Outline) -> pl.DataFrame:
    """The SEGMENTS frame of a plan written as an outline, as ingestion would produce it."""
    rows: list[dict] = []
    stack: list[tuple[int, str]] = []
    section = 0
    line = 1
    for heading, level, paragraphs in outline:
        if heading is not None:
            section += 1
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, heading))
            rows.append(_row(doc_id, len(rows), section, stack, True, level, heading, line))
            line += 2
        for text in paragraphs:
            rows.append(_row(doc_id, len(rows), section, stack, False, 0, text, line))
            line += 2
    return conform(pl.DataFrame(rows), SEGMENTS)


def _row(
    doc_id: str,
    seg_no: int,
    section: int,
    stack: list[tuple[int, str]],
    is_heading: bool,
    level: int,
    text: str,
    line: int,
) -> dict:
    return {
        "doc_id": doc_id,
        "seg_no": seg_no,
        "section_no": section,
        "heading_path": HEADING_SEPARATOR.join(t for _, t in stack),
        "is_heading": is_heading,
        "level": level,
        "text": clean_display(text),
        "norm": normalise(text),
        "page": 1,
        "line_start": line,
        "line_end": line,
    }


def plan_documents(
    rows: list[tuple[str, int | None, int | None]], kind: str = "plan"
) -> pl.DataFrame:
    """A DOCUMENTS frame for (doc_id, year, year_to) rows of København plans."""
    return conform(
        pl.DataFrame(
            [
                {
                    "doc_id": d,
                    "year": y,
                    "year_to": yt,
                    "text_hash": f"text-{d}",
                    "kind": kind,
                    "municipality": "København",
                    "file_name": f"{d}.txt",
                    "normaliser_version": NORMALISER_VERSION,  # segmented as ingest does
                }
                for d, y, yt in rows
            ]
        ),
        DOCUMENTS,
    )


@cache
def shipped_framework(framework_id: str) -> Framework:
    """A framework of data/frameworks, read once per test session (frameworks are immutable)."""
    return find_framework(framework_id, FRAMEWORKS_DIR)


def level_of(framework_id: str, item_id: str, outline: Outline) -> str:
    """The level the tagger gives an item in a plan of BACKGROUND plus `outline`."""
    fw = shipped_framework(framework_id)
    year = fw.year or 2018
    tags, _ = tag_documents(
        plan_documents([("p", year, year)]), plan_segments("p", BACKGROUND + outline), [fw]
    )
    return tags.filter(pl.col("item_id") == item_id)["level"].item()

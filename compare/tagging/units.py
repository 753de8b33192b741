"""A document's sections grouped into topical units, and headings matched against item labels.

Plans repeat the same sub-headings under every topic (`Status`, `Indsatser`, `Målgruppe`,
`Indhold og formål`); such a structural section belongs to the topic above it. A *unit* is a
section with a heading of its own plus its structural subsections; term density and evidence are
measured per unit, so a topic's words count together and a word in passing elsewhere does not.
Units are built on the headings the readers found by one rule for every format
(`compare.ingest.headings`: `1. Udsatte skal hjælpes ind på arbejdsmarkedet gennem en
virksomhedsrettet indsats.` is a list item, not a heading, in a PDF or a Word file too), so the
same plan has the same units whatever its file.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import polars as pl
from rapidfuzz import fuzz, process

from compare.schema import HEADING_SEPARATOR
from compare.text import content_keys

HEADING_MATCH = 80.0  # rapidfuzz token_sort_ratio of label and heading keys that counts as a match
HEADING_COVERAGE = 0.6  # or: this share of the label's words, and half the heading's, in common
_SECTION_NUMBER = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s")
_REFERENCE = re.compile(r"\bafsnit(?:tet|tene)?\s+((?:\d{1,2}\.)*\d{1,2})\b", re.IGNORECASE)


@dataclass
class DocUnits:
    """The units of one document."""

    doc_id: str
    unit_of_section: dict[int, int]  # section_no -> unit_no (the section_no heading the unit)
    path_headings: dict[int, list[str]]  # unit_no -> the headings on its path, top first
    numbers: dict[str, int] = field(default_factory=dict)  # "4.3" -> unit_no of that section
    n_words: dict[int, int] = field(default_factory=dict)
    parent: dict[int, int] = field(default_factory=dict)  # unit_no -> the unit above it


@lru_cache(maxsize=65536)
def heading_keys(text: str) -> str:
    """A heading's topic words as term keys, without its section number."""
    return " ".join(content_keys(_SECTION_NUMBER.sub(" ", text)))


def build_units(segments: pl.DataFrame) -> dict[str, DocUnits]:
    """Group each document's sections into units (see the module docstring)."""
    result: dict[str, DocUnits] = {}
    headings = segments.filter(pl.col("is_heading")).select(
        "doc_id", "section_no", "level", "text", "heading_path"
    )
    # `norm` is term keys joined by single spaces: its words are its spaces plus one (a count
    # of r"\S+" matches gives the same, three times slower)
    n_words = (pl.col("norm").str.count_matches(" ", literal=True) + 1).cast(pl.UInt32)
    words = segments.group_by("doc_id", "section_no").agg(
        pl.when(pl.col("norm").str.len_bytes() > 0)
        .then(n_words)
        .otherwise(0)
        .sum()
        .alias("n_words")
    )
    words_of = {(d, s): n for d, s, n in words.iter_rows()}
    sections_of: dict[str, list[int]] = {}
    for doc_id, section_no in segments.select("doc_id", "section_no").unique().iter_rows():
        sections_of.setdefault(doc_id, []).append(section_no)
    by_doc: dict[str, list[tuple[int, int, str, str]]] = {}
    for doc_id, section_no, level, text, path in headings.iter_rows():
        by_doc.setdefault(doc_id, []).append((section_no, level, text, path))
    for doc_id, sections in sections_of.items():
        rows = sorted(by_doc.get(doc_id, []))
        repeats = Counter(heading_keys(text) for _, _, text, _ in rows)
        units = DocUnits(doc_id, {0: 0}, {0: []})
        stack: list[tuple[int, int]] = []  # (level, unit_no) of the open headings
        for section_no, level, text, path in rows:
            while stack and stack[-1][0] >= level:
                stack.pop()
            keys = heading_keys(text)
            structural = not keys or repeats[keys] > 1
            unit_no = stack[-1][1] if structural and stack else section_no
            units.unit_of_section[section_no] = unit_no
            if unit_no == section_no:
                units.path_headings[unit_no] = path.split(HEADING_SEPARATOR)
                if stack:
                    units.parent[unit_no] = stack[-1][1]
                number = _SECTION_NUMBER.match(text)
                if number:
                    units.numbers.setdefault(number.group(1), unit_no)
            stack.append((level, unit_no))
        for section_no in sections:
            units.unit_of_section.setdefault(section_no, 0)
            unit_no = units.unit_of_section[section_no]
            units.n_words[unit_no] = units.n_words.get(unit_no, 0) + words_of.get(
                (doc_id, section_no), 0
            )
        result[doc_id] = units
    return result


def unit_column(segments: pl.DataFrame, units: dict[str, DocUnits]) -> pl.DataFrame:
    """The segments with a `unit_no` column added."""
    mapping = pl.DataFrame(
        [(d, s, u) for d, du in units.items() for s, u in du.unit_of_section.items()],
        schema={"doc_id": pl.Utf8, "section_no": pl.Int32, "unit_no": pl.Int32},
        orient="row",
    )
    return segments.join(mapping, on=["doc_id", "section_no"], how="left").with_columns(
        pl.col("unit_no").fill_null(0)
    )


def _similarity(label_keys: str, head_keys: str) -> float:
    """How well a heading mirrors an item's label, 0-100, on their topic words' keys."""
    if not label_keys or not head_keys:
        return 0.0
    score = fuzz.token_sort_ratio(label_keys, head_keys)
    label_set, head_set = set(label_keys.split()), set(head_keys.split())
    common = len(label_set & head_set)
    if (
        common >= 2
        and common / len(label_set) >= HEADING_COVERAGE
        and common / len(head_set) >= 0.5
    ):
        score = max(score, 100.0 * common / len(label_set))
    return float(score)


def heading_matches(units: DocUnits, labels: dict[str, str]) -> dict[str, dict[int, float]]:
    """For each item id, the units whose path has a heading mirroring its label, with the score."""
    unit_nos = list(units.path_headings)
    heads = sorted({h for u in unit_nos for h in units.path_headings[u]})
    if not heads or not labels:
        return {}
    head_keys = [heading_keys(h) for h in heads]
    item_ids = list(labels)
    label_keys = [heading_keys(labels[i]) for i in item_ids]
    rough = process.cdist(label_keys, head_keys, scorer=fuzz.token_set_ratio, workers=1)
    score_of: dict[tuple[int, int], float] = {}
    rows, columns = (rough >= HEADING_MATCH).nonzero()  # a cheap filter, row by row ...
    for i, j in zip(rows.tolist(), columns.tolist(), strict=True):
        score_of[(i, j)] = _similarity(label_keys[i], head_keys[j])  # ... the exact rule
    # Each mirroring heading marks the units under it; a unit keeps its best heading.
    units_under: dict[str, list[int]] = {}
    for unit_no in unit_nos:
        for h in dict.fromkeys(units.path_headings[unit_no]):
            units_under.setdefault(h, []).append(unit_no)
    best: dict[int, dict[int, float]] = {}
    for (i, j), score in score_of.items():
        if score >= HEADING_MATCH:
            of_item = best.setdefault(i, {})
            for unit_no in units_under[heads[j]]:
                of_item[unit_no] = max(of_item.get(unit_no, 0.0), score)
    order = {u: n for n, u in enumerate(unit_nos)}
    return {
        item_ids[i]: {u: best[i][u] for u in sorted(best[i], key=order.__getitem__)}
        for i in sorted(best)
    }


def referenced_units(units: DocUnits, texts: list[str]) -> set[int]:
    """Units that the texts point to by section number ("beskrevet i afsnit 4.3")."""
    found = set()
    for text in texts:
        for number in _REFERENCE.findall(text):
            if number in units.numbers:
                found.add(units.numbers[number])
    return found


_NUMBERED = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})+)\.?\s+\S")
MAX_INLINE_HEADING_WORDS = 30


def _next_numbers(number: str) -> set[str]:
    """The section numbers that may follow `number`: its next sibling, first child, or an
    ancestor's next sibling ("5.3" → "5.4", "5.3.1", "6.1")."""
    parts = [int(p) for p in number.split(".")]
    found = {".".join(map(str, [*parts, 1]))}
    for depth in range(len(parts), 1, -1):
        found.add(".".join(map(str, [*parts[: depth - 1], parts[depth - 1] + 1])))
    return found


def promote_inline_headings(segments: pl.DataFrame) -> pl.DataFrame:
    """Segments with numbered headings that the file lost ("5.4 Flere jobparate ...") as headings.

    A PDF or a pasted text often keeps a section heading as an ordinary paragraph, or glues it
    to the first line of its text. A short paragraph that starts with the section number that
    comes next after the last heading (`_next_numbers`) is taken as that heading: it gets its
    own section, level and heading path, so the same plan gives the same sections whatever its
    file format. A numbered sentence is a list item here as in every reader
    (`compare.ingest.headings.is_list_sentence`): `5.4 Flere jobparate skal i job` after `5.3`
    is promoted, `5.4 Jobcentret vil tilbyde alle jobparate en samtale hver måned.` is not (nor
    a heading run into a one-sentence text: the rule cannot tell that from a list item).
    Other documents are returned unchanged.
    """
    candidates = segments.filter(
        ~pl.col("is_heading") & pl.col("text").str.contains(r"^\s*\d{1,2}(?:\.\d{1,2})+\.?\s")
    )
    if candidates.is_empty():
        return segments
    docs = set(candidates["doc_id"].to_list())
    keep = segments.filter(~pl.col("doc_id").is_in(list(docs)))
    parts = [keep]
    for doc_id in sorted(docs):
        parts.append(_promote(segments.filter(pl.col("doc_id") == doc_id).sort("seg_no")))
    return pl.concat(parts).sort("doc_id", "seg_no")


def _promote(doc: pl.DataFrame) -> pl.DataFrame:
    # here, not at the top: loading compare.ingest costs commands that never promote a heading
    from compare.ingest.headings import is_list_sentence

    rows = doc.to_dicts()
    section = 0
    stack: list[tuple[int, str]] = []  # (level, heading text) of the open headings
    last_number: str | None = None
    promoted_any = False
    for row in rows:
        number = _NUMBERED.match(row["text"] or "")
        is_next = (
            not row["is_heading"]
            and number is not None
            and last_number is not None
            and number.group(1) in _next_numbers(last_number)
            and len((row["text"] or "").split()) <= MAX_INLINE_HEADING_WORDS
            and not is_list_sentence(row["text"] or "")
        )
        if row["is_heading"] or is_next:
            if is_next and number is not None:
                promoted_any = True
                row["is_heading"] = True
                row["level"] = number.group(1).count(".") + 1
            section += 1
            level = int(row["level"] or 1)
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, row["text"]))
            heading_number = _SECTION_NUMBER.match(row["text"] or "")
            if heading_number:
                last_number = heading_number.group(1)
        if row["section_no"] != 0 or section:
            row["section_no"] = section
            row["heading_path"] = HEADING_SEPARATOR.join(t for _, t in stack)
    if not promoted_any:
        return doc
    return pl.DataFrame(rows, schema=doc.schema)

"""Tag documents against frameworks: the pure core, frames in and frames out.

One vectorised pass finds all items' terms in all segments (`terms.find_terms`); Polars then
weights and sums them per unit; headings are matched with rapidfuzz; only the few passages that
decide a level are read sentence by sentence for targets.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import polars as pl
import pyarrow as pa

from compare.frameworks.catalog import Framework
from compare.schema import EVIDENCE, TAGS, FrameSchema, conform, empty_frame
from compare.tagging.score import Decision, Passage, UnitEvidence, decide, quote
from compare.tagging.terms import find_terms, idf_weights, term_table, with_elisions
from compare.tagging.units import (
    DocUnits,
    build_units,
    heading_matches,
    referenced_units,
    unit_column,
)

TAGGER_VERSION = "2"  # part of the stored framework hash: a new tagger redoes stored tags


def applicable_pairs(
    documents: pl.DataFrame, frameworks: Sequence[Framework]
) -> list[tuple[str, Framework]]:
    """(doc_id, framework) pairs to tag: goals by the plan's period, themes for every plan."""
    pairs = []
    for doc_id, year, year_to in documents.select("doc_id", "year", "year_to").iter_rows():
        for fw in frameworks:
            if fw.applies_to(year, year_to):
                pairs.append((doc_id, fw))
    return pairs


def tag_documents(
    documents: pl.DataFrame, segments: pl.DataFrame, frameworks: Sequence[Framework]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """TAGS and EVIDENCE frames for every applicable (document, framework, item).

    Documents are tagged whatever their kind; the caller chooses which to pass. A document with
    no segments gets blank levels for every applicable item.
    """
    documents = documents.select("doc_id", "year", "year_to", "text_hash")
    pairs = applicable_pairs(documents, frameworks)
    if not pairs:
        return empty_frame(TAGS), empty_frame(EVIDENCE)
    used = {fw.id: fw for _, fw in pairs}
    doc_ids = sorted({d for d, _ in pairs})
    segs = segments.filter(pl.col("doc_id").is_in(doc_ids))
    units = build_units(segs)
    segs = unit_column(segs, units)
    unit_ev, seg_scores = _item_evidence(segs, list(used.values()), pairs)
    text_hash = dict(documents.select("doc_id", "text_hash").iter_rows())
    stamp = datetime.now(UTC).replace(tzinfo=None)
    tags: dict[str, list] = {name: [] for name in TAGS}
    evidence: dict[str, list] = {name: [] for name in EVIDENCE}
    seg_rows = {
        (d, s): r
        for d, s, *r in segs.select(
            "doc_id",
            "seg_no",
            "unit_no",
            "text",
            "heading_path",
            "page",
            "line_start",
            "line_end",
            "is_heading",
        ).iter_rows()
    }
    by_unit: dict[tuple[str, int], list[int]] = {}
    for (doc_id, seg_no), row in seg_rows.items():
        by_unit.setdefault((doc_id, row[0]), []).append(seg_no)
    for doc_id, fw in pairs:
        doc_units = units.get(doc_id) or DocUnits(doc_id, {0: 0}, {0: []})
        headed = heading_matches(doc_units, {item.id: item.label for item in fw.items})
        for item in fw.items:
            key = (doc_id, fw.id, item.id)
            item_units = {u: UnitEvidence(u, s, set(t)) for u, s, t in unit_ev.get(key, [])}
            for unit_no, score in headed.get(item.id, {}).items():
                item_units.setdefault(unit_no, UnitEvidence(unit_no)).heading = score
            passages_of = Passages(doc_id, by_unit, seg_rows, seg_scores.get(key, {}))
            referenced: set[int] = set()
            if item.id in headed:
                texts = [p.text for u in headed[item.id] for p in passages_of.get(u)]
                referenced = referenced_units(doc_units, texts) - set(headed[item.id])
            decision = decide(fw.kind, item_units, referenced, passages_of, doc_units.parent)
            _add_tag(tags, doc_id, fw, item.id, decision, text_hash.get(doc_id), stamp)
            _add_evidence(evidence, doc_id, fw.id, item.id, decision, seg_rows)
    return _frame(tags, TAGS), _frame(evidence, EVIDENCE)


def _frame(columns: dict[str, list], schema: FrameSchema) -> pl.DataFrame:
    """A frame from column lists; list columns go through Arrow, which builds them in one step."""
    nested = {name for name, dtype in schema.items() if isinstance(dtype, pl.List)}
    frame = pl.DataFrame(
        {n: v for n, v in columns.items() if n not in nested},
        schema={n: d for n, d in schema.items() if n not in nested},
    )
    for name in nested:
        array = pa.array(columns[name], type=pa.list_(pa.large_string()))
        frame = frame.with_columns(pl.Series(name, pl.from_arrow(array)))
    return conform(frame, schema)


class Passages:
    """The passages of a document's units for one item, built when first asked for."""

    def __init__(
        self,
        doc_id: str,
        by_unit: dict[tuple[str, int], list[int]],  # (doc_id, unit_no) -> its seg_nos
        seg_rows: dict[tuple[str, int], list],  # (doc_id, seg_no) -> the segment's columns
        scores: dict[int, tuple],  # seg_no -> (score, anchor terms) for this item
    ) -> None:
        self.doc_id, self.by_unit, self.seg_rows, self.scores = doc_id, by_unit, seg_rows, scores
        self.cache: dict[int, list[Passage]] = {}

    def get(self, unit_no: int) -> list[Passage]:
        """The unit's segments as passages, in reading order."""
        if unit_no not in self.cache:
            passages = []
            for seg_no in self.by_unit.get((self.doc_id, unit_no), []):
                score, terms = self.scores.get(seg_no, (0.0, []))
                row = self.seg_rows[(self.doc_id, seg_no)]
                passages.append(Passage(seg_no, unit_no, row[1], score, list(terms), bool(row[6])))
            self.cache[unit_no] = passages
        return self.cache[unit_no]


def framework_hash(fw: Framework) -> str:
    """The hash stored with a tag: the framework's content and the tagger's version."""
    return f"{fw.content_hash}-t{TAGGER_VERSION}"


def _item_evidence(
    segs: pl.DataFrame, frameworks: list[Framework], pairs: list[tuple[str, Framework]]
) -> tuple[dict, dict]:
    """Weighted term hits summed per (doc, item, unit) and per (doc, item, segment).

    Returns two dicts keyed by (doc_id, framework_id, item_id): unit -> (score, anchor terms)
    as a list of (unit_no, score, terms), and seg_no -> (score, anchor terms) for segments with
    anchor terms. Documents and items are integer keys inside the query, which keeps the joins
    and group-bys over hundreds of thousands of hits cheap.
    """
    doc_ids = sorted({d for d, _ in pairs})
    dkey = {d: n for n, d in enumerate(doc_ids)}
    terms = term_table(frameworks)
    items = terms.select("framework_id", "item_id").unique(maintain_order=True)
    items = items.with_row_index("ikey").with_columns(pl.col("ikey").cast(pl.Int32))
    item_of = list(items.select("framework_id", "item_id").iter_rows())
    terms = terms.join(items, on=["framework_id", "item_id"])
    ikeys_of: dict[str, list[int]] = {}
    for ikey, (fw_id, _) in enumerate(item_of):
        ikeys_of.setdefault(fw_id, []).append(ikey)
    allowed = pl.DataFrame(
        [(dkey[d], k) for d, fw in pairs for k in ikeys_of.get(fw.id, [])],
        schema={"dkey": pl.Int32, "ikey": pl.Int32},
        orient="row",
    )
    keyed = with_elisions(segs, terms["term"].to_list()).select(
        pl.col("doc_id").replace_strict(dkey, return_dtype=pl.Int32), "seg_no", "norm", "unit_no"
    )
    found = find_terms(keyed, terms["pattern"].to_list()).rename({"doc_id": "dkey"})
    hits = (
        found.join(
            keyed.select(pl.col("doc_id").alias("dkey"), "seg_no", "unit_no"), on=["dkey", "seg_no"]
        )
        .join(terms.select("ikey", "term", "pattern", "source_weight", "anchor"), on="pattern")
        .join(allowed, on=["dkey", "ikey"])
    )
    # A term found inside a longer found term ("a kas" in "samarbejde med a kas") is the same
    # mention: only the longer one counts. Which terms contain which is known from the
    # framework alone, so the check is a join with that small table.
    keys = ["dkey", "seg_no", "ikey"]
    covered = (
        hits.select(*keys, "term")
        .join(_nested_terms(terms), on=["ikey", "term"])
        .join(hits.select(*keys, pl.col("term").alias("outer")), on=[*keys, "outer"], how="semi")
        .select(*keys, "term")
        .unique()
    )
    hits = hits.join(covered, on=[*keys, "term"], how="anti")
    n_units = keyed.group_by(pl.col("doc_id").alias("dkey")).agg(
        pl.col("unit_no").n_unique().alias("n_units")
    )
    idf = idf_weights(hits.select("dkey", "unit_no", "term").unique(), n_units)
    weighted = hits.join(idf, on=["dkey", "term"]).with_columns(
        (
            pl.col("idf") * pl.col("source_weight") * (1.0 + pl.col("count").cast(pl.Float64).log())
        ).alias("weight")
    )
    anchors = pl.col("term").filter(pl.col("anchor")).unique().sort()
    units_frame = weighted.group_by("dkey", "ikey", "unit_no").agg(
        pl.col("weight").sum().alias("score"), anchors.alias("terms")
    )
    segs_frame = (
        weighted.group_by("dkey", "ikey", "seg_no")
        .agg(pl.col("weight").sum().alias("score"), anchors.alias("terms"))
        .filter(pl.col("terms").list.len() > 0)
    )  # passages without anchor terms are never quoted
    unit_ev: dict[tuple[str, str, str], list[tuple]] = {}
    for d, k, unit_no, score, found_t in units_frame.iter_rows():
        unit_ev.setdefault((doc_ids[d], *item_of[k]), []).append((unit_no, score, found_t))
    seg_scores: dict[tuple[str, str, str], dict[int, tuple]] = {}
    for d, k, seg_no, score, found_t in segs_frame.iter_rows():
        seg_scores.setdefault((doc_ids[d], *item_of[k]), {})[seg_no] = (score, found_t)
    return unit_ev, seg_scores


def _nested_terms(terms: pl.DataFrame) -> pl.DataFrame:
    """(ikey, term, outer): pairs of one item's terms where `term` is part of `outer`."""
    rows: list[tuple[int, str, str]] = []
    for ikey, group in terms.group_by("ikey"):
        item_terms = group["term"].unique().to_list()
        rows.extend(
            (ikey[0], inner, outer)
            for inner in item_terms
            for outer in item_terms
            if inner != outer and inner in outer
        )
    return pl.DataFrame(
        rows, schema={"ikey": pl.Int32, "term": pl.Utf8, "outer": pl.Utf8}, orient="row"
    )


def _add_tag(
    tags: dict[str, list],
    doc_id: str,
    fw: Framework,
    item_id: str,
    decision: Decision,
    text_hash: str | None,
    stamp: datetime,
) -> None:
    row = {
        "doc_id": doc_id,
        "framework_id": fw.id,
        "item_id": item_id,
        "level": decision.level,
        "score": decision.score,
        "matched_terms": decision.terms,
        "target_sentence": decision.target,
        "framework_hash": framework_hash(fw),
        "text_hash": text_hash,
        "tagged_at": stamp,
    }
    for name, value in row.items():
        tags[name].append(value)


def _add_evidence(
    evidence: dict[str, list],
    doc_id: str,
    fw_id: str,
    item_id: str,
    decision: Decision,
    seg_rows: dict,
) -> None:
    for rank, (passage, is_target) in enumerate(decision.passages, start=1):
        _, text, heading_path, page, line_start, line_end, _ = seg_rows[(doc_id, passage.seg_no)]
        row = {
            "doc_id": doc_id,
            "framework_id": fw_id,
            "item_id": item_id,
            "rank": rank,
            "seg_no": passage.seg_no,
            "quote": quote(text, decision.target if is_target else None),
            "heading_path": heading_path,
            "page": page,
            "line_start": line_start,
            "line_end": line_end,
            "matched_terms": passage.terms,
            "score": round(passage.score, 3),
            "is_target": is_target,
        }
        for name, value in row.items():
            evidence[name].append(value)

"""Term evidence per (document, item, unit): found in one vectorised pass, weighed by information.

What a term is worth depends on all the plans tagged together (how many of their sections use
it, what the items learn from them; see `compare.frameworks.specificity` and `expand`). That is
a `Corpus`: built once over all the plans of a run (`corpus_of`) and handed to every chunk, so
that the tags do not depend on how the plans were split between worker processes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import polars as pl
from rapidfuzz import fuzz

from compare.frameworks.catalog import Framework
from compare.frameworks.labels import ORIGIN_KEYWORD, ORIGIN_LENT
from compare.tagging.expand import LEARNED_SCHEMA, learn_terms
from compare.tagging.terms import (
    find_terms,
    idf_weights,
    term_table,
    weigh_information,
    with_elisions,
)
from compare.text import normalise, words

NON_ANCHOR = 0.3  # a word too common to anchor an item still adds a little evidence
RESTATE_SHARE = 0.7  # a passage with this share of a label's words restates the label ...
RESTATE_MIN_WORDS = 3  # ... if the label has this many words (a one-word theme is not restated)
RESTATE_LENGTH = 1.2  # ... and the passage is at most this many times as long as the label
RESTATE_EXTRA_WORDS = 4  # ... plus this many words (a number, "Mål 3:", a short lead-in)
RESTATE_SIMILARITY = 75  # ... and reads like it (rapidfuzz ratio of the normalised texts)
# "Afsnit 5.5 er et nyt afsnit, som omhandler ... socialt bedrageri": a short passage about the
# document's own sections points to where a goal is addressed; it addresses nothing itself.
POINTER = r"(?i)\bafsnit(?:tet|tene)?\s+\d"
POINTER_MAX_WORDS = 40

SCORE_DIGITS = 9  # evidence sums kept to this many decimals (see `item_evidence`)


@dataclass
class Corpus:
    """What the plans tagged together say about the terms: section counts and learned terms."""

    unit_df: pl.DataFrame  # term, units_with: how many sections of all the plans use the term
    n_units: int  # how many sections the plans have
    learned: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=LEARNED_SCHEMA))

    def extra_terms(self) -> dict[tuple[str, str], list[str]]:
        """The learned terms per (framework_id, item_id)."""
        extra: dict[tuple[str, str], list[str]] = {}
        for fw_id, item_id, term in self.learned.select(
            "framework_id", "item_id", "term"
        ).iter_rows():
            extra.setdefault((fw_id, item_id), []).append(term)
        return extra


@dataclass
class _Query:
    """The keyed frames of one evidence query: documents and items as integer keys."""

    doc_ids: list[str]
    item_of: list[tuple[str, str]]
    items: pl.DataFrame  # framework_id, item_id, ikey
    terms: pl.DataFrame  # the term table with ikey
    keyed: pl.DataFrame  # doc_id (as dkey), seg_no, norm, unit_no
    allowed: pl.DataFrame  # dkey, ikey
    units_of: pl.DataFrame  # dkey, seg_no, unit_no
    n_units: pl.DataFrame  # dkey, n_units
    label_words: list[int]  # per ikey: how many words the item's label has
    label_norms: list[str]  # per ikey: the label's normalised text
    segs: pl.DataFrame  # the segments searched (doc_id, seg_no, text), for `pointers`

    @cached_property
    def pointers(self) -> pl.DataFrame:
        """dkey, seg_no: short passages that point to a section by number (`POINTER`).

        Only restatements need them, and a corpus that learns nothing never asks.
        """
        dkey = {d: n for n, d in enumerate(self.doc_ids)}
        return self.segs.filter(
            pl.col("doc_id").is_in(self.doc_ids)
            & pl.col("text").str.contains(POINTER)
            & (pl.col("text").str.count_matches(r"\S+") <= POINTER_MAX_WORDS)
        ).select(
            pl.col("doc_id").replace_strict(dkey, return_dtype=pl.Int32).alias("dkey"), "seg_no"
        )


def _query(
    segs: pl.DataFrame,
    frameworks: Sequence[Framework],
    pairs: list[tuple[str, Framework]],
    extra: dict[tuple[str, str], list[str]] | None = None,
    corpus_docs: Sequence[str] = (),
) -> _Query:
    doc_ids = sorted({d for d, _ in pairs} | set(corpus_docs))
    dkey = {d: n for n, d in enumerate(doc_ids)}
    terms = term_table(frameworks, extra)
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
    keyed = with_elisions(segs.filter(pl.col("doc_id").is_in(doc_ids)))
    keyed = keyed.select(
        pl.col("doc_id").replace_strict(dkey, return_dtype=pl.Int32), "seg_no", "norm", "unit_no"
    )
    units_of = keyed.select(pl.col("doc_id").alias("dkey"), "seg_no", "unit_no")
    n_units = keyed.group_by(pl.col("doc_id").alias("dkey")).agg(
        pl.col("unit_no").n_unique().alias("n_units")
    )
    label_of = {(fw.id, item.id): item.label for fw in frameworks for item in fw.items}
    labels = [label_of.get(key, "") for key in item_of]
    return _Query(
        doc_ids,
        item_of,
        items,
        terms,
        keyed,
        allowed,
        units_of,
        n_units,
        [len(words(label)) for label in labels],
        [normalise(label) for label in labels],
        segs.select("doc_id", "seg_no", "text"),
    )


def learns(frameworks: Sequence[Framework]) -> bool:
    """True if some item is known by its label alone: the corpus then learns terms for it.

    Without learning, the corpus is only section counts, which add up over any split of the
    documents (`merge_counts`).
    """
    terms = term_table(frameworks).select("framework_id", "item_id", "origin")
    described = terms.filter(pl.col("origin").is_in([ORIGIN_KEYWORD, ORIGIN_LENT]))
    return not terms.join(described, on=["framework_id", "item_id"], how="anti").is_empty()


def merge_counts(parts: Sequence[Corpus]) -> Corpus:
    """One corpus from the section counts of disjoint sets of documents (nothing learned)."""
    unit_df = (
        pl.concat([part.unit_df for part in parts])
        .group_by("term")
        .agg(pl.col("units_with").sum().cast(pl.Int64))
    )
    return Corpus(unit_df, sum(part.n_units for part in parts))


def corpus_of(
    segs: pl.DataFrame, frameworks: Sequence[Framework], pairs: list[tuple[str, Framework]]
) -> Corpus:
    """The corpus statistics of all the documents in `segs` (see `corpus_found`)."""
    return corpus_found(segs, frameworks, pairs)[0]


def corpus_found(
    segs: pl.DataFrame, frameworks: Sequence[Framework], pairs: list[tuple[str, Framework]]
) -> tuple[Corpus, tuple[_Query, pl.DataFrame]]:
    """The corpus statistics of all the documents in `segs` (segments with `unit_no`).

    First the items' own terms are found and weighed with the plans' section counts; then each
    item described by its label alone learns from its core passages (`expand.learn_terms`); the
    learned terms are found too, so that their section counts are known. Also returns the
    query and the hits found, which `item_evidence` reuses for the same segments.

    The statistics are the documents', not the frameworks': a term's section count is where
    its words occur in any of the documents, whichever frameworks are tagged with it and
    whichever documents a goal framework applies to, so that a framework gets the same levels
    whatever else is tagged in the same run.
    """
    corpus_docs = segs["doc_id"].unique().to_list()
    q = _query(segs, frameworks, pairs, corpus_docs=corpus_docs)
    total = int(q.n_units["n_units"].sum()) if not q.n_units.is_empty() else 0
    found = find_terms(q.keyed, q.terms["pattern"].to_list()).rename({"doc_id": "dkey"})
    corpus = Corpus(_unit_df(found, q), total)
    if not learns(frameworks):
        return corpus, (q, found)  # nothing to learn: the section counts are all there is
    # Only items described by their label alone learn: hand-written keywords already say in
    # the plans' words what the item is about, and learning on top of them blurs X and (X).
    described = q.terms.filter(pl.col("origin").is_in([ORIGIN_KEYWORD, ORIGIN_LENT]))["ikey"]
    every_hit = _hits(found, q, nested=True)
    hits = _outer_hits(every_hit, q)
    restating = restatements(every_hit, q)
    del every_hit  # the largest frame of the run: gone before the weights are joined on
    hits = hits.join(restating, on=["dkey", "seg_no", "ikey"], how="anti")
    weighted = _weigh(hits, found, q, corpus)
    core_hits = weighted.filter(
        pl.col("core") & ~pl.col("ikey").is_in(described.unique().implode())
    ).select("dkey", "seg_no", "ikey")
    learned = learn_terms(
        core_hits,
        q.keyed.rename({"doc_id": "dkey"}),
        q.terms.select("ikey", "term"),
        q.item_of,
        q.doc_ids,
        find_terms,
    )
    if learned.is_empty():
        return corpus, (q, found)
    corpus.learned = learned
    q2 = _query(segs, frameworks, pairs, corpus.extra_terms(), corpus_docs=corpus_docs)
    new = sorted(set(q2.terms["pattern"].to_list()) - set(q.terms["pattern"].to_list()))
    more = find_terms(q2.keyed, new).rename({"doc_id": "dkey"})
    found = pl.concat([found, more])
    corpus.unit_df = _unit_df(found, q2)
    return corpus, (q2, found)


def item_evidence(
    segs: pl.DataFrame,
    frameworks: Sequence[Framework],
    pairs: list[tuple[str, Framework]],
    corpus: Corpus,
    found_in: tuple[_Query, pl.DataFrame] | None = None,
) -> tuple[dict, dict, dict, dict]:
    """Weighted term hits summed per (doc, item, unit) and per (doc, item, segment).

    Returns three dicts keyed by (doc_id, framework_id, item_id): unit -> a list of (unit_no,
    score, anchor terms, core terms); seg_no -> (score, anchor terms) for segments with anchor
    terms; and the seg_nos that only restate the item's label (`restatements`), which count
    for nothing. The fourth, keyed by (framework_id, item_id), holds each found term's
    information relative to the item's most telling term. `found_in` is what `corpus_found`
    returned for these same segments, to save finding the terms again.
    """
    if found_in is not None:
        q, found = found_in
    else:
        q = _query(segs, frameworks, pairs, corpus.extra_terms())
        found = find_terms(q.keyed, q.terms["pattern"].to_list()).rename({"doc_id": "dkey"})
    every_hit = _hits(found, q, nested=True)
    restating = restatements(every_hit, q)
    hits = _outer_hits(every_hit, q).join(restating, on=["dkey", "seg_no", "ikey"], how="anti")
    weighted = _weigh(hits, found, q, corpus)
    anchors = pl.col("term").filter(pl.col("anchor")).unique().sort()
    cores = pl.col("term").filter(pl.col("core")).unique().sort()
    # Sums are rounded: joins and parallel sums add the same weights in another order from run
    # to run, and two passages with equal evidence must rank the same way every time.
    score = pl.col("weight").sum().round(SCORE_DIGITS).alias("score")
    units_frame = weighted.group_by("dkey", "ikey", "unit_no").agg(
        score, anchors.alias("terms"), cores.alias("core")
    )
    relative: dict[tuple[str, str], dict[str, float]] = {}
    for k, term, rel in weighted.select("ikey", "term", "relative").unique().iter_rows():
        relative.setdefault(q.item_of[k], {})[term] = rel
    segs_frame = (
        weighted.group_by("dkey", "ikey", "seg_no")
        .agg(score, anchors.alias("terms"))
        .filter(pl.col("terms").list.len() > 0)
    )  # passages without anchor terms are never quoted
    unit_ev: dict[tuple[str, str, str], list[tuple]] = {}
    for d, k, unit_no, score, found_t, core in units_frame.iter_rows():
        unit_ev.setdefault((q.doc_ids[d], *q.item_of[k]), []).append(
            (unit_no, score, found_t, core)
        )
    seg_scores: dict[tuple[str, str, str], dict[int, tuple]] = {}
    for d, k, seg_no, score, found_t in segs_frame.iter_rows():
        seg_scores.setdefault((q.doc_ids[d], *q.item_of[k]), {})[seg_no] = (score, found_t)
    restated: dict[tuple[str, str, str], set[int]] = {}
    for d, seg_no, k in restating.iter_rows():
        restated.setdefault((q.doc_ids[d], *q.item_of[k]), set()).add(seg_no)
    return unit_ev, seg_scores, restated, relative


def core_terms(
    frameworks: Sequence[Framework], pairs: list[tuple[str, Framework]], corpus: Corpus
) -> dict[tuple[str, str], list[str]]:
    """The core terms of each (framework_id, item_id), as the corpus weighs them."""
    terms = term_table(frameworks, corpus.extra_terms())
    weighed = weigh_information(terms, corpus.unit_df, corpus.n_units).filter(pl.col("core"))
    found: dict[tuple[str, str], list[str]] = {}
    for fw_id, item_id, term in weighed.select("framework_id", "item_id", "term").iter_rows():
        found.setdefault((fw_id, item_id), []).append(term)
    return found


def described_items(frameworks: Sequence[Framework]) -> set[tuple[str, str]]:
    """(framework_id, item_id) of the items with hand-written or lent keywords."""
    terms = term_table(frameworks).filter(pl.col("origin").is_in([ORIGIN_KEYWORD, ORIGIN_LENT]))
    return set(terms.select("framework_id", "item_id").unique().iter_rows())


def restatements(hits: pl.DataFrame, q: _Query) -> pl.DataFrame:
    """(dkey, seg_no, ikey): passages that only restate an item's label. Listing is not addressing.

    Nearly every plan lists the year's goals near its start ("Ministermålene for 2018 er: 1.
    Flere personer skal i beskæftigelse ..."), and a council's themes likewise. A passage
    restates an item when it holds `RESTATE_SHARE` of the label's topic words (at least
    `RESTATE_MIN_WORDS` of them) and either reads like the label and is hardly longer (a
    bullet, a line) or restates two or more items of the framework at once (an enumeration).
    A passage restating one item is no evidence for the framework's other items either, and a
    short passage that points to a section by number (`POINTER`) is treated alike. Such
    passages are never
    evidence for the item, and their numbers are the goal's, not the plan's target.
    """
    pointing = hits.join(q.pointers, on=["dkey", "seg_no"], how="semi").select(
        "dkey", "seg_no", "ikey"
    )
    label_terms = q.terms.filter(pl.col("in_label"))
    n_label = label_terms.group_by("ikey").agg(pl.len().alias("n_label"))
    label_hits = hits.join(label_terms.select("ikey", "term"), on=["ikey", "term"], how="semi")
    covered = (
        label_hits.group_by("dkey", "seg_no", "ikey")
        .agg(pl.col("term").n_unique().alias("n_hit"))
        .join(n_label, on="ikey")
        .filter(
            (pl.col("n_label") >= RESTATE_MIN_WORDS)
            & (pl.col("n_hit") >= RESTATE_SHARE * pl.col("n_label"))
        )
    )
    if covered.is_empty():
        return pointing.unique()
    fw_of = pl.DataFrame(
        {
            "ikey": list(range(len(q.item_of))),
            "fw": [fw for fw, _ in q.item_of],
            "label_words": q.label_words,
        },
        schema={"ikey": pl.Int32, "fw": pl.Utf8, "label_words": pl.Int64},
    )
    texts = q.keyed.select(pl.col("doc_id").alias("dkey"), "seg_no", "norm")
    found = (
        covered.join(fw_of, on="ikey")
        .join(texts, on=["dkey", "seg_no"])
        .with_columns(
            pl.len().over("dkey", "seg_no", "fw").alias("n_items"),
            pl.col("norm").str.count_matches(r"\S+").alias("n_words"),  # of the few joined
        )
        .filter(
            (pl.col("n_items") >= 2)
            | (pl.col("n_words") <= RESTATE_LENGTH * pl.col("label_words") + RESTATE_EXTRA_WORDS)
        )
    )
    # A short passage is the label said again only if it reads like the label: "Kontrol-
    # indsatsen skal forebygge socialt bedrageri ..." uses the goal's words to say something.
    keep = [
        n_items >= 2 or fuzz.ratio(norm, q.label_norms[ikey]) >= RESTATE_SIMILARITY
        for ikey, norm, n_items in found.select("ikey", "norm", "n_items").iter_rows()
    ]
    restating = found.filter(pl.Series(keep, dtype=pl.Boolean)).select("dkey", "seg_no", "fw")
    # A goal's bullet is no evidence for the other goals either ("Flere flygtninge ... skal
    # være selvforsørgende" is not about goal 1's "offentlig forsørgelse").
    others = (
        hits.select("dkey", "seg_no", "ikey")
        .unique()
        .join(fw_of.select("ikey", "fw"), on="ikey")
        .join(restating.unique(), on=["dkey", "seg_no", "fw"], how="semi")
        .select("dkey", "seg_no", "ikey")
    )
    return others.vstack(pointing).unique()


def _term_units(found: pl.DataFrame, q: _Query) -> pl.DataFrame:
    """dkey, unit_no, term: each section where a term's pattern occurs, whatever item has it."""
    patterns = q.terms.select("term", "pattern").unique()
    return (
        found.join(q.units_of, on=["dkey", "seg_no"])
        .select("dkey", "unit_no", "pattern")
        .unique()
        .join(patterns, on="pattern")
        .select("dkey", "unit_no", "term")
    )


def _unit_df(found: pl.DataFrame, q: _Query) -> pl.DataFrame:
    """term, units_with: in how many sections of all the documents the term's pattern occurs."""
    return _term_units(found, q).group_by("term").agg(pl.len().cast(pl.Int64).alias("units_with"))


def _hits(found: pl.DataFrame, q: _Query, nested: bool = False) -> pl.DataFrame:
    """Each (dkey, seg_no, ikey, term) hit with its unit and count; nested mentions dropped.

    With `nested`, a term found inside a longer found term is kept.
    """
    hits = (
        found.join(q.units_of, on=["dkey", "seg_no"])
        .join(q.terms.select("ikey", "term", "pattern"), on="pattern")
        .drop("pattern")  # the term says it; at 1,000 plans the column alone is ~100 MB
        .join(q.allowed, on=["dkey", "ikey"])
    )
    return hits if nested else _outer_hits(hits, q)


def _outer_hits(hits: pl.DataFrame, q: _Query) -> pl.DataFrame:
    """The hits without the terms found inside a longer found term of the same item.

    A term found inside a longer found term ("a kas" in "samarbejde med a kas") is the same
    mention: only the longer one counts. Which terms contain which is known from the
    framework alone, so the check is a join with that small table.
    """
    keys = ["dkey", "seg_no", "ikey"]
    covered = (
        hits.select(*keys, "term")
        .join(_nested_terms(q.terms), on=["ikey", "term"])
        .join(hits.select(*keys, pl.col("term").alias("outer")), on=[*keys, "outer"], how="semi")
        .select(*keys, "term")
        .unique()
    )
    return hits.join(covered, on=[*keys, "term"], how="anti")


def _weigh(hits: pl.DataFrame, found: pl.DataFrame, q: _Query, corpus: Corpus) -> pl.DataFrame:
    """The hits with weight, relative information, anchor and core (`weigh_information`).

    A term's weight is its idf among the document's units (where its words occur, `found`)
    times its source weight, damped by count; a term that does not anchor counts `NON_ANCHOR`
    times its information relative to the item's best term.
    """
    weighed = weigh_information(q.terms, corpus.unit_df, corpus.n_units)
    idf = idf_weights(_term_units(found, q), q.n_units)
    return (
        hits.join(idf, on=["dkey", "term"])
        .join(
            weighed.select("ikey", "term", "source_weight", "relative", "anchor", "core"),
            on=["ikey", "term"],
        )
        .with_columns(
            (
                pl.col("idf")
                * pl.col("source_weight")
                * pl.when(pl.col("anchor")).then(1.0).otherwise(NON_ANCHOR * pl.col("relative"))
                * (1.0 + pl.col("count").cast(pl.Float64).log())
            ).alias("weight")
        )
    )


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

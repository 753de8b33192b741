"""Learn an item's further terms from the plans themselves (pseudo-relevance feedback).

A pasted label is a few words; a plan describes the theme in its own. The passages of all plans
tagged together that contain one of the item's *core* terms (see
`compare.tagging.terms.weigh_information`) are taken as about the item; a word that recurs in
those passages and is rare elsewhere is lent to the item as a *learned* term ("Flygtninge"
learns `integrationsprogram`, `familiesammenført`; "Anvendelse af de handicapkompenserende
ordninger" learns `handicap…` words from the plans' handicap sections). Learned terms widen the
net and anchor matches, but never count as the item's core: an item whose core is found nowhere
learns nothing, so an absent theme stays blank. Every learned term is kept as data (which item,
which term, from how many passages of which documents) for the frameworks page and the evidence.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import polars as pl

from compare.schema import LEARNED_TERMS as LEARNED_SCHEMA
from compare.text import STOPWORDS, term_key

MAX_LEARNED = 6  # terms learned per item
MIN_PASSAGES = 3  # a word must recur in this many of the item's passages ...
MIN_SHARE = 0.15  # ... and in this share of them
MIN_CONCENTRATION = 0.3  # of all passages using the word, this share must be the item's
MIN_KEY_CHARS = 5


def _stop_keys() -> frozenset[str]:
    return frozenset(term_key(w) for w in STOPWORDS)


def candidate_keys(core_segments: pl.DataFrame) -> pl.DataFrame:
    """(ikey, key, dkey, seg_no): the words of the items' core passages that could be learned."""
    stop = list(_stop_keys())
    return (
        core_segments.select(
            "ikey", "dkey", "seg_no", pl.col("norm").str.split(" ").list.unique().alias("key")
        )
        .explode("key")
        .filter(
            (pl.col("key").str.len_chars() >= MIN_KEY_CHARS)
            & ~pl.col("key").str.contains(r"\d")
            & ~pl.col("key").is_in(stop)
        )
    )


def learn_terms(
    core_hits: pl.DataFrame,
    keyed: pl.DataFrame,
    known: pl.DataFrame,
    item_of: list[tuple[str, str]],
    doc_ids: list[str],
    find: Callable[[pl.DataFrame, list[str]], pl.DataFrame],
) -> pl.DataFrame:
    """The terms each item learns (LEARNED_SCHEMA), best first.

    `core_hits` has dkey, seg_no, ikey for each passage with a core term of the item; `keyed`
    the segments (dkey, seg_no, norm); `known` the ikey, term pairs the items have already;
    `find(segments, patterns)` counts patterns per segment (`terms.find_terms`).
    """
    if core_hits.is_empty():
        return pl.DataFrame(schema=LEARNED_SCHEMA)
    core = core_hits.select("dkey", "seg_no", "ikey").unique()
    passages = core.join(keyed.select("dkey", "seg_no", "norm"), on=["dkey", "seg_no"])
    words = candidate_keys(passages).join(
        known.select("ikey", pl.col("term").alias("key")), on=["ikey", "key"], how="anti"
    )
    per_item = words.group_by("ikey", "key").agg(
        pl.len().alias("passages"), pl.col("dkey").unique().sort().alias("dkeys")
    )
    n_core = core.group_by("ikey").agg(pl.len().alias("n_core"))
    per_item = per_item.join(n_core, on="ikey").filter(
        (pl.col("passages") >= MIN_PASSAGES) & (pl.col("passages") >= MIN_SHARE * pl.col("n_core"))
    )
    if per_item.is_empty():
        return pl.DataFrame(schema=LEARNED_SCHEMA)
    keys = sorted(set(per_item["key"].to_list()))
    counts = find(keyed.rename({"dkey": "doc_id"}), [f" {k} " for k in keys])
    df = (
        counts.group_by("pattern")
        .agg(pl.len().alias("df"))
        .select(pl.col("pattern").str.strip_chars(" ").alias("key"), "df")
    )
    n_segments = max(1, keyed.height)
    scored = (
        per_item.join(df, on="key")
        .filter(pl.col("passages") >= MIN_CONCENTRATION * pl.col("df"))
        .with_columns(
            (
                pl.col("passages").cast(pl.Float64)
                * (pl.lit(float(n_segments)) / pl.col("df")).log()
                / math.log(n_segments + 1)
            ).alias("score")
        )
        .sort(["ikey", "score", "key"], descending=[False, True, False])
        .group_by("ikey", maintain_order=True)
        .head(MAX_LEARNED)
    )
    rows = [
        (*item_of[ikey], key, passages, [doc_ids[d] for d in dkeys], round(score, 3))
        for ikey, key, passages, dkeys, score in scored.select(
            "ikey", "key", "passages", "dkeys", "score"
        ).iter_rows()
    ]
    return pl.DataFrame(rows, schema=LEARNED_SCHEMA, orient="row")

"""Find every framework item's terms in every segment in one vectorised Polars pass.

An item's terms are normalised phrases (space-separated term keys, see `compare.text`). A term
matches at word boundaries in a segment's `norm`; a term whose last key is long enough also
matches as the start of a longer word, because Danish writes compounds as one word
(`flygtning` matches `flygtningeindsatsen`, `handicap` matches `handicapkompenserende`).
All items' terms become one list of patterns that Polars' Aho-Corasick `extract_many` finds in
all segments at once.

Danish elides the shared tail of compounds in a list: "lære- og elevpladser" means
"lærepladser og elevpladser". `elided_keys` completes such words, so that a term matches the
elided form as it matches the whole word, whatever else a run looks for.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TypeVar

import polars as pl

from compare.frameworks.catalog import Framework
from compare.frameworks.labels import (
    ORIGIN_DESCRIPTION,
    ORIGIN_KEYWORD,
    ORIGIN_LABEL,
    ORIGIN_LEARNED,
    ORIGIN_LENT,
    ORIGIN_PART,
    ORIGIN_PHRASE,
    ORIGIN_RELATED,
    UNKNOWN_PART,
    action_keys,
    element_of_terms,
    label_terms,
    predicate_verb,
    topic_keys,
)
from compare.frameworks.specificity import PRIOR_UNITS, compound_tail, framework_spread
from compare.frameworks.thesaurus import borrowed
from compare.schema import TERM_TABLE as TERM_TABLE_SCHEMA
from compare.text import STOPWORDS, content_keys, normalise, restore_ocr, term_key

FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)

PREFIX_MIN_CHARS = 5  # a key this long also matches as the first part of a compound
# How much a match counts, by where the term came from.
WEIGHT_KEYWORD = 1.0
WEIGHT_PHRASE = 1.4  # a multi-word phrase: hand-written or a pair of label words
WEIGHT_LABEL = 1.0
WEIGHT_PART = 0.8  # a part of a label's compound
WEIGHT_DESCRIPTION = 0.6
WEIGHT_LEARNED = 0.5  # learned from the plans (see `compare.tagging.expand`)
WEIGHT_RELATED = 0.8  # a term of the label's concept in the thesaurus, as a compound's part
MIN_SECTIONS_FOR_IDF = 12  # short documents are weighted as if they had this many sections
# Of an item's terms, those with this share of its best term's information anchor a match, and
# those with CORE_SHARE are its core: an item is addressed only where a core term is found.
ANCHOR_SHARE = 0.3
CORE_SHARE = 0.75  # tagger 9 (was 0.7): see `score.Candidate.addressed`
MIN_INFO = 0.2  # a term below this is never an anchor, whatever the item's other terms

# Data cannot know these: abbreviations and list words of labels ("fx ift. lære- og
# praktikpladser m.v."), which a frequency list does not hold as words and plans use everywhere.
_GENERIC_WORDS = """
ift vedr mv fx etc herunder bl jf evt mht ca
"""

# "lære- og elevpladser", "lære-, elev- og praktikpladser" (OCR may read "og" as "0g").
_ELISION = re.compile(
    r"((?:\b\w{2,}-,?\s+)+)(?:og|0g|eller|samt|&)\s+(\w{5,})", re.IGNORECASE | re.UNICODE
)
_ELIDED_WORD = re.compile(r"(\w{2,})-")


@lru_cache(maxsize=16384)
def elided_keys(text: str) -> tuple[str, ...]:
    """Term keys of the compounds a text writes elided: "lære- og elevpladser" → lærepladser.

    In "lære- og elevpladser" the first word borrows the tail of the last, the last's final
    compound part (`specificity.compound_tail`: "pladser"). The completion does not depend on
    what is being looked for: before session 6 the tail was the one that made some term of
    the run match, so adding a framework to a run could change another framework's evidence.
    Memoised: a run looks at each segment twice (corpus statistics, then evidence).
    """
    found: list[str] = []
    for match in _ELISION.finditer(text):
        tail = _tail(match.group(2).lower())
        if tail is None:
            continue
        for head in _ELIDED_WORD.findall(match.group(1)):
            found.append(_completion(head.lower(), tail))
    return tuple(found)


@lru_cache(maxsize=65536)
def _tail(word: str) -> str | None:
    """The final compound part of an elided compound's last word (OCR readings restored)."""
    return compound_tail(restore_ocr(word))


@lru_cache(maxsize=65536)
def _completion(head: str, tail: str) -> str:
    """The key of `head` completed with `tail` (memoised: plans repeat the same pairs)."""
    return term_key(head + tail)


def matched_terms(key: str, terms: frozenset[str]) -> frozenset[str]:
    """The one-word terms that match a key: the whole key, or a long enough prefix of it."""
    if key not in terms and key[:PREFIX_MIN_CHARS] not in _prefixes(terms):
        return frozenset()  # the common case, answered without trying every prefix
    found = {key} & terms
    found.update(key[:n] for n in range(PREFIX_MIN_CHARS, len(key)) if key[:n] in terms)
    return frozenset(found)


@lru_cache(maxsize=16)
def _prefixes(terms: frozenset[str]) -> frozenset[str]:
    """The first `PREFIX_MIN_CHARS` characters of every term that long (a frozenset keeps
    its hash, so asking again for the same terms costs a lookup)."""
    return frozenset(t[:PREFIX_MIN_CHARS] for t in terms if len(t) >= PREFIX_MIN_CHARS)


def with_elisions(segments: pl.DataFrame) -> pl.DataFrame:
    """The segments with the completed elided compounds (see `elided_keys`) added to `norm`."""
    has_elision = pl.col("text").str.contains(r"\w-,?\s+(?:\w+-,?\s+)*(?:og|0g|eller|samt|&)\s")
    rows = segments.filter(has_elision).select("doc_id", "seg_no", "text")
    extra = [
        (doc_id, seg_no, " ".join(keys))
        for doc_id, seg_no, text in rows.iter_rows()
        if (keys := elided_keys(text))
    ]
    if not extra:
        return segments
    added = pl.DataFrame(
        extra,
        schema={
            "doc_id": segments.schema["doc_id"],
            "seg_no": segments.schema["seg_no"],
            "extra": pl.Utf8,
        },
        orient="row",
    )
    return (
        segments.join(added, on=["doc_id", "seg_no"], how="left")
        .with_columns(
            pl.when(pl.col("extra").is_null())
            .then(pl.col("norm"))
            .otherwise(pl.col("norm") + " " + pl.col("extra"))
            .alias("norm")
        )
        .drop("extra")
    )


def term_pattern(term: str) -> str:
    """The padded pattern searched for in `" " + norm + " "`: whole words, or a word prefix."""
    last = term.rsplit(" ", 1)[-1]
    exact = len(last) < PREFIX_MIN_CHARS or last.isdigit()
    return f" {term} " if exact else f" {term}"


@lru_cache(maxsize=1)
def generic_keys() -> frozenset[str]:
    """Term keys of the words data cannot weigh (see `_GENERIC_WORDS`) and of stop words."""
    return frozenset(term_key(w) for w in _GENERIC_WORDS.split()) | frozenset(
        term_key(w) for w in STOPWORDS
    )


def is_generic(term: str) -> bool:
    """True if every key of the term is a generic or stop word."""
    generic = generic_keys()
    return all(key in generic or key.isdigit() or len(key) < 3 for key in term.split())


def term_table(
    frameworks: Sequence[Framework], learned: dict[tuple[str, str], list[str]] | None = None
) -> pl.DataFrame:
    """One row per (framework, item, term): pattern, weight, origin and prior information.

    `learned` adds terms learned from the plans per (framework_id, item_id) (see
    `compare.tagging.expand`): they widen the net and anchor, but are never an item's core.
    Memoised: each chunk of plans asks for the same frameworks' table several times.
    """
    frozen = tuple(sorted((key, tuple(terms)) for key, terms in (learned or {}).items()))
    return _term_table(tuple(frameworks), frozen)


@lru_cache(maxsize=8)
def _term_table(
    frameworks: tuple[Framework, ...], frozen: tuple[tuple[tuple[str, str], tuple[str, ...]], ...]
) -> pl.DataFrame:
    learned = {key: list(terms) for key, terms in frozen}
    rows: dict[str, list] = {name: [] for name in TERM_TABLE_SCHEMA}
    for fw in frameworks:
        of_label = {item.id: {t.term: t for t in label_terms(item.label)} for item in fw.items}
        related_of = {
            item.id: {t.term: t for t in borrowed(item.label, item.keywords)} for item in fw.items
        }
        element_of = {item.id: element_of_terms(item.label) for item in fw.items}
        # Keywords say what an item is about; a label alone says it with its topic.
        topic_of = {
            item.id: frozenset() if item.keywords else topic_keys(item.label) for item in fw.items
        }
        verb_of = {item.id: predicate_verb(item.label) for item in fw.items}
        action_of = {item.id: action_keys(item.label) for item in fw.items}
        users: dict[str, int] = {}
        for terms in of_label.values():
            for term in terms:
                users[term] = users.get(term, 0) + 1
        for item in fw.items:
            keyword_terms = {normalise(k) for k in item.keywords}
            description_keys = set(content_keys(item.description or ""))
            extra = (learned or {}).get((fw.id, item.id), [])
            for term in [*item.terms, *(t for t in extra if t not in item.terms)]:
                found = of_label[item.id].get(term)
                related = related_of[item.id].get(term) if found is None else None
                if term in keyword_terms:
                    origin, weight = ORIGIN_KEYWORD, WEIGHT_KEYWORD
                elif found is not None:
                    origin = found.origin
                    weight = {ORIGIN_PHRASE: WEIGHT_PHRASE, ORIGIN_PART: WEIGHT_PART}.get(
                        origin, WEIGHT_LABEL
                    )
                elif related is not None:
                    origin, weight = ORIGIN_RELATED, WEIGHT_RELATED
                elif term in description_keys:
                    origin, weight = ORIGIN_DESCRIPTION, WEIGHT_DESCRIPTION
                elif term in item.terms:
                    origin, weight = ORIGIN_LENT, WEIGHT_KEYWORD
                else:
                    origin, weight = ORIGIN_LEARNED, WEIGHT_LEARNED
                if " " in term and origin in (ORIGIN_KEYWORD, ORIGIN_LENT):
                    weight = WEIGHT_PHRASE
                generic = is_generic(term)
                rows["framework_id"].append(fw.id)
                rows["item_id"].append(item.id)
                rows["term"].append(term)
                rows["pattern"].append(term_pattern(term))
                rows["source_weight"].append(weight)
                # Description words widen the net but never anchor a match on their own.
                rows["anchor"].append(not generic and origin != ORIGIN_DESCRIPTION)
                # A sentence label's lone verb ("... skal bekæmpes") and an action noun before
                # a telling object ("professionalisering af oplæringsvejledere") say what
                # should happen, not what the item is about (`labels.predicate_verb`,
                # `labels.action_keys`; a hand-written keyword of the same word stays).
                rows["core_ok"].append(
                    not generic
                    and origin not in (ORIGIN_DESCRIPTION, ORIGIN_LEARNED)
                    and term != verb_of[item.id]
                    and (origin in (ORIGIN_KEYWORD, ORIGIN_LENT) or term not in action_of[item.id])
                )
                rows["rarity"].append(
                    found.rarity
                    if found is not None
                    else related.rarity
                    if related is not None
                    else 1.0
                )
                rows["spread"].append(framework_spread(users.get(term, 1)))
                rows["origin"].append(origin)
                rows["in_label"].append(found is not None and found.origin == ORIGIN_LABEL)
                # A borrowed term is no more telling than the label words it stands for (as a
                # compound is no more telling than its parts; see `weigh_information`), and
                # belongs to their element of a listing label.
                via = [k for k in related.via if k in of_label[item.id]] if related else []
                rows["parts"].append(list(found.parts) if found is not None else via)
                rows["element"].append(
                    max((element_of[item.id].get(k, -1) for k in via), default=-1)
                    if related
                    else element_of[item.id].get(term, -1)
                )
                topic = topic_of[item.id]
                rows["topic"].append(bool(topic) and all(k in topic for k in term.split()))
    return pl.DataFrame(rows, schema=TERM_TABLE_SCHEMA)


def weigh_information(terms: pl.DataFrame, unit_df: pl.DataFrame, n_units: int) -> pl.DataFrame:
    """The term table with `info`, `anchor` and `core` decided from the plans being tagged.

    `unit_df` has term, units_with: in how many sections (of all plans tagged together) the
    term is found; `n_units` counts those sections. A term's information is its framework
    spread times its rarity in the plans, blended with its general-Danish rarity
    (`specificity.blended_info`); hand-written and lent keywords keep full information. Then,
    per item, terms with `ANCHOR_SHARE` of the information of the item's best one-word term
    anchor a match and those with `CORE_SHARE` are its core (a phrase of two label words is
    rarer than either, so it does not set the scale). The terms of each element of a listing
    label are measured against that element's best term instead (`labels.listing_elements`).
    A telling word of the label's topic (`labels.topic_keys`: its head, or a sentence's
    subject) is core whatever its share: "opkvalificering" in "Opkvalificering, herunder ...
    (VEU)" is what the theme is about, however much rarer "VEU" is.
    """
    share = n_units / (n_units + PRIOR_UNITS)
    top = math.log((n_units + 1) / 0.5)
    plans = (
        ((n_units + 1) / (pl.col("units_with").cast(pl.Float64) + 0.5)).log() / top
        if top > 0
        else pl.lit(1.0)
    )
    hand = pl.col("origin").is_in([ORIGIN_KEYWORD, ORIGIN_LENT])
    info = (
        pl.when(hand)
        .then(1.0)
        .otherwise(
            pl.col("spread") * ((1 - share) * pl.col("rarity") + share * plans.clip(0.0, 1.0))
        )
    )
    weighed = (
        terms.join(unit_df, on="term", how="left")
        .with_columns(pl.col("units_with").fill_null(0))
        .with_columns(info.alias("info"))
    )
    # A compound is no more telling than its most telling part: "beskæftigelsesindsats" is
    # rare as a word, but both "beskæftigelse" and "indsats" are everywhere in plans. A part
    # too short to weigh (`labels.UNKNOWN_PART`: "nytte", "unge") caps nothing: before, it
    # counted as telling nothing, and "Nytteindsats" or "Ungeindsats" had no telling word.
    parts = (
        weighed.select("framework_id", "item_id", "term", pl.col("parts").alias("part"))
        .explode("part")
        .drop_nulls("part")
        .join(
            weighed.select(
                "framework_id", "item_id", pl.col("term").alias("part"), pl.col("info").alias("p")
            ),
            on=["framework_id", "item_id", "part"],
            how="left",
        )
        .with_columns(
            pl.when(pl.col("part") == UNKNOWN_PART).then(1.0).otherwise(pl.col("p")).alias("p")
        )
        .group_by("framework_id", "item_id", "term")
        .agg(pl.col("p").fill_null(0.0).max().alias("part_info"))
    )
    weighed = (
        weighed.join(parts, on=["framework_id", "item_id", "term"], how="left")
        .with_columns(pl.min_horizontal("info", pl.col("part_info").fill_null(1.0)).alias("info"))
        .drop("part_info")
    )
    # The label's own words set the scale: a borrowed term is measured against them.
    one_word = weighed.filter(
        pl.col("core_ok") & ~pl.col("term").str.contains(" ") & (pl.col("origin") != ORIGIN_RELATED)
    )
    best = one_word.group_by("framework_id", "item_id").agg(pl.col("info").max().alias("best"))
    # Each element of a listing label ("Langtidsledige, flygtninge og personer med handicap")
    # is measured against its own best term: each has a core of its own.
    best_element = (
        one_word.filter(pl.col("element") >= 0)
        .group_by("framework_id", "item_id", "element")
        .agg(pl.col("info").max().alias("best_element"))
    )
    return (
        weighed.join(best, on=["framework_id", "item_id"], how="left")
        .join(best_element, on=["framework_id", "item_id", "element"], how="left")
        .with_columns(pl.coalesce("best_element", "best").fill_null(1.0).alias("best"))
        .drop("best_element")
        .with_columns(
            (pl.col("info") / pl.col("best")).clip(0.0, 1.0).alias("relative"),
        )
        .with_columns(
            (
                pl.col("anchor")
                & (pl.col("relative") >= ANCHOR_SHARE)
                & (pl.col("info") >= MIN_INFO)
            ).alias("anchor"),
            (
                pl.col("core_ok")
                & ((pl.col("relative") >= CORE_SHARE) | pl.col("topic"))
                & (pl.col("info") >= MIN_INFO)
            ).alias("core"),
        )
        .drop("best")
    )


def find_terms(segments: pl.DataFrame, patterns: Sequence[str]) -> pl.DataFrame:
    """Occurrences of the patterns per segment: doc_id, seg_no, pattern, count.

    One `extract_many` over all segments; overlapping matches are kept so that a phrase and
    its words both count. `doc_id` keeps the type it has in `segments`.
    """
    unique = sorted(set(patterns))
    if segments.is_empty() or not unique:
        return pl.DataFrame(
            schema={
                "doc_id": segments.schema.get("doc_id", pl.Utf8),
                "seg_no": pl.Int32,
                "pattern": pl.Utf8,
                "count": pl.UInt32,
            }
        )
    return (
        segments.lazy()
        .select(
            "doc_id",
            pl.col("seg_no").cast(pl.Int32),
            (pl.lit(" ") + pl.col("norm").fill_null("") + pl.lit(" "))
            .str.extract_many(unique, overlapping=True)
            .alias("pattern"),
        )
        .explode("pattern")
        .drop_nulls("pattern")
        .group_by("doc_id", "seg_no", "pattern")
        .agg(pl.len().cast(pl.UInt32).alias("count"))
        .collect()
    )


def idf_weights(unit_hits: FrameT, n_units: FrameT, key: str = "dkey") -> FrameT:
    """Per document and term: how rare the term is among the document's units (sections).

    A word found in every section of a plan (`uddannelse`, `ledige`) tells little about any one
    goal; a word found in one section tells a lot. Short documents count as
    `MIN_SECTIONS_FOR_IDF` sections so that their few sections do not all look generic.
    `unit_hits` has the columns `key`, unit_no, term; `n_units` has `key`, n_units. Works on
    eager and lazy frames alike.
    """
    df = unit_hits.group_by(key, "term").agg(pl.col("unit_no").n_unique().alias("df"))
    return (
        df.join(n_units, on=key)
        .with_columns(
            (
                (
                    (pl.max_horizontal(pl.col("n_units"), pl.lit(MIN_SECTIONS_FOR_IDF)) + 1)
                    / (pl.col("df") + 0.5)
                ).log()
            ).alias("idf")
        )
        .select(key, "term", "idf")
    )

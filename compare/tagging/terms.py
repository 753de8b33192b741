"""Find every framework item's terms in every segment in one vectorised Polars pass.

An item's terms are normalised phrases (space-separated term keys, see `compare.text`). A term
matches at word boundaries in a segment's `norm`; a term whose last key is long enough also
matches as the start of a longer word, because Danish writes compounds as one word
(`flygtning` matches `flygtningeindsatsen`, `handicap` matches `handicapkompenserende`).
All items' terms become one list of patterns that Polars' Aho-Corasick `extract_many` finds in
all segments at once.

Danish elides the shared tail of compounds in a list: "lære- og elevpladser" means
"lærepladser og elevpladser". `elided_keys` completes such words, so that a term matches the
elided form as it matches the whole word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TypeVar

import polars as pl

from compare.frameworks.catalog import Framework
from compare.text import STOPWORDS, content_keys, normalise, term_key

FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)

PREFIX_MIN_CHARS = 5  # a key this long also matches as the first part of a compound
# How much a match counts, by where the term came from.
WEIGHT_KEYWORD = 1.0
WEIGHT_PHRASE = 1.4  # a multi-word phrase: hand-written or a pair of label words
WEIGHT_LABEL = 1.0
WEIGHT_DESCRIPTION = 0.6
MIN_SECTIONS_FOR_IDF = 12  # short documents are weighted as if they had this many sections
WEIGHT_GENERIC = 0.15  # a word every employment plan uses counts for little, and is no anchor

# Words found throughout any employment plan, whatever its topics: a label such as "Anvendelse af
# de handicapkompenserende ordninger" must not be found through "anvendelse" and "ordninger".
_GENERIC_WORDS = """
mellem borger borgere borgerne borgernes person personer personerne medarbejder medarbejdere
samarbejde samarbejder samarbejdet anvendelse anvende anvendes brug bruge bruges ordning
ordninger initiativ initiativer initiativet job jobbet ledig ledige ledighed virksomhed
virksomheder virksomhederne virksomhedernes uddannelse uddannelsen beskæftigelse
beskæftigelsen arbejdsmarked arbejdsmarkedet gruppe grupper gruppen målgruppe målgruppen
mulighed muligheder område området områder forløb forløbet tilbud plan planen planer del
hurtig hurtigt hurtigere tæt tættere tidlig tidligt god godt gode bedre behov kontakt viden
forhold kvalitet indhold central centrale vigtig vigtige øget øge øges kommer komme udvalgte
tager hånd sætter sætte ift vedr mv fx etc herunder bl kan mere rettet målrettet fælles
lang længere særlig særlige
"""

# "lære- og elevpladser", "lære-, elev- og praktikpladser" (OCR may read "og" as "0g").
_ELISION = re.compile(
    r"((?:\b\w{2,}-,?\s+)+)(?:og|0g|eller|samt|&)\s+(\w{5,})", re.IGNORECASE | re.UNICODE
)
_ELIDED_WORD = re.compile(r"(\w{2,})-")
MIN_TAIL_CHARS = 4  # the shared tail of an elided compound is a word: "pladser", "indsats"


def elided_keys(text: str, terms: frozenset[str]) -> list[str]:
    """Term keys of the compounds a text writes elided that match one of the one-word terms.

    In "lære- og elevpladser" the first word borrows a tail of the last; which tail is not
    written, so each tail is tried, longest first, and a completion is kept only if it matches
    a term that the first word alone does not (as a whole word, or as a prefix when the term is
    long enough; see `term_pattern`).
    """
    found: list[str] = []
    for match in _ELISION.finditer(text):
        last = match.group(2)
        for head in _ELIDED_WORD.findall(match.group(1)):
            alone = _matched_terms(term_key(head), terms)
            for cut in range(1, len(last) - MIN_TAIL_CHARS + 1):
                key = term_key(head + last[cut:])
                if _matched_terms(key, terms) - alone:
                    found.append(key)
                    break
    return found


def _matched_terms(key: str, terms: frozenset[str]) -> set[str]:
    """The one-word terms that match a key: the whole key, or a long enough prefix of it."""
    found = {key} & terms
    found.update(key[:n] for n in range(PREFIX_MIN_CHARS, len(key)) if key[:n] in terms)
    return found


def with_elisions(segments: pl.DataFrame, terms: Sequence[str]) -> pl.DataFrame:
    """The segments with the completed elided compounds (see `elided_keys`) added to `norm`."""
    one_word = frozenset(t for t in terms if " " not in t)
    has_elision = pl.col("text").str.contains(r"\w-,?\s+(?:\w+-,?\s+)*(?:og|0g|eller|samt|&)\s")
    rows = segments.filter(has_elision).select("doc_id", "seg_no", "text")
    extra = [
        (doc_id, seg_no, " ".join(keys))
        for doc_id, seg_no, text in rows.iter_rows()
        if (keys := elided_keys(text, one_word))
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
    """Term keys of the words every plan uses (and of stop words)."""
    return frozenset(term_key(w) for w in _GENERIC_WORDS.split()) | frozenset(
        term_key(w) for w in STOPWORDS
    )


def is_generic(term: str) -> bool:
    """True if every key of the term is a generic or stop word."""
    generic = generic_keys()
    return all(key in generic or key.isdigit() or len(key) < 3 for key in term.split())


def term_table(frameworks: Sequence[Framework]) -> pl.DataFrame:
    """One row per (framework, item, term): the term's pattern, weight and whether it anchors.

    Generic terms get a small weight and are not anchors: an item is only found where at least
    two of its anchor terms meet.
    """
    rows: dict[str, list] = {
        "framework_id": [],
        "item_id": [],
        "term": [],
        "pattern": [],
        "source_weight": [],
        "anchor": [],
    }
    for fw in frameworks:
        for item in fw.items:
            keyword_terms = {normalise(k) for k in item.keywords}
            label_keys = set(content_keys(item.label))
            for term in item.terms:
                if " " in term:
                    weight = WEIGHT_PHRASE
                elif term in keyword_terms:
                    weight = WEIGHT_KEYWORD
                elif term in label_keys:
                    weight = WEIGHT_LABEL
                else:
                    weight = WEIGHT_DESCRIPTION  # description keys and lent keywords
                rows["framework_id"].append(fw.id)
                rows["item_id"].append(item.id)
                rows["term"].append(term)
                rows["pattern"].append(term_pattern(term))
                generic = is_generic(term)
                rows["source_weight"].append(WEIGHT_GENERIC if generic else weight)
                # Description words widen the net but never anchor a match on their own.
                rows["anchor"].append(not generic and weight != WEIGHT_DESCRIPTION)
    return pl.DataFrame(
        rows,
        schema={
            "framework_id": pl.Utf8,
            "item_id": pl.Utf8,
            "term": pl.Utf8,
            "pattern": pl.Utf8,
            "source_weight": pl.Float64,
            "anchor": pl.Boolean,
        },
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

"""Full-text search across the ingested plans, tolerant to OCR damage and Danish inflection.

A query is normalised with `compare.text.normalise`, the same way segments' `norm` column was,
so `Københavnermodellen` and the OCR reading `Kgbenhavnermodellen` share one key. Each query key
is then widened against the workspace's vocabulary of keys: compounds and longer inflections that
start with it (`virksomhedspraktik` → `virksomhedspraktikforløb`), shorter stems that it extends by
an inflectional ending (`opkvalificering` → `opkvalificeres`), and near spellings that folding
cannot catch (rapidfuzz ratio ≥ FUZZY_CUTOFF, for keys of FUZZY_MIN_LENGTH letters or more). A
segment matches when it holds a term of every query key. The vocabulary is kept in the workspace
(`search_terms.parquet`, written atomically) and rebuilt whenever the segments file changes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

import polars as pl
from rapidfuzz import fuzz, process

from compare.schema import SEARCH_RESULTS
from compare.store.documents import load_documents
from compare.store.versions import SUPERSEDED_BY
from compare.store.workspace import SEARCH_INDEX_FILE, Workspace
from compare.text import fold, is_stopword, term_key, word_spans, words

INDEX_FILE = SEARCH_INDEX_FILE  # the file name tests and the app look for

FUZZY_CUTOFF = 88.0  # rapidfuzz ratio (0–100): one wrong letter in eight still matches
FUZZY_MIN_LENGTH = 6  # shorter keys match exactly or as a prefix only: too many near neighbours
PREFIX_MIN_LENGTH = 4  # `igu`, `rkv` must match whole words, not every word starting with them
SNIPPET_CHARS = 240
INDEX_BATCH = 50_000  # segments counted at a time when the vocabulary is built

# Danish inflectional endings, folded like term keys, by which a query word may extend a stem
# found in the plans (`opkvalificering` vs the stem `opkvalific` of `opkvalificeres`).
_ENDINGS = frozenset(
    fold(e)
    for e in "e er ere erne ene en et ets es s ing inger ingen ering eringen else elsen "
    "ede te ende hed heden".split()
)


def query_keys(query: str) -> list[str]:
    """The term keys a query searches for: its topic words, or all words if it has no topic word."""
    all_words = [w for w in words(query) if any(c.isalnum() for c in w)]
    topical = [w for w in all_words if not is_stopword(w)] or all_words
    return list(dict.fromkeys(term_key(w) for w in topical))


def build_index(ws: Workspace) -> pl.DataFrame:
    """Count every term key in the segments' `norm` column and store the vocabulary atomically."""
    stamp = ws.segments_stamp()  # taken before reading: a later write makes the index stale
    # A batch of segments at a time: memory grows with the vocabulary and the batch, not with
    # the corpus (one row per word of every plan at once peaked at 475 MiB for 300,000
    # segments; batched, 186 MiB).
    counts = [
        norms.to_frame("norm")
        .lazy()
        .select(pl.col("norm").fill_null("").str.split(" ").alias("term"))
        .explode("term")
        .filter(pl.col("term").str.len_chars() > 0)
        .group_by("term")
        .len("n")
        .collect()
        for norms in ws.segment_column_batches("norm", INDEX_BATCH)
    ]
    vocabulary = (
        pl.concat(counts).group_by("term").agg(pl.col("n").sum()).sort("term")
        if counts
        else pl.DataFrame(schema={"term": pl.Utf8, "n": pl.UInt32})
    )
    ws.write_search_index(vocabulary, stamp)
    return vocabulary


@lru_cache(maxsize=4)
def _read_index(root: Path, stamp: str) -> pl.DataFrame | None:
    return Workspace(root).read_search_index(stamp)


def load_index(ws: Workspace) -> pl.DataFrame:
    """The vocabulary (term, n) of the workspace's segments, rebuilt first if it is stale."""
    if not ws.segments_path.exists():
        return pl.DataFrame(schema={"term": pl.Utf8, "n": pl.UInt32})
    stamp = ws.segments_stamp()
    vocabulary = _read_index(ws.root, stamp)
    return vocabulary if vocabulary is not None else build_index(ws)


@lru_cache(maxsize=2)
def _read_norms(root: Path, stamp: str) -> pl.DataFrame:
    segments = Workspace(root).read_segment_columns(["doc_id", "seg_no", "norm"])
    return segments.with_columns(pl.col("norm").fill_null(""))


def expand_key(key: str, vocabulary: pl.DataFrame) -> list[str]:
    """The vocabulary terms that count as a match for one query key (see the module docstring)."""
    terms = vocabulary["term"]
    found = set(terms.filter(terms == key).to_list())
    if len(key) >= PREFIX_MIN_LENGTH:
        found.update(terms.filter(terms.str.starts_with(key)).to_list())
        for cut in range(1, min(len(key) - PREFIX_MIN_LENGTH, max(map(len, _ENDINGS))) + 1):
            if key[-cut:] in _ENDINGS:
                stem = key[:-cut]
                found.update(terms.filter(terms == stem).to_list())
    if len(key) >= FUZZY_MIN_LENGTH:
        near = process.extract(
            key, terms.to_list(), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=25
        )
        found.update(term for term, _score, _index in near)
    return sorted(found)


def _token_pattern(terms: Iterable[str]) -> str:
    # Term keys are word characters separated by single spaces, so \b marks a whole key.
    return r"\b(?:" + "|".join(re.escape(t) for t in terms) + r")\b"


def highlight_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """(start, end) of the words in `text` whose term key is one of `terms`."""
    return [(s, e) for s, e in word_spans(text) if term_key(text[s:e].lower()) in terms]


def make_snippet(
    text: str, spans: list[tuple[int, int]], width: int = SNIPPET_CHARS
) -> tuple[str, list[tuple[int, int]]]:
    """A window of about `width` characters around the first highlighted word, cut at spaces.

    Returns the snippet (with "…" where text was cut) and the highlight spans within it.
    """
    if len(text) <= width:
        return text, spans
    first = spans[0][0] if spans else 0
    start = max(0, first - width // 3)
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > (spans[0][1] if spans else start) else end
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    shift = len(prefix) - start
    inside = [(s + shift, e + shift) for s, e in spans if s >= start and e <= end]
    return prefix + text[start:end] + suffix, inside


def mark(
    snippet: str,
    spans: list[tuple[int, int]] | list[dict],
    before: str,
    after: str,
    escape: Callable[[str], str] = lambda s: s,
) -> str:
    """The snippet with each highlighted span wrapped in `before`/`after`; the text is escaped.

    `escape` protects document text in the output format (Markdown, Rich markup): the text is
    data, the markers are not.
    """
    pairs = [(s["start"], s["end"]) if isinstance(s, dict) else s for s in spans]
    out, pos = [], 0
    for start, end in sorted(pairs):
        out.append(escape(snippet[pos:start]))
        out.append(before + escape(snippet[start:end]) + after)
        pos = end
    out.append(escape(snippet[pos:]))
    return "".join(out)


def _documents(ws: Workspace) -> pl.DataFrame:
    # With the analysts' metadata overrides applied: a corrected municipality groups correctly.
    return load_documents(ws).select(
        "doc_id", "municipality", "year", "kind", "title", SUPERSEDED_BY
    )


def search(
    ws: Workspace,
    query: str,
    limit: int = 50,
    kinds: Iterable[str] | None = None,
    include_superseded: bool = False,
) -> pl.DataFrame:
    """Search all documents' segments for `query`; best `limit` hits, grouped by municipality.

    Omit `kinds` to search every document (plans, overviews, other). Older versions of a revised
    plan are left out unless `include_superseded` is set. Groups come in order of their
    best hit, hits within a group by score. An empty frame (SEARCH_RESULTS columns) if nothing
    matches.
    """
    keys = query_keys(query)
    if not keys or not ws.segments_path.exists() or limit <= 0:
        return pl.DataFrame(schema=SEARCH_RESULTS)
    vocabulary = load_index(ws)
    term_sets = [expand_key(key, vocabulary) for key in keys]
    if not all(term_sets):
        return pl.DataFrame(schema=SEARCH_RESULTS)

    norms = _read_norms(ws.root, ws.segments_stamp())
    counts = vocabulary.filter(pl.col("term").is_in([t for ts in term_sets for t in ts]))
    weight = dict(zip(counts["term"], counts["n"], strict=True))
    total = max(1, int(vocabulary["n"].sum()))
    matches = [pl.col("norm").str.contains(_token_pattern(ts)) for ts in term_sets]
    hits = norms.filter(pl.all_horizontal(matches))
    documents = _documents(ws)
    if kinds is not None:
        documents = documents.filter(pl.col("kind").is_in(list(kinds)))
    if not include_superseded:
        documents = documents.filter(pl.col(SUPERSEDED_BY).is_null())
    hits = hits.filter(pl.col("doc_id").is_in(documents["doc_id"].implode()))
    if hits.is_empty():
        return pl.DataFrame(schema=SEARCH_RESULTS)

    # Score: per query key, occurrences (log-damped) times the rarity of the key's terms.
    score = pl.lit(0.0)
    for ts in term_sets:
        idf = math.log(total / max(1, min(weight.get(t, 1) for t in ts)))
        occurrences = pl.col("norm").str.count_matches(_token_pattern(ts))
        score = score + (1.0 + occurrences.cast(pl.Float64).log()) * idf
    if len(keys) > 1:  # the words as a phrase count double
        in_order = pl.col("norm").str.contains(" ".join(keys), literal=True)
        score = score * pl.when(in_order).then(2.0).otherwise(1.0)
    hits = hits.with_columns(score.alias("score"), pl.len().over("doc_id").alias("doc_hits"))
    hits = hits.sort("score", "doc_id", "seg_no", descending=[True, False, False]).head(limit)
    return _present(ws, hits, documents, set().union(*term_sets))


def _present(
    ws: Workspace, hits: pl.DataFrame, documents: pl.DataFrame, terms: set[str]
) -> pl.DataFrame:
    """Join the hits with document metadata and original text; snippets; group by municipality."""
    segments = ws.read_segments(hits["doc_id"].unique().to_list()).select(
        "doc_id", "seg_no", "heading_path", "page", "text"
    )
    rows = hits.join(segments, on=["doc_id", "seg_no"], how="left").join(
        documents, on="doc_id", how="left"
    )
    snippets, highlights = [], []
    for text in rows["text"].fill_null("").to_list():
        snippet, spans = make_snippet(text, highlight_spans(text, terms))
        snippets.append(snippet)
        highlights.append([{"start": s, "end": e} for s, e in spans])
    rows = rows.with_columns(
        pl.Series("snippet", snippets, dtype=pl.Utf8),
        pl.Series("highlights", highlights, dtype=SEARCH_RESULTS["highlights"]),
        pl.col("municipality").fill_null("").alias("_group"),
    )
    rows = rows.with_columns(pl.col("score").max().over("_group").alias("_best"))
    rows = rows.sort(["_best", "_group", "score", "seg_no"], descending=[True, False, True, False])
    return rows.select([pl.col(c).cast(t) for c, t in SEARCH_RESULTS.items()])

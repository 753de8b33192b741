"""Terms as an analyst reads them: the words a label, keyword or plan wrote for each term key.

Matching runs on stemmed, OCR-folded keys (`kampansatiansardning`); the frameworks page and
`compare frameworks --terms` show the word as written (`kompensationsordninger`). A label's,
keyword's, description's or thesaurus concept's own words come first; a term learned from the
plans takes the form the plans use most often (cleaned for display as document text is).
"""

from __future__ import annotations

from collections import Counter

import polars as pl

from compare.frameworks.catalog import Framework
from compare.frameworks.labels import written_forms
from compare.frameworks.thesaurus import borrowed
from compare.tagging.terms import find_terms, matched_terms, term_pattern
from compare.text import clean_display, term_key, words


def readable_terms(
    framework: Framework, terms: list[str], segments: pl.DataFrame | None = None
) -> dict[str, str]:
    """For each term key, the words as written: from the framework's texts, else the plans.

    `segments` (doc_id, seg_no, text, norm) are searched only for the keys the framework's own
    texts do not hold.
    """
    written: dict[str, str] = {}
    for item in framework.items:
        for key, word in written_forms(item.label).items():
            written.setdefault(key, word)
        for text in (*item.keywords, item.description or ""):
            for word in words(text):
                written.setdefault(term_key(word), word)
        for related in borrowed(item.label, item.keywords):
            for word in words(related.written):
                written.setdefault(term_key(word), word)
    missing = sorted({k for t in terms for k in t.split()} - set(written))
    if missing and segments is not None and not segments.is_empty():
        written.update(_from_plans(missing, segments))
    return {t: " ".join(written.get(k, k) for k in t.split()) for t in terms}


def _from_plans(keys: list[str], segments: pl.DataFrame) -> dict[str, str]:
    """The most common written form of each key in the segments that hold it."""
    found = find_terms(segments.select("doc_id", "seg_no", "norm"), [term_pattern(k) for k in keys])
    if found.is_empty():
        return {}
    texts = segments.join(found.select("doc_id", "seg_no").unique(), on=["doc_id", "seg_no"])
    wanted = frozenset(keys)
    counts: dict[str, Counter[str]] = {}
    for text in texts["text"].to_list():
        for word in words(text):
            for key in matched_terms(term_key(word), wanted):  # as the tagger matches it
                counts.setdefault(key, Counter())[word] += 1
    return {key: clean_display(counter.most_common(1)[0][0]) for key, counter in counts.items()}

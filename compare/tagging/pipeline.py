"""Tag documents against frameworks: the pure core, frames in and frames out.

One vectorised pass finds all items' terms in all segments (`evidence.item_evidence`); Polars
then weighs and sums them per unit; headings are matched with rapidfuzz; only the few passages
that decide a level are read sentence by sentence for targets.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from itertools import accumulate, chain

import polars as pl
import pyarrow as pa

from compare.frameworks.catalog import Framework, Item
from compare.frameworks.labels import goal_subjects, label_head
from compare.frameworks.thesaurus import borrowed
from compare.schema import (
    EVIDENCE,
    EVIDENCE_FOUND,
    EVIDENCE_LOCATION,
    FRAMEWORK_GOALS,
    TAGS,
    FrameSchema,
    conform,
    empty_frame,
)
from compare.tagging import version
from compare.tagging.evidence import (
    Corpus,
    core_terms,
    corpus_found,
    corpus_of,
    described_items,
    item_evidence,
    learns,
)
from compare.tagging.readable import readable_terms
from compare.tagging.score import Decision, Passage, UnitEvidence, decide, quote
from compare.tagging.terms import term_pattern, term_table, weigh_information
from compare.tagging.units import (
    DocUnits,
    build_units,
    heading_keys,
    heading_matches,
    promote_inline_headings,
    referenced_units,
    unit_column,
)
from compare.tagging.version import TAGGER_VERSION
from compare.text import NORMALISER_VERSION, normalise


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


def corpus_for(
    documents: pl.DataFrame,
    segments: pl.DataFrame,
    frameworks: Sequence[Framework],
    searched: Sequence[Framework] | None = None,
) -> Corpus:
    """The corpus statistics of these documents (see `compare.tagging.evidence`).

    Compute it once over all the plans of a run and pass it to every `tag_documents` call,
    so that the tags do not depend on how the plans are split into chunks. Every document
    counts, also those no framework applies to (a goal framework of another year): the
    statistics are the plans', whatever frameworks are tagged with them. The terms counted
    are those of the frameworks that apply to some of these documents, or of `searched`: the
    frameworks that apply to some document of the whole run when these documents are one part
    of it (see `corpus_in_parts`).
    """
    pairs = applicable_pairs(documents.select("doc_id", "year", "year_to"), frameworks)
    fws = list(searched) if searched is not None else used_frameworks(pairs)
    doc_ids = documents["doc_id"].unique().to_list()
    with _cycle_collection_paused():
        segs = promote_inline_headings(segments.filter(pl.col("doc_id").is_in(doc_ids)))
        segs = unit_column(segs, build_units(segs))
        return corpus_of(segs, fws, pairs)


def used_frameworks(pairs: list[tuple[str, Framework]]) -> list[Framework]:
    """The frameworks of the pairs, each once, in order."""
    return list({fw.id: fw for _, fw in pairs}.values())


def corpus_in_parts(
    documents: pl.DataFrame, frameworks: Sequence[Framework], parts: int
) -> tuple[list[pl.DataFrame], list[Framework]] | None:
    """The documents split into `parts` for `corpus_for` in parallel, and the frameworks each
    part must search; None when the corpus cannot be added up from parts (an item learns).

    Section counts add up over disjoint documents (`evidence.merge_counts`); terms learned
    from the plans need all of them at once.
    """
    pairs = applicable_pairs(documents.select("doc_id", "year", "year_to"), frameworks)
    searched = used_frameworks(pairs)
    if parts < 2 or not searched or learns(searched):
        return None
    doc_ids = sorted(documents["doc_id"].unique().to_list())
    size = -(-len(doc_ids) // parts)
    split = [doc_ids[i : i + size] for i in range(0, len(doc_ids), size)]
    return [documents.filter(pl.col("doc_id").is_in(ids)) for ids in split], searched


def tag_documents(
    documents: pl.DataFrame,
    segments: pl.DataFrame,
    frameworks: Sequence[Framework],
    corpus: Corpus | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """TAGS and EVIDENCE frames for every applicable (document, framework, item).

    Documents are tagged whatever their kind; the caller chooses which to pass. A document with
    no segments gets blank levels for every applicable item. Omit `corpus` to learn from these
    documents alone (see `corpus_for`).
    """
    with _cycle_collection_paused():
        return _tag_documents(documents, segments, frameworks, corpus)


def _tag_documents(
    documents: pl.DataFrame,
    segments: pl.DataFrame,
    frameworks: Sequence[Framework],
    corpus: Corpus | None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    documents = documents.select("doc_id", "year", "year_to", "text_hash")
    pairs = applicable_pairs(documents, frameworks)
    if not pairs:
        return empty_frame(TAGS), empty_frame(EVIDENCE)
    fws = used_frameworks(pairs)
    found_in = None
    # Learning from these documents alone: all of them count (see `corpus_for`).
    doc_ids = documents["doc_id"].to_list() if corpus is None else sorted({d for d, _ in pairs})
    segs = promote_inline_headings(segments.filter(pl.col("doc_id").is_in(doc_ids)))
    units = build_units(segs)
    segs = unit_column(segs, units)
    if corpus is None:
        corpus, found_in = corpus_found(segs, fws, pairs)
    unit_ev, seg_scores, restated, relative = item_evidence(segs, fws, pairs, corpus, found_in)
    cores = core_terms(fws, pairs, corpus)
    described = described_items(fws)
    text_hash = dict(documents.select("doc_id", "text_hash").iter_rows())
    stamp = datetime.now(UTC).replace(tzinfo=None)
    tags: dict[str, list] = {name: [] for name in TAGS}
    evidence: dict[str, list] = {name: [] for name in EVIDENCE_FOUND}
    # Per unit, what every item's passages share: seg_no, text and whether it is a heading.
    by_unit: dict[tuple[str, int], list[tuple[int, str, bool]]] = {}
    for doc_id, seg_no, unit_no, text, heading in zip(
        *(segs[c].to_list() for c in ("doc_id", "seg_no", "unit_no", "text", "is_heading")),
        strict=True,
    ):
        by_unit.setdefault((doc_id, unit_no), []).append((seg_no, text, bool(heading)))
    borrowed_by_item = {(fw.id, i.id): borrowed_terms(i) for fw in fws for i in fw.items}
    for doc_id, fw in pairs:
        doc_units = units.get(doc_id) or DocUnits(doc_id, {0: 0}, {0: []})
        headed = heading_matches(doc_units, {item.id: item.label for item in fw.items})
        _keep_telling_headings(headed, doc_units, fw.id, cores)
        by_people: dict[str, set[int]] = {}  # units headed only by a goal's people
        for item_id, found in head_matches(doc_units, fw).items():
            for unit_no, score in found.items():
                mirrored = headed.setdefault(item_id, {})
                if unit_no not in mirrored and score == PEOPLE_MATCH_SCORE:
                    by_people.setdefault(item_id, set()).add(unit_no)
                mirrored.setdefault(unit_no, score)
        for item in fw.items:
            key = (doc_id, fw.id, item.id)
            item_units = {u: UnitEvidence(u, s, t, core=c) for u, s, t, c in unit_ev.get(key, [])}
            for unit_no, score in headed.get(item.id, {}).items():
                ev = item_units.setdefault(unit_no, UnitEvidence(unit_no))
                ev.heading = score
                ev.people_heading = unit_no in by_people.get(item.id, ())
            passages_of = Passages(
                doc_id, by_unit, seg_scores.get(key, {}), restated.get(key, set())
            )
            for unit_no in list(headed.get(item.id, {})):
                if not _has_body(passages_of.get(unit_no)):  # a heading in a list of goals
                    del item_units[unit_no]
                    del headed[item.id][unit_no]
            if not headed.get(item.id):
                headed.pop(item.id, None)
            referenced: set[int] = set()
            if item.id in headed:
                texts = [p.text for u in headed[item.id] for p in passages_of.get(u)]
                referenced = referenced_units(doc_units, texts) - set(headed[item.id])
            decision = decide(
                fw.kind,
                item_units,
                referenced,
                passages_of,
                doc_units.parent,
                item.label,
                telling=bool(cores.get((fw.id, item.id))),
                described=(fw.id, item.id) in described,
                core=cores.get((fw.id, item.id), []),
                relative=relative.get((fw.id, item.id), {}),
                borrowed=borrowed_by_item[(fw.id, item.id)],
            )
            _add_tag(tags, doc_id, fw, item.id, decision, text_hash.get(doc_id), stamp)
            _add_evidence(evidence, doc_id, fw.id, item.id, decision)
    located = _frame(evidence, EVIDENCE_FOUND).join(
        segs.select(pl.col("doc_id"), pl.col("seg_no").cast(pl.Int32), *EVIDENCE_LOCATION),
        on=["doc_id", "seg_no"],
        how="left",
        maintain_order="left",
    )
    return _frame(tags, TAGS), conform(located, EVIDENCE)


def borrowed_terms(item: Item) -> frozenset[str]:
    """The terms an item borrows from the thesaurus (`thesaurus.borrowed`)."""
    return frozenset(t.term for t in borrowed(item.label, item.keywords))


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Pause Python's cycle collector while tagging.

    Tagging makes millions of short-lived objects that reference counting frees (there are no
    cycles among them), and each of the collector's full passes walks the whole heap: in a
    process that holds many plans (one worker, the app) a tenth to a fifth of tagging time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _frame(columns: dict[str, list], schema: FrameSchema) -> pl.DataFrame:
    """A frame from column lists; list columns are built flat (`_string_lists`)."""
    nested = {name for name, dtype in schema.items() if isinstance(dtype, pl.List)}
    frame = pl.DataFrame(
        {n: v for n, v in columns.items() if n not in nested},
        schema={n: d for n, d in schema.items() if n not in nested},
    )
    for name in nested:
        frame = frame.with_columns(_string_lists(name, columns[name]))
    return conform(frame, schema)


def _string_lists(name: str, lists: list[list[str]]) -> pl.Series:
    """A List(String) column from lists of strings, made from their flat values and offsets.

    One step instead of a conversion per row, and not through `pyarrow.array`, whose first
    call imports pandas (0.3-0.5 s in every worker process, for nothing).
    """
    values = pl.Series(list(chain.from_iterable(lists)), dtype=pl.String).to_arrow()
    offsets = pl.Series([0, *accumulate(map(len, lists))], dtype=pl.Int64).to_arrow()
    array = pa.LargeListArray.from_arrays(offsets, values.cast(pa.large_string()))
    return pl.Series(name, pl.from_arrow(array))


class Passages:
    """The passages of a document's units for one item, built when first asked for."""

    def __init__(
        self,
        doc_id: str,
        by_unit: dict[tuple[str, int], list[tuple[int, str, bool]]],  # its segments, in order
        scores: dict[int, tuple],  # seg_no -> (score, anchor terms) for this item
        restated: set[int] | None = None,  # seg_nos that only restate the item's label
    ) -> None:
        self.doc_id, self.by_unit, self.scores = doc_id, by_unit, scores
        self.restated = restated or set()
        self.cache: dict[int, list[Passage]] = {}

    def get(self, unit_no: int) -> list[Passage]:
        """The unit's segments as passages, in reading order."""
        found = self.cache.get(unit_no)
        if found is None:
            scores, restated = self.scores, self.restated
            found = []
            for seg_no, text, heading in self.by_unit.get((self.doc_id, unit_no), ()):
                score, terms = scores.get(seg_no, _NO_SCORE)
                found.append(
                    Passage(seg_no, unit_no, text, score, terms, heading, seg_no in restated)
                )
            self.cache[unit_no] = found
        return found

    def scored(self, unit_no: int, also: int | None = None) -> list[Passage]:
        """The unit's passages with anchor terms (and segment `also`), in reading order.

        The same passages as `get` gives, without making those no ranking can quote.
        """
        cached = self.cache.get(unit_no)
        if cached is not None:
            return [p for p in cached if p.terms or p.seg_no == also]
        scores, restated = self.scores, self.restated
        found = []
        for seg_no, text, heading in self.by_unit.get((self.doc_id, unit_no), ()):
            if seg_no in scores or seg_no == also:
                score, terms = scores.get(seg_no, _NO_SCORE)
                found.append(
                    Passage(seg_no, unit_no, text, score, terms, heading, seg_no in restated)
                )
        return found


_NO_SCORE: tuple[float, list[str]] = (0.0, [])


def _keep_telling_headings(
    headed: dict[str, dict[int, float]],
    doc_units: DocUnits,
    fw_id: str,
    cores: dict[tuple[str, str], list[str]],
) -> None:
    """Drop heading matches whose headings hold none of the item's core terms.

    "6 Resultater af beskæftigelsesindsatsen" looks like "Beskæftigelsesindsats for hjemløse"
    to a fuzzy match, but the telling word, `hjemløse`, is not in it.
    """
    for item_id in list(headed):
        patterns = [term_pattern(t) for t in cores.get((fw_id, item_id), [])]
        for unit_no in list(headed[item_id]):
            keys = [f" {normalise(h)} " for h in doc_units.path_headings.get(unit_no, [])]
            if not any(p in k for p in patterns for k in keys):
                del headed[item_id][unit_no]
        if not headed[item_id]:
            del headed[item_id]


HEAD_MATCH_SCORE = 100.0  # a heading mirroring a label's head is as good as the label's
PEOPLE_MATCH_SCORE = 99.0  # ... and one naming a goal's people (`goal_subjects`): never sure
# A head found in the headings over more than this share of a plan's sections marks none of them
# as the item's: "Beskæftigelsen skal ligge klart over landsgennemsnittet" is not the goal of
# every section under "3. Københavns Kommunes vision for beskæftigelsesindsatsen" (blind set 16,
# where it made a sure X of a gold blank).
MAX_HEAD_SHARE = 0.25
MIN_HEAD_UNITS = 5  # ... and over more sections than this: a goal's chapter may have a few


def head_matches(doc_units: DocUnits, fw: Framework) -> dict[str, dict[int, float]]:
    """Units under a heading that holds every topic word of an item's label head.

    "4.5 Unge i uddannelse" is the plan's section on "Unge og uddannelse, herunder initiativer
    vedr. motivation og fastholdelse": a careful reader takes the head of a long label as its
    topic and the rest as examples, which a fuzzy match of the whole label cannot see.

    For a goal, the head may also be its subject, the people it is about (`goal_subjects`):
    "4.6 Sygemeldte hurtigere i job" is the plan's section on "Flere sygemeldte skal delvist
    raskmeldes og bevare kontakten til arbejdsmarkedet". A head under which more than
    `MAX_HEAD_SHARE` of the plan's sections (and more than `MIN_HEAD_UNITS`) stand is the plan's
    own theme, not the item's section. A unit found through the goal's people alone scores
    `PEOPLE_MATCH_SCORE`: the plan writes there about those people, not always about what the
    goal wants for them (`score.judge`).
    """
    found: dict[str, dict[int, float]] = {}
    paths = doc_units.path_headings
    keyed = {h: f" {heading_keys(h)} " for path in paths.values() for h in path}
    for item in fw.items:
        for patterns, people in _head_patterns(item.label, fw.kind == FRAMEWORK_GOALS):
            matching = {h for h, key in keyed.items() if all(p in key for p in patterns)}
            if not matching:
                continue
            under = [u for u, path in paths.items() if any(h in matching for h in path)]
            if len(under) > max(MAX_HEAD_SHARE * len(paths), MIN_HEAD_UNITS):
                continue  # a heading over so much of the plan is the plan's theme
            score = PEOPLE_MATCH_SCORE if people else HEAD_MATCH_SCORE
            for unit_no in under:
                scores = found.setdefault(item.id, {})
                scores[unit_no] = max(scores.get(unit_no, 0.0), score)
    return found


@lru_cache(maxsize=4096)
def _head_patterns(label: str, goal: bool) -> tuple[tuple[tuple[str, ...], bool], ...]:
    """The term patterns of a label's head and, for a goal, of its subjects (`head_matches`),
    each with whether it names the goal's people (a subject) rather than the label's head."""
    people = [(subject, True) for subject in goal_subjects(label)] if goal else []
    heads = [(label_head(label), False), *people]
    return tuple(
        (patterns, by_people)
        for head, by_people in heads
        if (patterns := tuple(term_pattern(k) for k in head))
    )


MIN_BODY_WORDS = 5  # a section under a mirrored heading needs a sentence of its own


def _has_body(passages: list[Passage]) -> bool:
    """True if a unit says something beyond headings and restatements of the item's label.

    A plan that lists the year's goals as headings with nothing under them ("Mål 2: ...")
    has not addressed them.
    """
    return (
        sum(len(p.text.split()) for p in passages if not p.is_heading and not p.restates)
        >= MIN_BODY_WORDS
    )


def framework_hash(fw: Framework) -> str:
    """The hash stored with a tag: the framework's content and the tagger's version."""
    return f"{fw.content_hash}-t{TAGGER_VERSION}"


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
        "confidence": decision.confidence,
        "confidence_reason": decision.reason,
        "framework_hash": framework_hash(fw),
        "text_hash": text_hash,
        "tagged_at": stamp,
        "tagger_version": version.TAGGER_VERSION,  # read at run time: a test may set an old one
        "normaliser_version": NORMALISER_VERSION,
    }
    for name, value in row.items():
        tags[name].append(value)


def _add_evidence(
    evidence: dict[str, list],
    doc_id: str,
    fw_id: str,
    item_id: str,
    decision: Decision,
) -> None:
    """Add the decision's passages; where they are in the document is joined on afterwards."""
    for rank, (passage, is_target) in enumerate(decision.passages, start=1):
        row = {
            "doc_id": doc_id,
            "framework_id": fw_id,
            "item_id": item_id,
            "rank": rank,
            "seg_no": passage.seg_no,
            "quote": quote(passage.text, decision.target if is_target else None),
            "matched_terms": passage.terms,
            "score": round(passage.score, 3),
            "is_target": is_target,
        }
        for name, value in row.items():
            evidence[name].append(value)


def item_terms(
    corpus: Corpus, framework: Framework, segments: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Every term of the framework's items as the tagger weighs it: where it came from, how
    informative it is, whether it anchors a match or is the item's core, and for a learned
    term where it was learned (`compare frameworks --terms`; the frameworks page can show it).

    Columns: item_id, term, written (the words as written, `readable.readable_terms`; the
    plans' `segments` give those of learned terms), origin, info, anchor, core, passages,
    documents, and concept: the thesaurus concept a borrowed term comes from.
    """
    terms = term_table([framework], corpus.extra_terms())
    written = readable_terms(framework, terms["term"].unique().to_list(), segments)
    weighed = weigh_information(terms, corpus.unit_df, corpus.n_units)
    learned = corpus.learned.filter(pl.col("framework_id") == framework.id).select(
        "item_id", "term", "passages", "documents"
    )
    concepts = pl.DataFrame(
        [
            (item.id, related.term, related.concept)
            for item in framework.items
            for related in borrowed(item.label, item.keywords)
        ],
        schema={"item_id": pl.Utf8, "term": pl.Utf8, "concept": pl.Utf8},
        orient="row",
    ).unique(["item_id", "term"], keep="first")
    order = {item.id: n for n, item in enumerate(framework.items)}
    return (
        weighed.join(learned, on=["item_id", "term"], how="left")
        .join(concepts, on=["item_id", "term"], how="left")
        .with_columns(pl.col("item_id").replace_strict(order, return_dtype=pl.Int32).alias("n"))
        .sort("n", "info", descending=[False, True], maintain_order=True)
        .select(
            "item_id",
            "term",
            pl.col("term").replace_strict(written, return_dtype=pl.Utf8).alias("written"),
            "origin",
            pl.col("info").round(2),
            "anchor",
            "core",
            "passages",
            "documents",
            "concept",
        )
    )

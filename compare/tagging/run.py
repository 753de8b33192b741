"""Tag a workspace's plans against frameworks: what is new or changed, in parallel, stored safely.

`tag_documents` (in `compare.tagging.pipeline`) is the pure core. `tag_workspace` decides which
(document, framework) pairs need tagging — a pair is skipped when the document's text hash and
the framework's hash are those stored with its tags — runs them across processes, and writes
the tags and evidence frames atomically, keeping every other stored row.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

import polars as pl

from compare.frameworks.catalog import Framework, load_frameworks
from compare.pool import cpu_count, worker_pool
from compare.schema import (
    EVIDENCE,
    KIND_PLAN,
    LEVEL_ADDRESSED,
    LEVEL_NONE,
    LEVEL_TARGET,
    TAGS,
    conform,
    empty_frame,
)
from compare.store.documents import load_documents
from compare.store.workspace import Workspace
from compare.tagging import version
from compare.tagging.evidence import Corpus, merge_counts
from compare.tagging.pipeline import (
    applicable_pairs,
    corpus_for,
    corpus_in_parts,
    framework_hash,
    tag_documents,
)
from compare.text import NORMALISER_VERSION, normalise

__all__ = ["TagReport", "tag_documents", "tag_workspace"]

Progress = Callable[[int, int], None]
Notify = Callable[[str], None]
REASON_TAGGER = "tagger changed"
REASON_NORMALISER = "normaliser changed"
REASON_REBUILD = "--rebuild"
CHUNK_DOCS = 64  # most documents per task: a task has a fixed cost, the bar should move
MIN_DOCS_FOR_PROCESSES = 16  # below this, starting worker processes costs more than it saves


@dataclass
class TagReport:
    """What `tag_workspace` did."""

    tagged: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, framework_id)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # unchanged since last run
    removed: int = 0  # stored rows dropped: their document or framework is gone or not applicable
    summary: pl.DataFrame = field(default_factory=pl.DataFrame)  # levels per tagged pair
    renormalised: int = 0  # documents whose segments were re-derived by a newer normaliser
    stale: dict[str, int] = field(default_factory=dict)  # reason → documents re-tagged for it

    @property
    def documents(self) -> int:
        """Number of documents tagged in this run."""
        return len({doc_id for doc_id, _ in self.tagged})


def _stored_keys(tags: pl.DataFrame) -> dict[tuple[str, str, str | None, str | None], str | None]:
    """(doc, framework, text hash, framework hash) of the stored tags → why they are stale.

    None means current; otherwise the reason: they were made by another tagger or normaliser.
    """
    rows = tags.select(
        "doc_id",
        "framework_id",
        "text_hash",
        "framework_hash",
        "tagger_version",
        "normaliser_version",
    ).unique(subset=["doc_id", "framework_id", "text_hash", "framework_hash"], keep="first")
    keys: dict[tuple[str, str, str | None, str | None], str | None] = {}
    for doc_id, fw_id, text_hash, fw_hash, tagger, normaliser in rows.iter_rows():
        reason = None
        if tagger != version.TAGGER_VERSION:
            reason = REASON_TAGGER
        elif normaliser != NORMALISER_VERSION:
            reason = REASON_NORMALISER
        keys[(doc_id, fw_id, text_hash, fw_hash)] = reason
    return keys


def renormalise_stale(ws: Workspace, everything: bool = False) -> set[str]:
    """Re-derive the matching form of segments made by another normaliser; returns the ids of
    the documents redone. `everything` redoes all of them (`compare tag --rebuild`).

    `norm` is a function of the stored display text (`normalise(clean_display(t))` equals
    `normalise(t)`), so the originals need not be read again.
    """
    with ws.lock("ingest"):
        documents = ws.read_documents()
        stale = documents.filter(
            pl.lit(everything)
            | pl.col("normaliser_version").is_null()
            | (pl.col("normaliser_version") != NORMALISER_VERSION)
        )["doc_id"].to_list()
        if not stale:
            return set()
        segments = ws.read_segments()
        redo = pl.col("doc_id").is_in(stale)
        renewed = segments.filter(redo).with_columns(
            pl.col("text").map_elements(normalise, return_dtype=pl.Utf8).alias("norm")
        )
        # segments first: a crash before the documents are stamped only redoes the work
        ws.write_segments(pl.concat([segments.filter(~redo), renewed]))
        ws.write_documents(
            documents.with_columns(pl.lit(NORMALISER_VERSION, pl.Int32).alias("normaliser_version"))
        )
    return set(stale)


Chunk = tuple[pl.DataFrame, pl.DataFrame, list[Framework]]
AHEAD = 2  # chunks per worker handed out ahead: each holds its documents' segments until done


def _run(
    chunks: Iterable[Chunk],
    workers: int,
    progress: Progress | None,
    total: int,
    corpus: Corpus | None = None,
) -> list[tuple[pl.DataFrame, pl.DataFrame]]:
    """Tag the chunks, in order; in `workers` processes, a few chunks handed out at a time.

    `chunks` may be made one at a time (a generator): with at most AHEAD per worker in flight,
    the segments being tagged are held once, not copied whole into the pending tasks.
    """
    results = []
    done = 0
    if workers <= 1:
        for docs, segs, fws in chunks:
            results.append(tag_documents(docs, segs, fws, corpus))
            done += docs.height
            if progress is not None:
                progress(done, total)
        return results
    # Forked from a preloaded forkserver, never from this process (see `compare.pool`).
    with worker_pool(workers) as pool:
        in_flight: deque[tuple[Future, int]] = deque()

        def finish_one() -> None:
            nonlocal done
            future, n_docs = in_flight.popleft()
            results.append(future.result())
            done += n_docs
            if progress is not None:
                progress(done, total)

        for docs, segs, fws in chunks:
            in_flight.append((pool.submit(tag_documents, docs, segs, fws, corpus), docs.height))
            del docs, segs  # from here on held by its task only, until it is done
            while len(in_flight) >= AHEAD * workers:
                finish_one()
        while in_flight:
            finish_one()
    return results


def tag_workspace(
    ws: Workspace,
    frameworks: Sequence[Framework] | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
    kinds: Sequence[str] = (KIND_PLAN,),
    rebuild: bool = False,
    notify: Notify | None = None,
) -> TagReport:
    """Tag the workspace's documents of the given kinds (plans by default) and store the results.

    Omit `frameworks` to use every framework in `data/frameworks` (then the stored tags of
    frameworks that no longer exist are dropped too). Pairs whose document text and framework
    are unchanged since they were last tagged are skipped. `workers` is the number of processes
    (omit it for one per CPU; 1 runs in this process). `progress(done, total)` counts documents.
    Tags made by another tagger version, and segments made by another normaliser version, are
    re-derived; `rebuild` re-derives everything. `notify(line)` is told why before it starts.
    """
    full_run = frameworks is None
    fws = list(frameworks) if frameworks is not None else load_frameworks()
    report = TagReport()
    with ws.lock("tag"):  # read inside: another run may have tagged newly ingested documents
        ws.recover_tagging()  # a run killed while committing: finish (or undo) its commit
        renormalised = renormalise_stale(ws, everything=rebuild)
        report.renormalised = len(renormalised)
        if renormalised and notify is not None:
            why = REASON_REBUILD if rebuild else REASON_NORMALISER
            notify(f"re-deriving the matching text of {len(renormalised)} documents: {why}")
        stored_docs = load_documents(ws)  # with the analysts' corrections to year and kind
        documents = stored_docs.filter(pl.col("kind").is_in(list(kinds)))
        tags, evidence = ws.read_tags(), ws.read_evidence()
        stored = _stored_keys(tags)
        text_hash = dict(documents.select("doc_id", "text_hash").iter_rows())
        todo: dict[str, list[Framework]] = {}
        stale: dict[str, set[str]] = {}
        applicable = applicable_pairs(documents, fws)
        for doc_id, fw in applicable:
            key = (doc_id, fw.id, text_hash.get(doc_id), framework_hash(fw))
            reason = REASON_REBUILD if rebuild and key in stored else stored.get(key, "")
            if reason is None and doc_id in renormalised:
                reason = REASON_NORMALISER
            if reason is None:
                report.skipped.append((doc_id, fw.id))
            else:
                if reason:
                    stale.setdefault(reason, set()).add(doc_id)
                todo.setdefault(doc_id, []).append(fw)
                report.tagged.append((doc_id, fw.id))
        report.stale = {reason: len(ids) for reason, ids in stale.items()}
        if notify is not None:
            noun = "plans" if tuple(kinds) == (KIND_PLAN,) else "documents"
            for reason, n in report.stale.items():
                notify(f"re-tagging {n} {noun}: {reason}")
        keep = _rows_to_keep(
            tags, stored_docs, documents, applicable, fws, full_run, set(report.tagged)
        )
        report.removed = tags.height - int(keep.sum()) - _retagged_rows(tags, report.tagged)
        new_tags, new_evidence = _tag_todo(ws, documents, todo, workers, progress)
        if report.tagged or report.removed:
            kept = tags.filter(keep)  # a re-tagged pair's old evidence goes with its old tags
            evidence = pl.concat([_keep_evidence(evidence, kept), new_evidence])
            tags = pl.concat([kept, new_tags])
            ws.commit_tagging(tags, evidence)  # together: a crash leaves the old or the new
    report.summary = _summary(new_tags)
    return report


def _rows_to_keep(
    tags: pl.DataFrame,
    stored_docs: pl.DataFrame,
    documents: pl.DataFrame,
    applicable: list[tuple[str, Framework]],
    fws: list[Framework],
    full_run: bool,
    retag: set[tuple[str, str]],
) -> pl.Series:
    """Which stored tag rows survive: not re-tagged now, and still meaningful.

    `stored_docs` are all the workspace's documents, `documents` those of the kinds tagged now,
    and `applicable` their (doc_id, framework) pairs.
    """
    stored = set(stored_docs["doc_id"].to_list())
    in_scope = set(documents["doc_id"].to_list())
    considered = {fw.id for fw in fws}
    still_applies = {(d, fw.id) for d, fw in applicable}
    keep = []
    for doc_id, fw_id in tags.select("doc_id", "framework_id").iter_rows():
        if (doc_id, fw_id) in retag or doc_id not in stored:
            keep.append(False)
        elif fw_id in considered:  # e.g. a corrected year: the goals no longer apply
            keep.append((doc_id, fw_id) in still_applies or doc_id not in in_scope)
        else:  # a framework file that is gone: dropped on a run over all frameworks
            keep.append(not full_run)
    return pl.Series(keep, dtype=pl.Boolean)


def _retagged_rows(tags: pl.DataFrame, tagged: list[tuple[str, str]]) -> int:
    if not tagged or tags.is_empty():
        return 0
    pairs = pl.DataFrame(tagged, schema={"doc_id": pl.Utf8, "framework_id": pl.Utf8}, orient="row")
    return tags.join(pairs, on=["doc_id", "framework_id"], how="semi").height


def _keep_evidence(evidence: pl.DataFrame, tags: pl.DataFrame) -> pl.DataFrame:
    """Evidence rows whose (document, framework) still has its tags."""
    pairs = tags.select("doc_id", "framework_id").unique()
    return evidence.join(pairs, on=["doc_id", "framework_id"], how="semi")


def _tag_todo(
    ws: Workspace,
    documents: pl.DataFrame,
    todo: dict[str, list[Framework]],
    workers: int | None,
    progress: Progress | None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    if not todo:
        if progress is not None:
            progress(0, 0)
        return empty_frame(TAGS), empty_frame(EVIDENCE)
    doc_ids = sorted(todo)
    segments = ws.read_segments(doc_ids)
    docs = documents.filter(pl.col("doc_id").is_in(doc_ids))
    n_workers = workers if workers is not None else cpu_count()
    if len(doc_ids) < MIN_DOCS_FOR_PROCESSES and workers is None:
        n_workers = 1
    # Documents pending the same frameworks are tagged together, in chunks: a few per worker
    # (for an even load), at most CHUNK_DOCS (for a progress bar that moves).
    groups: dict[frozenset[str], list[str]] = {}
    for doc_id in doc_ids:
        groups.setdefault(frozenset(fw.id for fw in todo[doc_id]), []).append(doc_id)
    size = max(1, min(CHUNK_DOCS, -(-len(doc_ids) // (2 * n_workers))))
    # What terms are worth is learned from all the plans of the run at once (see
    # `compare.tagging.evidence`), so every chunk gets the same corpus and the tags do not
    # depend on how the plans were split.
    # The corpus is all the documents of the kinds being tagged, not only those tagged now.
    all_fws = list({fw.id: fw for fws in todo.values() for fw in fws}.values())
    rest = [d for d in documents["doc_id"].to_list() if d not in todo]
    everything = pl.concat([segments, ws.read_segments(rest)]) if rest else segments
    corpus = _corpus(documents, everything, all_fws, n_workers)
    del everything  # the documents not tagged now were read for the corpus only

    def chunks() -> Iterator[Chunk]:
        """Each chunk's frames, made when it is handed out (see `_run`)."""
        for fw_ids, ids in groups.items():
            fws = [fw for fw in todo[ids[0]] if fw.id in fw_ids]
            for start in range(0, len(ids), size):
                part = ids[start : start + size]
                yield (
                    docs.filter(pl.col("doc_id").is_in(part)),
                    segments.filter(pl.col("doc_id").is_in(part)),
                    fws,
                )

    n_chunks = sum(-(-len(ids) // size) for ids in groups.values())
    results = _run(chunks(), n_workers if n_chunks > 1 else 1, progress, len(doc_ids), corpus)
    return (
        pl.concat([conform(t, TAGS) for t, _ in results]),
        pl.concat([conform(e, EVIDENCE) for _, e in results]),
    )


def _corpus(
    documents: pl.DataFrame, segments: pl.DataFrame, frameworks: list[Framework], workers: int
) -> Corpus:
    """The run's corpus statistics: in parts, in `workers` processes, where they add up."""
    split = None
    if workers > 1 and documents.height >= MIN_DOCS_FOR_PROCESSES:
        split = corpus_in_parts(documents, frameworks, workers)
    if split is None:
        return corpus_for(documents, segments, frameworks)
    parts, searched = split
    with worker_pool(workers) as pool:
        futures = [
            pool.submit(
                corpus_for,
                part,
                segments.filter(pl.col("doc_id").is_in(part["doc_id"].implode())),
                frameworks,
                searched,
            )
            for part in parts
        ]
        return merge_counts([future.result() for future in futures])


def _summary(tags: pl.DataFrame) -> pl.DataFrame:
    """Per (document, framework): how many items are X, (X) and blank."""
    if tags.is_empty():
        return pl.DataFrame(
            schema={
                "doc_id": pl.Utf8,
                "framework_id": pl.Utf8,
                "n_target": pl.UInt32,
                "n_addressed": pl.UInt32,
                "n_none": pl.UInt32,
            }
        )
    return (
        tags.group_by("doc_id", "framework_id")
        .agg(
            (pl.col("level") == LEVEL_TARGET).sum().alias("n_target"),
            (pl.col("level") == LEVEL_ADDRESSED).sum().alias("n_addressed"),
            (pl.col("level") == LEVEL_NONE).sum().alias("n_none"),
        )
        .sort("doc_id", "framework_id")
    )

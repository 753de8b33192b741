"""Benchmark: tagging throughput on generated plans, next to one vectorised Polars pass.

Builds the segments of N generated plans (`benchmarks/corpus.py`: the plans' text, OCR damage
included, read and segmented as ingestion does — not timed), then times:

1. `tag_documents` over all plans and all frameworks that apply, in this process;
2. the floor: a single vectorised Polars pass over the same `norm` text with every item's
   terms (`str.extract_many`, and `str.contains_any` for comparison);
3. `tag_workspace` into a fresh workspace with 1 worker and with one process per CPU
   (includes reading segments and writing tags atomically), and a second, no-change run.

The figure to quote (and push down) is the ratio of (1) to (2).

    .venv/bin/python benchmarks/bench_tag.py [--docs 500] [--seed 0] [--repeat 3] [--labels-only]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import polars as pl  # noqa: E402
from corpus import corpus_frames  # noqa: E402
from machine import machine  # noqa: E402

from compare.frameworks.catalog import labels_only, load_frameworks  # noqa: E402
from compare.store.workspace import Workspace  # noqa: E402
from compare.tagging.pipeline import applicable_pairs, tag_documents  # noqa: E402
from compare.tagging.run import tag_workspace  # noqa: E402
from compare.tagging.terms import term_table  # noqa: E402


def best_of(repeat: int, run) -> float:
    """The fastest of `repeat` runs, in seconds (the least disturbed by other load)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--labels-only",
        action="store_true",
        help="strip keywords and descriptions, as pasted frameworks (they borrow thesaurus terms)",
    )
    args = parser.parse_args()

    print(f"machine: {machine()}, Polars {pl.__version__}")
    start = time.perf_counter()
    documents, segments = corpus_frames(args.docs, args.seed)
    mb = documents["n_chars"].sum() / 1e6
    print(
        f"corpus: {documents.height} plans, {segments.height} segments, {mb:.1f} M chars "
        f"(built in {time.perf_counter() - start:.1f} s, not timed)"
    )

    frameworks = load_frameworks()
    if args.labels_only:
        frameworks = labels_only(frameworks)
    pairs = applicable_pairs(documents, frameworks)
    used = list({fw.id: fw for _, fw in pairs}.values())
    n_items = sum(len(fw.items) for _, fw in pairs)
    print(
        f"frameworks: {len(frameworks)}; {len(pairs)} (plan, framework) pairs, "
        f"{n_items} (plan, item) levels to decide"
    )

    tag_time = best_of(args.repeat, lambda: tag_documents(documents, segments, frameworks))
    patterns = sorted(set(term_table(used)["pattern"].to_list()))
    padded = segments.select((pl.lit(" ") + pl.col("norm") + pl.lit(" ")).alias("norm"))
    extract_time = best_of(
        args.repeat,
        lambda: padded.select(pl.col("norm").str.extract_many(patterns, overlapping=True)),
    )
    contains_time = best_of(
        args.repeat, lambda: padded.select(pl.col("norm").str.contains_any(patterns))
    )
    print(
        f"\ntag_documents (1 process): {tag_time:.3f} s = "
        f"{documents.height / tag_time:.0f} plans/s, {mb / tag_time:.1f} M chars/s"
    )
    print(
        f"one Polars pass, {len(patterns)} term patterns: extract_many {extract_time:.3f} s, "
        f"contains_any {contains_time:.3f} s"
    )
    print(f"ratio tag_documents / extract_many pass: {tag_time / extract_time:.1f}x")

    with tempfile.TemporaryDirectory() as tmp:
        for workers in sorted({1, os.cpu_count() or 1}):
            ws = Workspace.open(Path(tmp) / f"w{workers}")
            ws.write_documents(documents)
            ws.write_segments(segments)
            start = time.perf_counter()
            report = tag_workspace(ws, frameworks, workers=workers)
            full = time.perf_counter() - start
            start = time.perf_counter()
            again = tag_workspace(ws, frameworks, workers=workers)
            rerun = time.perf_counter() - start
            print(
                f"tag_workspace, {workers} worker process(es): {full:.2f} s for "
                f"{len(report.tagged)} pairs ({documents.height / full:.0f} plans/s); "
                f"second run {rerun:.2f} s ({len(again.skipped)} pairs unchanged)"
            )


if __name__ == "__main__":
    main()

"""Benchmark: ingest throughput (MB/s, documents/s) on ≥500 generated plan-sized documents.

Generates (or reuses) a corpus with `benchmarks/corpus.py` — a mix of plain text (half of it
OCR-damaged), Markdown, PDF and DOCX — ingests it into a fresh temporary workspace with
`ingest_paths`, and prints the throughput, then where the time goes per stage and per format
(a second, instrumented pass over the same files).

    .venv/bin/python benchmarks/bench_ingest.py [--docs 520] [--seed 0] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import generate_corpus  # noqa: E402
from machine import machine  # noqa: E402

from compare.ingest import ingest_paths, parse_document, segment  # noqa: E402
from compare.ingest.metadata import detect_metadata  # noqa: E402
from compare.ingest.readers import load_bytes  # noqa: E402
from compare.store.workspace import Workspace  # noqa: E402


def stage_times(files: list[Path]) -> tuple[dict[str, float], dict[str, list[float]]]:
    """Seconds per stage over all files, and (bytes, seconds) per format for reading."""
    stages: dict[str, float] = defaultdict(float)
    formats: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for path in files:
        start = time.perf_counter()
        data = load_bytes(path)
        loaded = time.perf_counter()
        raw = parse_document(data, path.name)
        parsed = time.perf_counter()
        frame = segment("bench", raw)
        segmented = time.perf_counter()
        detect_metadata(raw.text)
        detected = time.perf_counter()
        stages["load file"] += loaded - start
        stages["parse (read format, find headings)"] += parsed - loaded
        stages["segment (clean, normalise, stem)"] += segmented - parsed
        stages["detect metadata"] += detected - segmented
        count = formats[raw.format]
        count[0] += 1
        count[1] += len(data)
        count[2] += parsed - loaded
        del frame
    return stages, formats


def main() -> None:
    """Generate the corpus, ingest it, and print throughput and the time per stage."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=520)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--corpus",
        type=Path,
        default=None,
        help="Folder to keep the generated corpus in (reused between runs).",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        folder = args.corpus or Path(tmp) / "corpus"
        start = time.perf_counter()
        plans = generate_corpus(folder, args.docs, args.seed)
        print(
            f"corpus: {len(plans)} documents in {folder} "
            f"(ready in {time.perf_counter() - start:.1f} s)"
        )
        files = [path for path, _ in plans]
        total_bytes = sum(path.stat().st_size for path in files)

        ws = Workspace.open(Path(tmp) / "workspace")
        start = time.perf_counter()
        report = ingest_paths(files, ws)
        elapsed = time.perf_counter() - start
        if report.failed:
            print(f"warning: {len(report.failed)} failed, e.g. {report.failed[0]}")
        segments = ws.read_segments().height
        chars = int(ws.read_documents()["n_chars"].sum())
        print(f"machine: {machine()}")
        print(
            f"ingest: {len(report.added)} documents, {total_bytes / 1e6:.1f} MB, "
            f"{segments} segments in {elapsed:.1f} s"
        )
        print(
            f"  throughput: {total_bytes / 1e6 / elapsed:.2f} MB/s, "
            f"{len(report.added) / elapsed:.1f} documents/s, "
            f"{chars / 1e6 / elapsed:.2f} M characters of text/s"
        )
        specs = {path.name: spec for path, spec in plans}
        right = sum(
            1
            for row in ws.read_documents().iter_rows(named=True)
            if (row["municipality"], row["year"], row["year_to"])
            == (
                specs[row["file_name"]].municipality,
                specs[row["file_name"]].year,
                specs[row["file_name"]].year_to,
            )
        )
        print(f"  municipality and period detected right: {right} of {len(report.added)}")
        print(
            f"  stored: documents.parquet {ws.documents_path.stat().st_size / 1e3:.0f} KB, "
            f"segments.parquet {ws.segments_path.stat().st_size / 1e6:.1f} MB"
        )

        stages, formats = stage_times(files)
        measured = sum(stages.values())
        print("where the time goes (second, instrumented pass):")
        for name, seconds in stages.items():
            print(f"  {name:<38} {seconds:6.1f} s  {100 * seconds / measured:4.0f} %")
        print(
            f"  {'store (hash, originals, Parquet)':<38} "
            f"{max(elapsed - measured, 0):6.1f} s  (ingest total minus the stages)"
        )
        print("reading by format:")
        for fmt, (count, size, seconds) in sorted(formats.items()):
            print(
                f"  {fmt:<5} {int(count):4d} files  {size / 1e6:6.1f} MB  "
                f"{size / 1e6 / seconds:6.2f} MB/s  {count / seconds:6.1f} files/s"
            )


if __name__ == "__main__":
    main()

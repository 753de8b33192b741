"""Benchmark: full-text search over a workspace of 1,000 plan-sized documents.

Two corpora (not timed while built):
- `corpus` (default): the generated plans of `benchmarks/corpus.py`, parsed and segmented as
  ingestion does (text formats, OCR damage included);
- `seeds`: segments drawn from the seed plans' real sentences with random OCR damage added, so
  the vocabulary of term keys grows like a real scanned corpus's (it is what the fuzzy matching
  scans).
Then measures building the term index in a fresh process (its peak RSS, next to that of a
process that only imports the same modules), times building it here, the first search with cold
in-process caches (index and segments read from disk), and repeated searches.

    .venv/bin/python benchmarks/bench_search.py [--plans 1000] [--source corpus|seeds]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import machine  # noqa: E402

from compare.analysis import search as search_module  # noqa: E402
from compare.store.workspace import Workspace  # noqa: E402
from compare.text import clean_display, normalise  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"
QUERIES = (
    "Københavnermodellen",
    "virksomhedspraktik",
    "Kgbenhavn",
    "opkvalificering",
    "flygtninge familiesammenførte",
    "IGU",
    "jobparate kontanthjælpsmodtagere",
    "rddgivning",
    "ordet-der-ikke-findes",
)
_OCR = {"ø": "g", "æ": "a", "å": "a", "e": "c", "i": "l"}


def _sentences() -> list[str]:
    """Sentences of the seed plans, or a small built-in set where the seeds are absent."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("00[01]_*.txt"))]
    if not texts:
        texts = [
            "Jobcentret tilbyder virksomhedspraktik og løntilskud til ledige. "
            "Københavnermodellen samler indsatsen for flygtninge og familiesammenførte. "
            "Flere ledige skal opkvalificeres, og IGU bruges mere."
        ]
    found = re.split(r"(?<=[.!?])\s+", clean_display(" ".join(texts)))
    return [s for s in found if len(s) > 30]


def _damaged(sentence: str, rng: random.Random) -> str:
    """A copy with letters misread as OCR does: æøå readings, and random wrong letters that
    folding cannot undo (so the vocabulary grows to a real corpus's size)."""
    chars = list(sentence)
    for i, ch in enumerate(chars):
        if ch in _OCR and rng.random() < 0.03:
            chars[i] = _OCR[ch]
        elif ch.isalpha() and rng.random() < 0.01:
            chars[i] = rng.choice("abcdefghijklmnoprstuvy")
    return "".join(chars)


def corpus_workspace(root: Path, plans: int, seed: int = 0) -> Workspace:
    """A workspace holding `plans` generated plans (benchmarks/corpus.py), segmented."""
    from corpus import corpus_frames

    documents, segments = corpus_frames(plans, seed, id_width=11)
    ws = Workspace.open(root)
    ws.write_segments(segments)
    ws.write_documents(documents)
    return ws


def seeds_workspace(root: Path, plans: int, segments: int = 300, seed: int = 7) -> Workspace:
    """A workspace with `plans` documents of `segments` segments from the seeds' sentences."""
    rng = random.Random(seed)
    base = _sentences()
    pool = base + [_damaged(rng.choice(base), rng) for _ in range(60 * len(base))]
    norms = [normalise(s) for s in pool]
    doc_ids, seg_nos, texts, norm_col = [], [], [], []
    for d in range(plans):
        for s in range(segments):
            picks = [rng.randrange(len(pool)) for _ in range(rng.randint(1, 4))]
            doc_ids.append(f"{d:016x}")
            seg_nos.append(s)
            texts.append(" ".join(pool[i] for i in picks))
            norm_col.append(" ".join(norms[i] for i in picks))
    ws = Workspace.open(root)
    ws.write_segments(
        pl.DataFrame(
            {
                "doc_id": doc_ids,
                "seg_no": seg_nos,
                "text": texts,
                "norm": norm_col,
                "heading_path": "",
                "section_no": 0,
                "is_heading": False,
                "level": 0,
            }
        )
    )
    names = ["Albertslund", "Ballerup", "Gentofte", "København", "Tårnby", "Aarhus"]
    ws.write_documents(
        pl.DataFrame(
            {
                "doc_id": [f"{d:016x}" for d in range(plans)],
                "municipality": [names[d % len(names)] for d in range(plans)],
                "year": [2018 + d % 5 for d in range(plans)],
                "kind": "plan",
                "title": [f"Beskæftigelsesplan {d}" for d in range(plans)],
            }
        )
    )
    return ws


# VmHWM, not ru_maxrss: a child's ru_maxrss starts from its parent's (this process's) peak.
_BUILD = """
import sys
from pathlib import Path
from compare.analysis import search
from compare.store.workspace import Workspace
def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
imported = peak()
search.build_index(Workspace(Path(sys.argv[1])))
print(imported, peak())
"""


def build_peak_mib(root: Path) -> tuple[float, float]:
    """Peak RSS (MiB) of a fresh process after importing the search module, and after it has
    built the index of the workspace at `root`."""
    out = subprocess.run(
        [sys.executable, "-c", _BUILD, str(root)], check=True, cwd=ROOT, capture_output=True
    )
    imported, built = (int(v) / 1024 for v in out.stdout.split())
    return imported, built


def main() -> None:
    """Build the corpus, then print timings of index build and searches."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=1000)
    parser.add_argument("--source", choices=["corpus", "seeds"], default="corpus")
    args = parser.parse_args()
    print(f"machine: {machine()}, Polars {pl.__version__}")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        build = corpus_workspace if args.source == "corpus" else seeds_workspace
        ws = build(Path(tmp) / "ws", args.plans)
        size = ws.segments_path.stat().st_size / 1e6
        n_segments = pl.scan_parquet(ws.segments_path).select(pl.len()).collect().item()
        print(
            f"corpus ({args.source}): {args.plans} plans, {n_segments} segments, "
            f"segments.parquet {size:.1f} MB, built in {time.perf_counter() - started:.1f} s "
            "(not timed)"
        )

        imported, built = build_peak_mib(ws.root)
        print(
            f"index build in a fresh process: peak RSS {built:.0f} MiB "
            f"({imported:.0f} MiB after the imports)"
        )
        ws.search_index_path.unlink(missing_ok=True)
        started = time.perf_counter()
        vocabulary = search_module.build_index(ws)
        print(
            f"index build: {time.perf_counter() - started:.2f} s "
            f"({vocabulary.height} distinct term keys)"
        )

        for query in QUERIES:
            search_module._read_index.cache_clear()
            search_module._read_norms.cache_clear()
            started = time.perf_counter()
            hits = search_module.search(ws, query)
            cold = time.perf_counter() - started
            warm = []
            for _ in range(3):
                started = time.perf_counter()
                search_module.search(ws, query)
                warm.append(time.perf_counter() - started)
            print(
                f"{query!r:38} {hits.height:3} hits  first {cold:.3f} s  "
                f"then {statistics.median(warm):.3f} s"
            )


if __name__ == "__main__":
    main()

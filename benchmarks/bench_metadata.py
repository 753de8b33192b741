"""Benchmark: metadata detection (municipality, period, kind, title) on 1,000 plan-sized texts.

Detection runs on every ingested document, so its cost adds to ingest time. The corpus: the
seed plans (OCR'd København 2018 and 2022) with København's name, in all its OCR spellings,
replaced by another municipality's and the plan year moved, so the benchmark also reports how
often the planted municipality and year are found.

    .venv/bin/python benchmarks/bench_metadata.py [--docs 1000]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import machine  # noqa: E402

from compare.ingest.metadata import detect_metadata  # noqa: E402
from compare.registry.lookup import load_registry  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"
# København in the seeds' OCR spellings (Kgbenhavn, Kebenhavns, Kesbenhavn, KØBENHAVN ...).
_COPENHAGEN = re.compile(r"\b(?:K|k)(?:[gøeoa]|ge|es|ø)benhavn(?=s?\b)", re.IGNORECASE)


def _corpus(n: int, seed: int = 7) -> list[tuple[str, str, int]]:
    """(text, planted municipality, planted year) for n documents."""
    plans = {
        2018: (SEEDS / "000_010c7ad56dba5589.txt").read_text(encoding="utf-8"),
        2022: (SEEDS / "001_40bbc7606dbfb722.txt").read_text(encoding="utf-8"),
    }
    names = [m.name for m in load_registry().municipalities()]
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        year = 2018 if i % 2 == 0 else 2022
        name = rng.choice(names)
        shift = rng.randint(-2, 2)
        text = _COPENHAGEN.sub(name, plans[year])
        text = re.sub(rf"(?<!\d){year}(?!\d)", str(year + shift), text)
        docs.append((text, name, year + shift))
    return docs


def main() -> None:
    """Time detection over the corpus and report throughput and how often it was right."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    args = parser.parse_args()
    if not SEEDS.is_dir():
        sys.exit(f"seed documents not found at {SEEDS}; this benchmark builds its corpus from them")
    registry = load_registry()
    docs = _corpus(args.docs)
    megabytes = sum(len(t.encode("utf-8")) for t, _, _ in docs) / 1e6
    start = time.perf_counter()
    results = [detect_metadata(text, registry) for text, _, _ in docs]
    elapsed = time.perf_counter() - start
    right_m = sum(r.municipality == name for r, (_, name, _) in zip(results, docs, strict=True))
    right_y = sum(r.year == year for r, (_, _, year) in zip(results, docs, strict=True))
    unsure = sum(r.municipality is None for r in results)
    print(f"machine: {machine()}")
    print(
        f"{len(docs)} documents, {megabytes:.1f} MB: {elapsed:.2f} s = "
        f"{len(docs) / elapsed:.0f} docs/s, {megabytes / elapsed:.1f} MB/s, "
        f"{1000 * elapsed / len(docs):.2f} ms/doc"
    )
    print(
        f"municipality right {right_m}/{len(docs)} (unsure {unsure}), "
        f"year right {right_y}/{len(docs)}"
    )


if __name__ == "__main__":
    main()

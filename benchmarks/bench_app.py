"""Benchmark: run time of the app's Matrix page at 100 and 1,000 plans.

Builds synthetic workspaces (documents, tags and evidence frames written with `ws.write_*`, over
the real frameworks in data/frameworks/ and the real municipality registry), then runs the app
through Streamlit's AppTest — the same script run a browser triggers, without the network — and
times: the first run (cold caches: frames read from disk), a re-run with nothing changed, a filter
change (year), a click on a matrix cell (evidence drill-down) and a review action ("Bekræft og
næste": a decision recorded, the next cell shown). Each warm figure is the median of several runs.

    .venv/bin/python benchmarks/bench_app.py [--plans 100 1000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import machine  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from compare.frameworks.catalog import load_frameworks  # noqa: E402
from compare.registry.lookup import load_registry  # noqa: E402
from compare.schema import KIND_PLAN, LEVELS  # noqa: E402
from compare.store.review_db import ReviewStore  # noqa: E402
from compare.store.workspace import ENV_VAR, Workspace  # noqa: E402
from compare.ui import state  # noqa: E402

APP = ROOT / "app.py"
REVIEWED_SHARE = 2  # percent of cells with an analyst's decision
QUOTE = (
    "Jobcentret vil styrke virksomhedskontakten og opkvalificere ledige, så flere "
    "flygtninge og familiesammenførte bliver selvforsørgende inden udgangen af året. "
)


def build_workspace(root: Path, plans: int, seed: int = 11) -> Workspace:
    """A workspace of `plans` synthetic plans: all municipalities, year by year from 2024 down."""
    rng = random.Random(seed)
    ws = Workspace.open(root)
    municipalities = load_registry().municipalities()
    frameworks = load_frameworks()
    now = datetime(2025, 1, 1)
    docs, tags, evidence = [], [], []
    for n in range(plans):
        m = municipalities[n % len(municipalities)]
        year = 2024 - n // len(municipalities)
        text_hash = hashlib.sha256(f"{n}".encode()).hexdigest()
        doc_id = text_hash[:16]
        docs.append(
            {
                "doc_id": doc_id,
                "content_hash": text_hash,
                "text_hash": text_hash,
                "file_name": f"plan{n}.pdf",
                "format": "pdf",
                "title": f"Beskæftigelsesplan {year}",
                "municipality": m.name,
                "kommunekode": m.code,
                "year": year,
                "year_to": year,
                "kind": KIND_PLAN,
                "pages": 30,
                "n_sections": 40,
                "n_chars": 60_000,
                "ingested_at": now,
            }
        )
        for fw in frameworks:
            if not fw.applies_to(year, year):
                continue
            for item in fw.items:
                level = rng.choice(LEVELS)
                tags.append(
                    {
                        "doc_id": doc_id,
                        "framework_id": fw.id,
                        "item_id": item.id,
                        "level": level,
                        "score": rng.random(),
                        "matched_terms": ["virksomhedskontakt", "opkvalificering"],
                        "target_sentence": QUOTE if level == "X" else None,
                        "framework_hash": fw.content_hash,
                        "text_hash": text_hash,
                        "tagged_at": now,
                    }
                )
                for rank in range(1, 4 if level else 1):
                    evidence.append(
                        {
                            "doc_id": doc_id,
                            "framework_id": fw.id,
                            "item_id": item.id,
                            "rank": rank,
                            "seg_no": rank * 7,
                            "quote": QUOTE * 3,
                            "heading_path": "2 Indsatser > 2.1",
                            "page": rank + 2,
                            "line_start": rank * 40,
                            "line_end": rank * 40 + 5,
                            "matched_terms": ["virksomhedskontakt"],
                            "score": rng.random(),
                            "is_target": level == "X",
                        }
                    )
    ws.write_documents(pl.DataFrame(docs))
    ws.write_tags(pl.DataFrame(tags))
    ws.write_evidence(pl.DataFrame(evidence))
    # Analysts have reviewed some cells: the matrix overrides those with their decisions.
    store = ReviewStore.for_workspace(ws)
    for tag in rng.sample(tags, max(1, len(tags) * REVIEWED_SHARE // 100)):
        store.decide(
            tag["doc_id"],
            tag["framework_id"],
            tag["item_id"],
            rng.choice(LEVELS),
            "note",
            "bench",
            tag["text_hash"],
        )
    return ws


def _timed(at: AppTest) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"the page raised: {at.exception[0].value}")
    return elapsed


def bench(plans: int, repeat: int, quiet: bool = False) -> None:
    """Print the matrix page's run times for one workspace size."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        ws = build_workspace(Path(tmp) / "ws", plans)
        built = time.perf_counter() - start
        os.environ[ENV_VAR] = str(ws.root)
        at = AppTest.from_file(str(APP), default_timeout=300)
        cold = _timed(at)
        if quiet:
            return
        warm = statistics.median(_timed(at) for _ in range(repeat))
        years = (2023, 2024)
        filter_runs = []
        for i in range(repeat):  # the first visit of 2023 misses the cache; later ones hit
            at.selectbox(key=state.MATRIX_YEAR).set_value(years[i % 2])
            filter_runs.append(_timed(at))
        at.selectbox(key=state.MATRIX_YEAR).set_value("Alle")
        all_years_time = _timed(at)
        at.selectbox(key=state.MATRIX_YEAR).set_value(years[1])
        _timed(at)
        rows = at.dataframe(key=state.MATRIX_TABLE).value
        item_columns = [c for c in rows.columns if "::" in c]
        clicks = []
        for i in range(repeat):
            cell = [i % (len(rows) - 1), item_columns[i % len(item_columns)]]
            at.session_state[state.MATRIX_TABLE] = {
                "selection": {"rows": [], "columns": [], "cells": [cell]}
            }
            clicks.append(_timed(at))
        # A review action: "Bekræft og næste" records a decision and brings the next cell.
        at.text_input(key=state.REVIEWER).input("bench")
        _timed(at)
        actions = []
        for _ in range(repeat):
            at.button(key=state.QUEUE_CONFIRM_NEXT).click()
            actions.append(_timed(at))
        print(
            f"{plans:>5} plans  (workspace built in {built:.1f} s; "
            f"{len(rows) - 1} rows × {len(item_columns)} items in the default view)"
        )
        print(f"       first run (cold)         {cold * 1000:8.0f} ms")
        print(f"       re-run, nothing changed  {warm * 1000:8.0f} ms")
        print(f"       filter change (year), new {filter_runs[0] * 1000:7.0f} ms")
        print(f"       filter change, median    {statistics.median(filter_runs) * 1000:8.0f} ms")
        print(f"       click on a cell          {statistics.median(clicks) * 1000:8.0f} ms")
        print(f"       review: confirm + next   {statistics.median(actions) * 1000:8.0f} ms")
        print(f"       all years: {plans:>4} rows     {all_years_time * 1000:8.0f} ms")


def main() -> None:
    """Run the benchmark for each requested workspace size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"Matrix page run time (AppTest, median of {args.repeat}); machine: {machine()}")
    # Import Streamlit, Polars and the app's modules once, so "cold" below means cold caches.
    bench(100, 1, quiet=True)
    for plans in args.plans:
        bench(plans, args.repeat)


if __name__ == "__main__":
    main()

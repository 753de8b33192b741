"""Benchmark: Excel export of 98 municipalities × 3 frameworks with full evidence, and its import.

Builds a workspace synthetically at that size (one plan per municipality, every framework item
tagged, `--passages` evidence passages of plan-like length per addressed cell, ~10 % of the cells
reviewed, a remark per plan), then times `export_workbook` (all councils: one section each) and
`import_review` of the unedited workbook (maps every cell back, records nothing). Each export is
timed as its two steps, building the workbook in memory (`workspace_workbook`) and saving it
(`save_workbook`): what `export_workbook` does after checking the target.

    .venv/bin/python benchmarks/bench_export.py [--runs 3] [--passages 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import machine  # noqa: E402

from compare.excel import import_review  # noqa: E402
from compare.excel.workbook import check_target, save_workbook, workspace_workbook  # noqa: E402
from compare.frameworks.catalog import find_framework  # noqa: E402
from compare.registry.lookup import load_registry  # noqa: E402
from compare.schema import DOCUMENTS, EVIDENCE, TAGS  # noqa: E402
from compare.store.review_db import ReviewStore  # noqa: E402
from compare.store.workspace import Workspace  # noqa: E402

FRAMEWORKS = ("ministermaal-2018", "rar-hovedstaden-2018", "ministermaal-2021")
YEAR = 2018
WORDS = (
    "jobcentret virksomhedspraktik løntilskud flygtninge familiesammenførte opkvalificering "
    "ledige sygedagpenge ressourceforløb unge uddannelse mentorstøtte virksomhederne "
    "rekruttering kontanthjælpsmodtagere aktivitetsparate jobparate målet er at andelen "
    "skal øges med 5 pct. inden udgangen af året"
).split()


def _quote(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 70))).capitalize() + "."


def build_workspace(root: Path, passages: int, seed: int = 5) -> tuple[Workspace, int]:
    """98 plans of 2018, tagged against three frameworks; returns the workspace and cell count."""
    rng = random.Random(seed)
    ws = Workspace.open(root)
    frameworks = [find_framework(f) for f in FRAMEWORKS]
    now = datetime(2024, 3, 1, 12)
    documents, tags, evidence = [], [], []
    for n, municipality in enumerate(load_registry().municipalities()):
        doc_id = f"{n:016x}"
        documents.append(
            {
                "doc_id": doc_id,
                "content_hash": doc_id * 4,
                "text_hash": f"t{n}",
                "file_name": f"beskæftigelsesplan-2018-{municipality.name}.pdf",
                "format": "pdf",
                "title": f"Beskæftigelsesplan 2018 – {municipality.name}",
                "municipality": municipality.name,
                "kommunekode": municipality.code,
                "year": YEAR,
                "year_to": YEAR,
                "kind": "plan",
                "pages": rng.randint(8, 60),
                "n_sections": 30,
                "n_chars": 60_000,
                "ingested_at": now,
            }
        )
        for fw in frameworks:
            for item in fw.items:
                level = rng.choice(["X", "(X)", "", ""])
                tags.append(
                    {
                        "doc_id": doc_id,
                        "framework_id": fw.id,
                        "item_id": item.id,
                        "level": level,
                        "score": rng.random(),
                        "matched_terms": [],
                        "framework_hash": fw.content_hash,
                        "text_hash": f"t{n}",
                        "tagged_at": now,
                    }
                )
                for rank in range(1, passages + 1 if level else 1):
                    page = rng.randint(1, 40)
                    evidence.append(
                        {
                            "doc_id": doc_id,
                            "framework_id": fw.id,
                            "item_id": item.id,
                            "rank": rank,
                            "seg_no": rng.randint(0, 400),
                            "quote": _quote(rng),
                            "heading_path": f"{item.id} {item.label[:40]} > Indsatser",
                            "page": page,
                            "line_start": page * 40,
                            "line_end": page * 40 + 6,
                            "matched_terms": [],
                            "score": 1 / rank,
                            "is_target": rank == 1 and level == "X",
                        }
                    )
    ws.write_documents(pl.DataFrame(documents, schema=DOCUMENTS))
    ws.write_tags(pl.DataFrame(tags, schema=TAGS))
    ws.write_evidence(pl.DataFrame(evidence, schema=EVIDENCE))
    store = ReviewStore.for_workspace(ws)
    for row in rng.sample(tags, len(tags) // 10):
        store.decide(
            row["doc_id"],
            row["framework_id"],
            row["item_id"],
            "X",
            "set i test",
            "bench",
            row["text_hash"],
        )
    for doc in documents:
        store.set_remark(doc["doc_id"], FRAMEWORKS[0], "Sygedagpengeområdet; egne mål", "bench")
    return ws, len(tags)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed exports (median reported)")
    parser.add_argument("--passages", type=int, default=5, help="evidence passages per cell")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        ws, n_cells = build_workspace(Path(tmp) / "ws", args.passages)
        n_passages = ws.read_evidence().height
        print(
            f"workspace: 98 plans × {len(FRAMEWORKS)} frameworks = {n_cells} cells, "
            f"{n_passages} passages (built in {time.perf_counter() - started:.1f} s)"
        )
        out = Path(tmp) / "export.xlsx"
        times, builds, saves = [], [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            # export_workbook(ws, out, FRAMEWORKS, year=YEAR, today=…), step by step
            target = check_target(out)
            workbook = workspace_workbook(ws, list(FRAMEWORKS), year=YEAR, today=date(2024, 5, 2))
            built = time.perf_counter()
            save_workbook(workbook, target)
            times.append(time.perf_counter() - started)
            builds.append(built - started)
            saves.append(time.perf_counter() - built)
        print(
            f"export_workbook: median {statistics.median(times):.2f} s "
            f"(runs: {', '.join(f'{t:.2f}' for t in times)}; build "
            f"{statistics.median(builds):.2f}, save {statistics.median(saves):.2f}), "
            f"{out.stat().st_size / 1e6:.1f} MB"
        )
        started = time.perf_counter()
        report = import_review(ws, out, "bench", dry_run=True)
        print(
            f"import_review (unedited, {len(report.sheets)} sheets): "
            f"{time.perf_counter() - started:.2f} s, {report.unchanged} cells mapped, "
            f"{len(report.changes)} changes, {len(report.refused)} refused"
        )
    print(f"machine: {machine()}, Polars {pl.__version__}")


if __name__ == "__main__":
    main()

"""Benchmark: cold and warm `compare tag` of N distinct plans, next to two floors.

The corpus (`corpus.seed_plans`): the seed plans with København swapped for another
municipality and a journal-number line of its own in each file, so no two are alike. For each N
(default 100, 300 and 1,000 plans) this runs, in a subprocess each, as a user would:

- cold: `compare tag FOLDER --workspace NEW` (ingest everything, then tag everything);
- warm: the same command again (nothing changed);

and measures, in this process, over the same files:

- floor (a): one vectorised Polars pass counting every framework term over the raw text
  (`str.extract_many`, overlapping), the texts already in memory;
- floor (b): read every file and normalise its text once with the project's normaliser
  (`compare.text.normalise`), in one process, caches cleared first.

Printed per N: medians of `--repeat` runs, peak memory summed over all the command's processes
(sampled from /proc every 20 ms: RSS, which counts the pages forked workers share once per
process, and PSS, which splits them), the ratios to both floors, and how time grows with N.

    .venv/bin/python benchmarks/bench_cold.py [--plans 100 300 1000] [--repeat 3] [--workers N]
        [--compare 'COMMAND']
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import polars as pl  # noqa: E402
from corpus import seed_plans  # noqa: E402
from machine import machine  # noqa: E402

from compare import text as text_module  # noqa: E402
from compare.frameworks.catalog import load_frameworks  # noqa: E402
from compare.tagging.terms import term_table  # noqa: E402

COMPARE = Path(sys.executable).with_name("compare")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _pss(pid: int) -> int:
    """Proportional set size: shared pages (a forked worker's) split among their users."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree_memory(root: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes of `root` and every process below it, read from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
            with open(f"/proc/{entry}/statm", "rb") as f:
                pages = int(f.read().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        fields = stat[stat.rindex(b")") + 2 :].split()
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = pages * PAGE
    members = {root}
    grew = True
    while grew:
        grew = False
        for pid, ppid in parents.items():
            if ppid in members and pid not in members:
                members.add(pid)
                grew = True
    return sum(rss.get(pid, 0) for pid in members), sum(_pss(pid) for pid in members)


def run_command(args: list[str]) -> tuple[float, tuple[int, int], str]:
    """Run a command; (wall seconds, peak (RSS, PSS) of its whole process tree, its output)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak = (0, 0)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            rss, pss = _tree_memory(proc.pid)
            peak = (max(peak[0], rss), max(peak[1], pss))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{out.decode()[-2000:]}")
    return wall, peak, out.decode()


def floor_a(texts: list[str], patterns: list[str]) -> float:
    """Seconds for one Polars pass counting every term pattern in every text."""
    series = pl.Series("text", texts)
    start = time.perf_counter()
    series.str.to_lowercase().str.extract_many(patterns, overlapping=True).list.len().sum()
    return time.perf_counter() - start


def floor_b(files: list[Path]) -> float:
    """Seconds to read every file and normalise its text once, caches cleared."""
    text_module.term_key.cache_clear()
    text_module.fold.cache_clear()
    start = time.perf_counter()
    for path in files:
        text_module.normalise(path.read_bytes().decode("utf-8"))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None, help="passed to `compare tag`")
    parser.add_argument(
        "--compare",
        default=str(COMPARE),
        help="the command to time (default: this checkout's `compare`); e.g. "
        "'python OLD/run.py' for an older checkout, to time it on the same folders",
    )
    parser.add_argument("--corpus", type=Path, default=Path(tempfile.gettempdir()) / "bench-cold")
    args = parser.parse_args()
    print(f"machine: {machine()}, Polars {pl.__version__}")
    frameworks = load_frameworks()
    patterns = sorted(set(term_table(frameworks)["pattern"].to_list()))
    extra = ["--workers", str(args.workers)] if args.workers else []
    rows = []
    for n in args.plans:
        folder = args.corpus / f"plans-{n}"
        plans = seed_plans(folder, n)
        files = [path for path, _, _ in plans]
        mb = sum(path.stat().st_size for path in files) / 1e6
        texts = [path.read_text(encoding="utf-8") for path in files]
        cold, warm, peaks, fa, fb = [], [], [], [], []
        for _ in range(args.repeat):
            fa.append(floor_a(texts, patterns))
            fb.append(floor_b(files))
            ws = Path(tempfile.mkdtemp(prefix="bench-cold-ws-"))
            try:
                command = [*shlex.split(args.compare), "tag", str(folder), "--workspace", str(ws)]
                command += extra
                wall, peak, _ = run_command(command)
                cold.append(wall)
                peaks.append(peak)
                wall, _, out = run_command(command)
                warm.append(wall)
            finally:
                shutil.rmtree(ws, ignore_errors=True)
        last = out.strip().splitlines()[-1]
        row = {
            "n": n,
            "mb": mb,
            "cold": statistics.median(cold),
            "warm": statistics.median(warm),
            "peak": max(p[0] for p in peaks) / 2**20,
            "pss": max(p[1] for p in peaks) / 2**20,
            "a": statistics.median(fa),
            "b": statistics.median(fb),
        }
        rows.append(row)
        print(
            f"\n{n} plans ({mb:.1f} MB), {args.repeat} runs: cold "
            + ", ".join(f"{t:.2f}" for t in cold)
            + " s; warm "
            + ", ".join(f"{t:.2f}" for t in warm)
            + f" s\n  last warm run said: {last}"
        )
        print(
            f"  median cold {row['cold']:.2f} s, warm {row['warm']:.2f} s, "
            f"peak memory of all processes: RSS {row['peak']:.0f} MiB, "
            f"PSS {row['pss']:.0f} MiB (shared pages counted once)\n"
            f"  floor (a) Polars term pass {row['a']:.3f} s ({len(patterns)} patterns) -> "
            f"cold is {row['cold'] / row['a']:.1f}x\n"
            f"  floor (b) read + normalise {row['b']:.2f} s -> cold is "
            f"{row['cold'] / row['b']:.2f}x"
        )
    if len(rows) > 1:
        print("\ngrowth with N (cold seconds per plan):")
        for row in rows:
            print(f"  {row['n']:>5} plans: {1000 * row['cold'] / row['n']:.1f} ms/plan")
        first, last_row = rows[0], rows[-1]
        slope = (last_row["cold"] - first["cold"]) / (last_row["n"] - first["n"])
        print(
            f"  marginal cost {1000 * slope:.1f} ms/plan between {first['n']} and "
            f"{last_row['n']} plans; fixed cost about {first['cold'] - slope * first['n']:.2f} s"
        )


if __name__ == "__main__":
    main()

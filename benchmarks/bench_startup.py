"""Benchmark: start-up of the command line — `compare --help` as a whole process, and what
`import compare.cli` loads.

Runs `.venv/bin/compare --help` (and a command's own `--help`, which imports that command's
module) `--runs` times in a fresh process each after one warm-up, and prints the median wall
time with the range; then the modules `import compare.cli` leaves loaded.

    .venv/bin/python benchmarks/bench_startup.py [--runs 9]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import machine  # noqa: E402

COMMAND = Path(sys.executable).with_name("compare")


def time_process(args: list[str], runs: int) -> list[float]:
    """Wall seconds of `args` run `runs` times, after one run not counted."""
    subprocess.run(args, capture_output=True, check=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return times


def loaded_by_import() -> list[str]:
    """Top-level packages a fresh `import compare.cli` loads, beyond the standard library's."""
    code = "import json, sys; import compare.cli; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    names = {name.split(".")[0] for name in json.loads(out.stdout)}
    return sorted(names - set(sys.stdlib_module_names) - {"__main__", "_distutils_hack"})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    for label, argv in [
        ("compare --help", [str(COMMAND), "--help"]),
        ("compare documents --help", [str(COMMAND), "documents", "--help"]),
        ("python -c pass", [sys.executable, "-c", "pass"]),
    ]:
        times = time_process(argv, args.runs)
        print(
            f"{label}: median {statistics.median(times) * 1000:.0f} ms "
            f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}, {args.runs} runs)"
        )
    print(f"import compare.cli loads: {', '.join(loaded_by_import())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Run every benchmark in turn and print its figures (`make bench`).

Each benchmark is its own script (see its docstring for options); this runs them with their
defaults in a subprocess each, so one failing does not stop the others, and prints the machine
they ran on first — figures only mean something next to it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from machine import machine

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    "bench_startup.py",
    "bench_ingest.py",
    "bench_metadata.py",
    "bench_tag.py",
    "bench_cold.py",
    "bench_search.py",
    "bench_export.py",
    "bench_app.py",
]


def main() -> int:
    print(f"machine: {machine()}\n", flush=True)
    failed = []
    for name in BENCHMARKS:
        print(f"=== {name}", flush=True)
        if subprocess.run([sys.executable, str(HERE / name)], check=False).returncode != 0:
            failed.append(name)
        print(flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

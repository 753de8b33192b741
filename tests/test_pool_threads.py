"""Worker processes run Polars on one thread each (the workers are the parallelism)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A fresh interpreter each time: the forkserver, and the Polars setting it starts with, is
# one per process.
PROBE = """
import json, os
import polars as pl
from compare.pool import worker_pool

def threads(_):
    import polars as pl
    return pl.thread_pool_size()

if __name__ == "__main__":
    with worker_pool(2) as pool:
        workers = sorted(set(pool.map(threads, range(4))))
    print(json.dumps({
        "workers": workers,
        "main": pl.thread_pool_size(),
        "left_in_environment": os.environ.get("POLARS_MAX_THREADS"),
    }))
"""


def _probe(tmp_path: Path, env: dict[str, str]) -> dict:
    script = tmp_path / "probe.py"
    script.write_text(PROBE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_workers_get_one_polars_thread_and_the_parent_keeps_its_own(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "POLARS_MAX_THREADS"}
    found = _probe(tmp_path, env)
    assert found["workers"] == [1]
    assert found["left_in_environment"] is None  # set for the forkserver only
    if len(os.sched_getaffinity(0)) > 1:
        assert found["main"] > 1  # the command itself still uses every processor


def test_a_users_polars_setting_wins(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "POLARS_MAX_THREADS"}
    found = _probe(tmp_path, {**env, "POLARS_MAX_THREADS": "2"})
    assert found["workers"] == [2]
    assert found["left_in_environment"] == "2"

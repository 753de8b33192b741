"""Worker processes shared by ingest and tagging: cheap to start, gone when the parent dies.

Workers are forked from a `forkserver` that has imported the ingest and tagging modules once, so
a worker starts in milliseconds instead of re-importing everything (about 1.3 s a process).
The forkserver is a fresh interpreter that never runs Polars, so forking it cannot inherit a
busy Polars thread pool (which is why plain `fork` is never used). It is started once per
command and kept (`compare tag` uses it for ingest and tagging); each step's workers are let go
when the step ends, since a worker keeps what its step left in memory (about 100 MB after
ingesting 1,000 plans) while the next step's own peak comes. Each worker watches its parent and
exits when it is gone (`kill -9` of the command must not leave processes holding hundreds of
MB).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager

from compare.config import one_polars_thread_for_new_processes

# Imported once in the forkserver, so every forked worker has them already.
PRELOAD = [
    "polars",
    "compare.ingest.pipeline",
    "compare.ingest.pdf",
    "compare.ingest.word",
    "compare.ingest.web",
    "compare.tagging.pipeline",
]
WATCH_INTERVAL = 0.25  # seconds between a worker's checks that its parent is alive


def cpu_count() -> int:
    """The processors this process may run on (a CPU affinity mask counts, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie, killed but not yet reaped, counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return stat[stat.rindex(b")") + 2 :][:1] not in (b"Z", b"X")


def _watch_parent(owner: int, parent: int) -> None:
    while True:
        threading.Event().wait(WATCH_INTERVAL)
        if os.getppid() != parent or not _alive(owner):
            os._exit(1)


def _start_watch(owner: int) -> None:
    """Worker initializer: exit this process as soon as `owner` or this process's parent dies."""
    parent = os.getppid()
    threading.Thread(target=_watch_parent, args=(owner, parent), daemon=True).start()


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        _start_forkserver()
        return context
    return multiprocessing.get_context("spawn")


def _start_forkserver() -> None:
    """Start the forkserver (once) with Polars limited to one thread in it and its workers.

    The workers are the parallelism: Polars would start a thread per processor in every
    worker, and two workers on two cores, each with two busy threads, take turns (the tagging
    chunks of a 1,000-plan run took about a tenth longer so). Polars reads the setting when it
    is imported, which the forkserver does in its preload; a setting of the user's wins.
    """
    from multiprocessing import forkserver

    with one_polars_thread_for_new_processes():
        forkserver.ensure_running()


def _new_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_context(),
        initializer=_start_watch,
        initargs=(os.getpid(),),
    )


class _Shared:
    """The pool of a `shared_workers` block: started on first use, closed with the block."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._size = 0

    def pool(self, workers: int) -> ProcessPoolExecutor:
        if self._pool is None or self._size < workers:
            self.close()
            self._pool, self._size = _new_pool(workers), workers
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


_shared: list[_Shared] = []


@contextmanager
def shared_workers() -> Iterator[None]:
    """One pool at a time for the ingest and tagging steps inside the block (`compare tag`).

    Workers start only when a step needs them, so a run with nothing to do starts none, and
    they are let go when the step ends (`worker_pool`); the forkserver they fork from stays.
    """
    holder = _Shared()
    _shared.append(holder)
    try:
        yield
    finally:
        _shared.remove(holder)
        holder.close()


@contextmanager
def worker_pool(workers: int) -> Iterator[Executor]:
    """A pool of `workers` processes for the block; inside `shared_workers`, the shared one.

    The shared pool's workers are let go when the block ends: what a step leaves in a worker's
    memory must not add to the next step's peak (new ones fork from the forkserver in
    milliseconds).
    """
    if _shared:
        try:
            yield _shared[-1].pool(workers)
        finally:
            _shared[-1].close()
        return
    pool = _new_pool(workers)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)

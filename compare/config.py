"""Where things are: every default path and every environment variable, in one place.

A folder that the user names (a flag or an environment variable) must exist: a mistyped
`$COMPARE_FRAMEWORKS` is an error naming the folder, not "0 tagged". Only the defaults in the
project (`data/workspace`, made on first use) are created silently.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from compare.errors import MissingFolder

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT / "data"
REGISTRY_DIR = DATA_DIR  # municipalities.csv, councils.csv, council_members.csv, ...
FRAMEWORKS_DIR = DATA_DIR / "frameworks"
THESAURUS_FILE = DATA_DIR / "thesaurus.toml"  # the domain thesaurus (`frameworks.thesaurus`)
WORKSPACE_DIR = DATA_DIR / "workspace"

WORKSPACE_ENV = "COMPARE_WORKSPACE"  # the workspace folder (the CLI's --workspace default)
FRAMEWORKS_ENV = "COMPARE_FRAMEWORKS"  # the frameworks folder (tests, other setups)
THESAURUS_ENV = "COMPARE_THESAURUS"  # another thesaurus file (tests, another office's list)
REVIEWER_ENV = "COMPARE_REVIEWER"  # the default --reviewer of commands that record a change
CRASH_ENV = "COMPARE_CRASH_AT"  # tests only: kill the process at this point of a tag commit
CACHE_ENV = "COMPARE_CACHE"  # derived data kept between runs (the display text's word list)


# Polars' allocator on Linux (jemalloc) keeps freed pages for about 10 s before giving them back;
# at 1,000 plans the tagger's corpus statistics free and allocate hundreds of MB within that
# time, so the pages add up. Returned at once, the peak of `compare tag` is ~100 MB lower.
ALLOCATOR_ENV = "_RJEM_MALLOC_CONF"
ALLOCATOR_CONF = "dirty_decay_ms:0,muzzy_decay_ms:0"


def return_freed_memory_at_once() -> None:
    """Have Polars' allocator return freed memory at once, in this process (if Polars is not
    loaded yet) and in every process started after (the workers). A setting of the user's wins.
    """
    os.environ.setdefault(ALLOCATOR_ENV, ALLOCATOR_CONF)


# Polars runs a thread per processor in every process; worker processes are the parallelism.
POLARS_THREADS_ENV = "POLARS_MAX_THREADS"


@contextmanager
def one_polars_thread_for_new_processes() -> Iterator[None]:
    """Processes started inside the block run Polars on one thread (`compare.pool`'s
    forkserver and so its workers); a setting of the user's wins, and after the block the
    environment is as it was (this process's own Polars has read it long before)."""
    if POLARS_THREADS_ENV in os.environ:
        yield
        return
    os.environ[POLARS_THREADS_ENV] = "1"
    try:
        yield
    finally:
        del os.environ[POLARS_THREADS_ENV]


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else None


def workspace_dir() -> Path:
    """The workspace folder: `$COMPARE_WORKSPACE` if set, else `data/workspace` in the project."""
    return _env_path(WORKSPACE_ENV) or WORKSPACE_DIR


def thesaurus_file() -> tuple[Path, bool]:
    """The thesaurus file, and whether the user named it (`$COMPARE_THESAURUS`): a named file
    must exist, the default `data/thesaurus.toml` may be absent (no thesaurus then)."""
    given = _env_path(THESAURUS_ENV)
    return (given, True) if given is not None else (THESAURUS_FILE, False)


def frameworks_dir() -> Path:
    """The frameworks folder: `$COMPARE_FRAMEWORKS` if set (it must exist), else `data/frameworks`.

    Raises MissingFolder naming the folder and the variable when the variable names no folder.
    """
    given = _env_path(FRAMEWORKS_ENV)
    if given is None:
        return FRAMEWORKS_DIR
    return require_folder(given, "frameworks folder", f"${FRAMEWORKS_ENV}")


def env_crash_point() -> str | None:
    """The commit point `$COMPARE_CRASH_AT` names (the crash tests set it), or None."""
    return os.environ.get(CRASH_ENV) or None


def cache_dir() -> Path:
    """Where derived data is kept between runs: `$COMPARE_CACHE`, else ~/.cache/compare.

    Made on first use; nothing there is needed (it is derived again when missing).
    """
    return _env_path(CACHE_ENV) or Path.home() / ".cache" / "compare"


def env_reviewer() -> str | None:
    """The reviewer named by `$COMPARE_REVIEWER`, or None when it is unset or empty."""
    return os.environ.get(REVIEWER_ENV) or None


def require_folder(path: Path, what: str, source: str) -> Path:
    """Return `path` if it is a folder; else raise MissingFolder saying what and who named it."""
    if path.is_dir():
        return path
    problem = "is not a folder" if path.exists() else "does not exist"
    raise MissingFolder(f"the {what} {path} ({source}) {problem}")

"""The stamp a `compare tag` run leaves when it ends with everything tagged: the next run with
the same arguments and no file changed has nothing to do, and says so from file stats alone.

A warm run at 1,000 plans took 1.4-1.8 s, most of it importing Polars and the tagger and
loading the frameworks, only to find every pair unchanged. The stamp holds a digest of the
stats (size, modification and change time, inode) of everything a run reads: every file under
the PATH folders (hidden ones and the workspace left out, as ingest leaves them out), the
frameworks folder and framework files named, the registry, the `compare` package's own code
(its version constants included), the installed distributions, and the workspace's files.
Any difference - a file edited, touched, added or removed, a review decision, another
command's write - and the full run decides, as before; a stat is taken before the file is read,
so a change made while a run reads is seen by the next. Only this module imports nothing
heavy: `compare tag` checks it before importing anything else.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from compare.config import PROJECT_ROOT, REGISTRY_DIR, frameworks_dir, thesaurus_file

STAMP_FILE = ".tag-stamp.json"
STAMP_VERSION = 1
# Workspace files a tag run's answer does not depend on: the locks (opened, never written),
# SQLite's shared-memory index (written by every reader) and the search index (a cache).
_NOT_INPUTS = (".lock", "-shm", "search_terms.parquet", STAMP_FILE)
_PACKAGE = PROJECT_ROOT / "compare"  # the package's own code
# The version constants that mark stored tags and segments as stale: as loaded where this
# process has loaded them (a test of an upgrade changes them), else as written in their file.
_VERSIONS = (
    ("compare.tagging.version", "tagging/version.py", "TAGGER_VERSION"),
    ("compare.text", "text.py", "NORMALISER_VERSION"),
    ("compare.frameworks.catalog", "frameworks/catalog.py", "TERMS_VERSION"),
)


def _stat_line(path: str | os.PathLike[str], name: str) -> str:
    try:
        st = os.stat(path)
    except OSError:
        return f"{name}\x1fmissing"
    return f"{name}\x1f{st.st_size}\x1f{st.st_mtime_ns}\x1f{st.st_ctime_ns}\x1f{st.st_ino}"


def _walk(folder: str, skip: tuple[int, int] | None, lines: list[str]) -> None:
    """Stat lines of every file below `folder` but hidden ones and the folder `skip` (dev, ino).

    A superset of what ingest reads (every suffix): an extra file changed costs a full run only.
    """
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        lines.append(f"{folder}\x1funreadable")
        return
    for entry in entries:
        if entry.name.startswith((".", "~$")):
            continue
        if entry.is_dir(follow_symlinks=False):
            st = entry.stat(follow_symlinks=False)
            if skip is None or (st.st_dev, st.st_ino) != skip:
                _walk(entry.path, skip, lines)
        else:
            lines.append(_stat_line(entry.path, entry.path))


def _folder_files(folder: Path, lines: list[str], suffix: str = "") -> None:
    """Stat lines of the files directly in `folder` (and of the folder itself)."""
    lines.append(_stat_line(folder, str(folder)))
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return
    for name in names:
        path = folder / name
        if name.endswith(suffix) and not path.is_dir():
            lines.append(_stat_line(path, str(path)))


def _version(module: str, file: str, name: str) -> object:
    loaded = sys.modules.get(module)
    if loaded is not None:
        return getattr(loaded, name, None)
    try:
        source = (_PACKAGE / file).read_text(encoding="utf-8")
        found = re.search(rf"^{name}\s*(?::[^=]*)?=\s*([^#\n]+)", source, re.MULTILINE)
        return ast.literal_eval(found.group(1).strip()) if found else None
    except (OSError, ValueError, SyntaxError):
        return None  # the file's stats are in the key all the same


def _code_lines(lines: list[str]) -> None:
    """The package's code and the installed distributions: an upgrade can change every tag."""
    lines.append(sys.version)
    for module, file, name in _VERSIONS:
        lines.append(f"{name}\x1f{_version(module, file, name)!r}")
    for root, dirs, files in os.walk(_PACKAGE):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")))
        for name in sorted(files):
            if name.endswith(".py"):
                lines.append(_stat_line(os.path.join(root, name), os.path.join(root, name)))
    for entry in sys.path:
        if entry.endswith("site-packages") and os.path.isdir(entry):
            lines.extend(sorted(n for n in os.listdir(entry) if n.endswith(".dist-info")))


def inputs_key(
    paths: Iterable[Path],
    root: Path,
    framework_refs: Iterable[str],
    kinds: Iterable[str],
    replace: bool,
) -> str:
    """Digest of a `compare tag` run's arguments and of the stats of every file it reads but
    the workspace's own (see `workspace_key`). Take it before the run reads anything."""
    lines = [f"v{STAMP_VERSION}", str(root), repr(sorted(kinds)), repr(replace)]
    try:
        st = os.stat(root)
        skip: tuple[int, int] | None = (st.st_dev, st.st_ino)
    except OSError:
        skip = None
    for path in paths:
        lines.append(f"path\x1f{path.absolute()}")
        if path.is_dir():
            _walk(str(path), skip, lines)
        else:
            lines.append(_stat_line(path, str(path)))
    for ref in framework_refs:
        lines.append(f"framework\x1f{ref}")
        lines.append(_stat_line(Path(ref).expanduser(), ref))
    _folder_files(frameworks_dir(), lines)
    lines.append(_stat_line(thesaurus_file()[0], "thesaurus"))  # the labels' borrowed words
    _folder_files(REGISTRY_DIR, lines)
    _code_lines(lines)
    return hashlib.sha256("\x1e".join(lines).encode("utf-8", "surrogateescape")).hexdigest()


def workspace_key(root: Path, names: Iterable[str] | None = None) -> str:
    """Digest of the stats of the workspace's files (or of those `names`): every top-level file
    but locks, SQLite's shared memory, the search index and the stamp."""
    if names is None:
        try:
            names = [
                n
                for n in os.listdir(root)
                if not n.endswith(_NOT_INPUTS) and not (root / n).is_dir()
            ]
        except OSError:
            names = []
    lines = [_stat_line(root / name, name) for name in sorted(names)]
    return hashlib.sha256("\x1e".join(lines).encode("utf-8", "surrogateescape")).hexdigest()


def unchanged_pairs(root: Path, inputs: str) -> int | None:
    """The number of (document, framework) pairs the stamp says are all tagged, if the stamp
    was left by a run with these `inputs` and no workspace file changed since; else None."""
    try:
        stamp = json.loads((root / STAMP_FILE).read_text(encoding="utf-8"))
        if stamp["inputs"] != inputs or stamp["workspace"] != workspace_key(root):
            return None
        return int(stamp["pairs"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_stamp(root: Path, inputs: str, pairs: int) -> None:
    """Leave the stamp of a run that ended with `pairs` pairs tagged and nothing left to do.

    Call it last, after every write of the run. Written atomically; a workspace that cannot be
    written simply gets no stamp (the next run decides in full).
    """
    from compare.store.workspace import DiskFull, ReadOnlyWorkspace, atomic_write

    data = json.dumps({"inputs": inputs, "workspace": workspace_key(root), "pairs": pairs})
    try:
        atomic_write(root / STAMP_FILE, lambda tmp: tmp.write_text(data, encoding="utf-8"))
    except (DiskFull, ReadOnlyWorkspace, OSError):
        pass


def forget_stamp(root: Path) -> None:
    """Remove the stamp: this run changes things it does not account for (or failed)."""
    try:
        (root / STAMP_FILE).unlink(missing_ok=True)
    except OSError:
        pass

"""A full disk, a read-only workspace and damaged files give one clear line, never a traceback.

The read-only workspace is a real one: a read-only bind mount when the tests run as root (who
may write anywhere else), the folder's write permission removed otherwise. The full disk is a
real limit too: RLIMIT_FSIZE in a subprocess, where a write beyond the limit fails as on a
full disk (`EFBIG`).
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from streamlit.testing.v1 import AppTest

from compare.cli import main
from compare.frameworks.catalog import find_framework
from compare.store.review_db import ReviewStore
from compare.store.workspace import ENV_VAR, Workspace
from compare.tagging.run import tag_workspace
from tests.app_support import APP
from tests.test_tag_commit import store_plans

GOALS = "ministermaal-2018"


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def assert_one_clear_line(result: Result, *wanted: str) -> str:
    """Exit 1 with one `error:` line holding `wanted`, and no traceback."""
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in result.output, result.output
    for text in wanted:
        assert text in errors[0], errors[0]
    return errors[0]


@pytest.fixture
def tagged(workspace: Workspace) -> Workspace:
    """A workspace with two tagged 2018 plans and one analyst decision."""
    store_plans(workspace, ["a", "b"])
    tag_workspace(workspace, [find_framework(GOALS)], workers=1)
    ReviewStore.for_workspace(workspace).decide("a", GOALS, "1", "X", "set by hand", "ane")
    return workspace


# -- damaged files (item 21) ---------------------------------------------------------------


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize(
    "name,command,advice",
    [
        ("documents.parquet", ["documents"], "restore it from a backup"),
        ("tags.parquet", ["matrix", "--framework", GOALS], "run `compare tag`"),
        ("segments.parquet", ["search", "flygtninge"], "restore it from a backup"),
    ],
)
def test_a_truncated_frame_is_named_with_what_to_do(
    tagged: Workspace, name: str, command: list[str], advice: str
) -> None:
    truncate(tagged.root / name)
    result = cli(*command, "--workspace", str(tagged.root))
    assert_one_clear_line(result, f"{name} is damaged and cannot be read", advice)


def test_a_corrupted_review_database_page_is_named_damaged(tagged: Workspace) -> None:
    path = tagged.review_db_path
    with sqlite3.connect(path) as conn:  # fold the WAL in, so the page is in the main file
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    data[page : len(data)] = bytes(random.Random(1).randrange(256) for _ in range(len(data) - page))
    path.write_bytes(bytes(data))
    result = cli("review", "history", "--workspace", str(tagged.root))
    assert_one_clear_line(
        result, "review.sqlite: the review database cannot be read: it is damaged"
    )


# -- a full disk (item 19) -----------------------------------------------------------------


def random_plan(seed: int) -> str:
    """A plan text of ~40 KB whose words do not compress: its frames outgrow a 64 KB limit."""
    rng = random.Random(seed)
    words = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyzæøå") for _ in range(7)) for _ in range(5000)
    ]
    body = "\n\n".join(" ".join(words[i : i + 12]) + "." for i in range(0, len(words), 12))
    return f"Beskæftigelsesplan 2018\n\nKøbenhavns Kommune\n\n1. Indledning\n\n{body}\n"


def run_with_file_limit(limit: int, *args: str) -> subprocess.CompletedProcess[str]:
    """`compare ARGS` in a subprocess that cannot write a file larger than `limit` bytes."""
    code = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        "from compare.cli import main\n"
        "sys.argv = ['compare', *sys.argv[1:]]\n"
        "main()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
    )


def test_a_full_disk_during_ingest_says_so_and_leaves_no_orphans(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    for n in range(6):
        (plans / f"plan{n}.txt").write_text(random_plan(n), encoding="utf-8")
    root = tmp_path / "ws"
    done = run_with_file_limit(64_000, "ingest", str(plans), "--workspace", str(root))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert "error: the disk is full (" in done.stderr
    assert "): segments.parquet could not be written" in done.stderr
    assert "Nothing stored was changed" in done.stderr
    assert sorted(p.name for p in (root / "originals").iterdir()) == []  # no orphans
    assert [p.name for p in root.iterdir() if p.name.endswith(".tmp")] == []
    assert Workspace.open(root).read_documents().is_empty()


def test_a_full_disk_is_not_called_a_damaged_review_database(
    tagged: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args: object, **kwargs: object) -> sqlite3.Connection:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(sqlite3, "connect", full)  # what SQLite says on a full disk
    result = cli("review", "history", "--workspace", str(tagged.root))
    line = assert_one_clear_line(result, "the disk is full", "It is not damaged")
    assert "backup" not in line and "move it away" not in line


# -- a read-only workspace (item 20) -------------------------------------------------------


@pytest.fixture
def read_only(tagged: Workspace, tmp_path: Path) -> Iterator[Workspace]:
    """The tagged workspace, made read-only for real."""
    source = tmp_path / "ro-source"
    shutil.copytree(tagged.root, source)
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [source, *source.rglob("*")]}
        for path in modes:
            path.chmod(stat.S_IMODE(modes[path]) & ~0o222)
        try:
            yield Workspace(source)
        finally:
            for path, mode in modes.items():
                path.chmod(stat.S_IMODE(mode))
        return
    mount = tmp_path / "ro"
    mount.mkdir()
    made = subprocess.run(["mount", "--bind", "-o", "ro", str(source), str(mount)])
    if made.returncode != 0:
        pytest.skip("running as root, and a read-only bind mount is not permitted here")
    try:
        yield Workspace(mount)
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_read_only_workspace_can_be_viewed(read_only: Workspace) -> None:
    ws = ["--workspace", str(read_only.root)]
    for command in (
        ["documents"],
        ["matrix", "--framework", GOALS],
        ["review", "history"],
        ["search", "flygtninge"],
    ):
        result = cli(*command, *ws)
        assert result.exit_code == 0, (command, result.output)
    assert "København,2018,X" in cli("matrix", "--framework", GOALS, "--format", "csv", *ws).output


@pytest.mark.parametrize(
    "command",
    [
        ["tag", "--framework", GOALS, "--rebuild"],
        ["review", "set", "--doc", "a", "--framework", GOALS, "--item", "2", "--level", "X"]
        + ["--reviewer", "ane"],
    ],
)
def test_writing_to_a_read_only_workspace_says_it_is_read_only(
    read_only: Workspace, command: list[str]
) -> None:
    result = cli(*command, "--workspace", str(read_only.root))
    assert_one_clear_line(result, f"{read_only.root}", "is read-only")


# -- the app -------------------------------------------------------------------------------


def run_app(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv(ENV_VAR, str(ws.root))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_app_shows_a_read_only_workspace(
    read_only: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = run_app(read_only, monkeypatch)
    assert [t.value for t in at.title] == ["Matrix"] and not at.error


def test_the_app_names_a_damaged_file_in_one_line(
    tagged: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    truncate(tagged.root / "documents.parquet")
    at = run_app(tagged, monkeypatch)
    # the Markdown source of the message: its punctuation escaped, shown as written
    assert len(at.error) == 1 and r"documents\.parquet is damaged" in at.error[0].value

"""The workspace: atomic writes that never leave half-written files, and schema conformance."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from compare.schema import DOCUMENTS, SEGMENTS, conform
from compare.store.workspace import ENV_VAR, Workspace, atomic_write, default_workspace


def test_failed_write_leaves_previous_file_and_no_temporaries(tmp_path: Path) -> None:
    target = tmp_path / "frame.parquet"
    pl.DataFrame({"a": [1, 2]}).write_parquet(target)
    before = target.read_bytes()

    def broken(tmp: Path) -> None:
        tmp.write_bytes(b"half a parq")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, broken)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["frame.parquet"]


def test_documents_round_trip_with_schema(workspace: Workspace) -> None:
    frame = pl.DataFrame(
        {"doc_id": ["b", "a"], "municipality": ["Albertslund", "København"], "year": [2018, 2022]}
    )
    workspace.write_documents(frame)
    stored = workspace.read_documents()
    assert stored.columns == list(DOCUMENTS)
    assert stored["doc_id"].to_list() == ["a", "b"]  # stored sorted, deterministic
    assert stored["year"].dtype == pl.Int32


def test_segments_filter_by_document(workspace: Workspace) -> None:
    segs = conform(
        pl.DataFrame({"doc_id": ["a", "a", "b"], "seg_no": [0, 1, 0], "text": ["x", "y", "z"]}),
        SEGMENTS,
    )
    workspace.write_segments(segs)
    assert workspace.read_segments(["b"])["text"].to_list() == ["z"]
    assert workspace.read_segments().height == 3


def test_empty_workspace_reads_empty_frames(workspace: Workspace) -> None:
    assert workspace.read_documents().is_empty()
    assert workspace.read_tags().is_empty()
    assert set(workspace.mtimes()) == {0.0}


def test_env_var_chooses_default_workspace(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "ws"))
    assert default_workspace() == tmp_path / "ws"
    assert Workspace.open().root == (tmp_path / "ws").resolve()


def test_lock_excludes_a_second_writer_until_released(workspace: Workspace) -> None:
    fcntl = pytest.importorskip("fcntl")

    def try_lock() -> bool:
        with open(workspace.root / ".tag.lock", "a+b") as other:
            try:
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            fcntl.flock(other, fcntl.LOCK_UN)
            return True

    with workspace.lock("tag"):
        assert not try_lock()
    assert try_lock()

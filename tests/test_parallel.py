"""Worker processes change nothing but speed, and never outlive the command that started them."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from compare.ingest import ingest_paths
from compare.store.workspace import Workspace
from compare.tagging.run import tag_workspace
from tests.conftest import (
    SEED_BUDGET_2013,
    SEED_OVERVIEW_2018,
    SEED_PLAN_2018,
    SEED_PLAN_2022,
    record_parquet_reads,
)

COPENHAGEN = re.compile(r"\b(?:K|k)(?:[gøeoa]|ge|es|ø)benhavn(?=s?\b)", re.IGNORECASE)
SWAPS = ["Roskilde", "Tårnby", "Frederiksberg", "Gentofte", "Helsingør", "Furesø"]


def _corpus(seeds_dir: Path, folder: Path) -> Path:
    """The four seeds, six plans made from them with another municipality, one broken PDF."""
    folder.mkdir()
    for name in (SEED_PLAN_2018, SEED_PLAN_2022, SEED_BUDGET_2013, SEED_OVERVIEW_2018):
        (folder / name).write_bytes((seeds_dir / name).read_bytes())
    for i, municipality in enumerate(SWAPS):
        seed = SEED_PLAN_2018 if i % 2 == 0 else SEED_PLAN_2022
        text = COPENHAGEN.sub(municipality, (seeds_dir / seed).read_text(encoding="utf-8"))
        (folder / f"bilag-{i}.txt").write_text(f"{text}\nJournalnummer: 2026-{i:04d}\n", "utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(2000))
    (folder / "copy.txt").write_bytes((seeds_dir / SEED_PLAN_2018).read_bytes())  # a duplicate
    return folder


def _frames(ws: Workspace) -> dict[str, pl.DataFrame]:
    return {
        "documents": ws.read_documents().drop("ingested_at"),
        "segments": ws.read_segments(),
        "tags": ws.read_tags().drop("tagged_at"),
        "evidence": ws.read_evidence(),
    }


@pytest.mark.seeds
@pytest.mark.slow
def test_parallel_and_serial_runs_store_the_same_frames(seeds_dir: Path, tmp_path: Path) -> None:
    folder = _corpus(seeds_dir, tmp_path / "plans")
    outcomes = {}
    for workers in (1, 2):
        ws = Workspace.open(tmp_path / f"ws{workers}")
        report = ingest_paths([folder], ws, workers=workers, chunk_size=4)
        tagged = tag_workspace(ws, workers=workers)
        outcomes[workers] = (report, tagged, _frames(ws))
    (serial, serial_tags, serial_frames), (parallel, parallel_tags, parallel_frames) = (
        outcomes[1],
        outcomes[2],
    )
    assert len(serial.added) == 10
    assert [f for f, _ in serial.failed] == ["broken.pdf"]
    assert [name for name, _ in serial.duplicates] == ["copy.txt"]
    assert parallel.added == serial.added  # same documents, same order, same detected metadata
    assert parallel.failed == serial.failed
    assert parallel.duplicates == serial.duplicates
    assert sorted(parallel_tags.tagged) == sorted(serial_tags.tagged)
    assert serial_frames["tags"].height > 0 and serial_frames["evidence"].height > 0
    for name, frame in serial_frames.items():
        assert parallel_frames[name].equals(frame), f"{name} differ between 1 and 2 workers"
    found = dict(
        zip(
            serial_frames["documents"]["file_name"],
            serial_frames["documents"]["municipality"],
            strict=True,
        )
    )
    assert [found[f"bilag-{i}.txt"] for i in range(len(SWAPS))] == SWAPS


def test_many_chunks_in_two_workers_give_the_serial_tags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More chunks than are handed out at once: results come back in order, none is lost."""
    from compare.tagging import run
    from tests.test_tag_commit import store_plans

    monkeypatch.setattr(run, "CHUNK_DOCS", 2)
    frames = {}
    for workers in (1, 2):
        ws = Workspace.open(tmp_path / f"ws{workers}")
        store_plans(ws, [f"p{n:02d}" for n in range(19)])
        report = tag_workspace(ws, workers=workers)
        assert report.documents == 19
        frames[workers] = (ws.read_tags().drop("tagged_at"), ws.read_evidence())
    assert -(-19 // run.CHUNK_DOCS) > run.AHEAD * 2  # more chunks than the window
    assert frames[1][0].height > 0 and frames[1][1].height > 0
    assert frames[2][0].equals(frames[1][0]) and frames[2][1].equals(frames[1][1])


@pytest.mark.seeds
def test_corpus_statistics_in_parts_add_up_to_those_of_all_plans(
    seeds_dir: Path, tmp_path: Path
) -> None:
    """What `compare tag` computes in parallel parts equals the corpus of all plans at once."""
    from compare.frameworks.catalog import labels_only, load_frameworks
    from compare.store.documents import load_documents
    from compare.tagging.evidence import merge_counts
    from compare.tagging.pipeline import corpus_for, corpus_in_parts

    ws = Workspace.open(tmp_path / "ws")
    ingest_paths([_corpus(seeds_dir, tmp_path / "plans")], ws, workers=1)
    plans = load_documents(ws).filter(pl.col("kind") == "plan")
    segments = ws.read_segments(plans["doc_id"].to_list())
    frameworks = load_frameworks(errors=[])
    whole = corpus_for(plans, segments, frameworks)
    assert whole.n_units > 0 and whole.unit_df.height > 100
    split = corpus_in_parts(plans, frameworks, 3)
    assert split is not None  # every shipped item has keywords: nothing is learned
    parts, searched = split
    assert len(parts) == 3 and sum(part.height for part in parts) == plans.height == 8
    merged = merge_counts([corpus_for(part, segments, frameworks, searched) for part in parts])
    assert merged.n_units == whole.n_units
    assert merged.unit_df.sort("term").equals(whole.unit_df.sort("term"))
    # A part of 2018 plans alone must still count the 2022 goals' terms, and the other way.
    by_year = [plans.filter(pl.col("year") == year) for year in (2018, 2022)]
    assert all(part.height == 4 for part in by_year)
    alone = merge_counts([corpus_for(part, segments, frameworks) for part in by_year])
    searching = merge_counts([corpus_for(p, segments, frameworks, searched) for p in by_year])
    assert searching.unit_df.sort("term").equals(whole.unit_df.sort("term"))
    assert not alone.unit_df.sort("term").equals(whole.unit_df.sort("term"))
    # Terms learned from the plans need all of them at once: no parts then.
    assert corpus_in_parts(plans, labels_only(frameworks), 3) is None


def _children(pid: int) -> set[int]:
    """Every process below `pid` (forkserver workers are grandchildren)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_bytes()
            except OSError:
                continue
            parents[int(entry)] = int(stat[stat.rindex(b")") + 2 :].split()[1])
    found, grew = set(), True
    while grew:
        grew = False
        for child, parent in parents.items():
            if (parent == pid or parent in found) and child not in found:
                found.add(child)
                grew = True
    return found


def _running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False
    return stat[stat.rindex(b")") + 2 :][:1] not in (b"Z", b"X")


@pytest.mark.seeds
@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_exit_when_the_command_is_killed(seeds_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    text = (seeds_dir / SEED_PLAN_2018).read_text(encoding="utf-8")
    for i in range(120):  # enough work that the workers are busy when the command dies
        (folder / f"bilag-{i}.txt").write_text(f"{text}\nJournalnummer: {i}\n", "utf-8")
    compare = Path(sys.executable).with_name("compare")
    command = [str(compare), "tag", str(folder), "--workspace", str(tmp_path / "ws")]
    proc = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        workers: set[int] = set()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            workers = {p for p in _children(proc.pid) if _running(p)}
            if len(workers) >= 3:  # the forkserver and its two workers
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the command finished before its workers could be seen"
        assert len(workers) >= 3, f"expected a forkserver and 2 workers, saw {workers}"
        os.kill(proc.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_running(p) for p in workers):
            time.sleep(0.1)
        left = [p for p in workers if _running(p)]
        assert not left, f"processes still running 10 s after kill -9 of the command: {left}"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # only this test's own process group
        except ProcessLookupError:
            pass
        proc.wait()


def test_a_no_op_tag_reads_each_file_once_and_walks_the_folder_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from compare.cli import main

    folder = tmp_path / "plans"
    folder.mkdir()
    for i, municipality in enumerate(SWAPS[:3]):
        (folder / f"plan-{i}.txt").write_text(
            f"Beskæftigelsesplan 2019 for {municipality} Kommune\n\n"
            f"Jobcenter {municipality} vil styrke indsatsen for unge ledige i {2019}.\n",
            encoding="utf-8",
        )
    args = ["tag", str(folder), "--workspace", str(tmp_path / "ws")]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output

    from compare.store import tag_stamp, workspace

    # Without the stamp that answers it at once (tests/test_warm_stamp.py): the run in full.
    (tmp_path / "ws" / tag_stamp.STAMP_FILE).unlink()
    workspace._DOCUMENTS_CACHE.clear()  # as in a new process
    walks: list[str] = []
    real_rglob = Path.rglob

    def rglob(self, pattern):
        walks.append(self.name)
        return real_rglob(self, pattern)

    reads = record_parquet_reads(monkeypatch)
    monkeypatch.setattr(Path, "rglob", rglob)
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0, again.output
    assert "0 tagged" in again.output
    assert reads.count("documents.parquet") == 1, reads
    assert walks == ["plans"]
    assert len(reads) == len(set(reads)), f"a workspace file was read twice: {reads}"

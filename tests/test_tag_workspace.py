"""Tagging a workspace: unchanged pairs are skipped, changed ones redone, stale rows dropped."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from compare.cli import main
from compare.frameworks.catalog import Framework, find_framework, load_framework
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace
from compare.tagging.run import tag_workspace
from tests.tag_samples import BACKGROUND, GOAL3_OCR, plan_documents, plan_segments

GOALS = "ministermaal-2018"
THEMES = "rar-hovedstaden-2018"


def _store(ws: Workspace, rows: list[tuple[str, int | None, int | None]]) -> None:
    outline = BACKGROUND + [
        (
            GOAL3_OCR,
            1,
            ["Kommunen har som mal, at 60 pct. af flygtningene skal vaere i job efter tre ar."],
        )
    ]
    ws.write_documents(plan_documents(rows))
    ws.write_segments(pl.concat([plan_segments(d, outline) for d, _, _ in rows]))


def _stamps(ws: Workspace) -> dict[tuple[str, str], object]:
    tags = ws.read_tags()
    return {
        (d, f): t
        for d, f, t in tags.select("doc_id", "framework_id", "tagged_at")
        .unique(subset=["doc_id", "framework_id"])
        .iter_rows()
    }


@pytest.fixture
def frameworks() -> list[Framework]:
    return [find_framework(GOALS), find_framework(THEMES)]


def test_second_run_skips_every_unchanged_pair(
    workspace: Workspace, frameworks: list[Framework]
) -> None:
    _store(workspace, [("a", 2018, 2018), ("b", 2022, 2022)])
    first = tag_workspace(workspace, frameworks, workers=1)
    assert sorted(first.tagged) == [("a", GOALS), ("a", THEMES), ("b", THEMES)]
    assert first.skipped == [] and first.documents == 2
    assert workspace.read_tags().height == 5 + 16 + 16
    assert first.summary.filter(pl.col("doc_id") == "a").height == 2
    stamps = _stamps(workspace)
    mtime = workspace.tags_path.stat().st_mtime_ns
    second = tag_workspace(workspace, frameworks, workers=1)
    assert second.tagged == [] and len(second.skipped) == 3
    assert _stamps(workspace) == stamps
    assert workspace.tags_path.stat().st_mtime_ns == mtime  # nothing was rewritten


def test_changed_framework_or_text_is_tagged_again(
    workspace: Workspace, frameworks: list[Framework]
) -> None:
    _store(workspace, [("a", 2018, 2018)])
    tag_workspace(workspace, frameworks, workers=1)
    stamps = _stamps(workspace)
    goals, themes = frameworks
    changed = replace(goals, content_hash=goals.content_hash + "x")
    report = tag_workspace(workspace, [changed, themes], workers=1)
    assert report.tagged == [("a", GOALS)] and report.skipped == [("a", THEMES)]
    after = _stamps(workspace)
    assert after[("a", THEMES)] == stamps[("a", THEMES)]
    assert after[("a", GOALS)] > stamps[("a", GOALS)]
    docs = workspace.read_documents().with_columns(pl.lit("new text").alias("text_hash"))
    workspace.write_documents(docs)
    report = tag_workspace(workspace, [changed, themes], workers=1)
    assert sorted(report.tagged) == [("a", GOALS), ("a", THEMES)]
    assert set(workspace.read_tags()["text_hash"].to_list()) == {"new text"}


def test_tagging_one_framework_keeps_the_others(
    workspace: Workspace, frameworks: list[Framework]
) -> None:
    _store(workspace, [("a", 2018, 2018)])
    tag_workspace(workspace, frameworks, workers=1)
    evidence = workspace.read_evidence().height
    report = tag_workspace(workspace, [frameworks[0]], workers=1)
    assert report.tagged == [] and report.removed == 0
    assert set(workspace.read_tags()["framework_id"].to_list()) == {GOALS, THEMES}
    assert workspace.read_evidence().height == evidence


def test_rows_that_no_longer_apply_are_dropped(
    workspace: Workspace, frameworks: list[Framework]
) -> None:
    _store(workspace, [("a", 2018, 2018), ("b", 2018, 2018)])
    tag_workspace(workspace, frameworks, workers=1)
    docs = workspace.read_documents()
    workspace.write_documents(
        docs.with_columns(  # corrected: "a" is a 2022 plan; "b" is gone
            pl.when(pl.col("doc_id") == "a").then(2022).otherwise(pl.col("year")).alias("year"),
            pl.when(pl.col("doc_id") == "a")
            .then(2022)
            .otherwise(pl.col("year_to"))
            .alias("year_to"),
        ).filter(pl.col("doc_id") == "a")
    )
    report = tag_workspace(workspace, frameworks, workers=1)
    assert report.tagged == [] and report.removed == 5 + 5 + 16
    tags = workspace.read_tags()
    assert set(tags.select("doc_id", "framework_id").unique().iter_rows()) == {("a", THEMES)}
    evidence = workspace.read_evidence()
    assert set(evidence.select("doc_id", "framework_id").unique().iter_rows()) <= {("a", THEMES)}


def test_other_kinds_are_left_alone_unless_asked(
    workspace: Workspace, frameworks: list[Framework]
) -> None:
    _store(workspace, [("a", 2018, 2018)])
    workspace.write_documents(
        workspace.read_documents().with_columns(pl.lit("other").alias("kind"))
    )
    assert tag_workspace(workspace, frameworks, workers=1).tagged == []
    report = tag_workspace(workspace, frameworks, workers=1, kinds=("other",))
    assert len(report.tagged) == 2
    assert tag_workspace(workspace, frameworks, workers=1).removed == 0


def test_worker_processes_give_the_same_tags(tmp_path: Path, frameworks: list[Framework]) -> None:
    rows = [(f"d{n:02}", 2018, 2018) for n in range(20)]
    serial, parallel = Workspace.open(tmp_path / "one"), Workspace.open(tmp_path / "two")
    _store(serial, rows)
    _store(parallel, rows)
    tag_workspace(serial, frameworks, workers=1)
    progress: list[tuple[int, int]] = []
    tag_workspace(parallel, frameworks, workers=2, progress=lambda d, t: progress.append((d, t)))
    columns = ["doc_id", "framework_id", "item_id", "level", "score", "target_sentence"]
    assert serial.read_tags().select(columns).equals(parallel.read_tags().select(columns))
    assert progress[-1] == (20, 20)


def test_labels_only_framework_file_can_be_passed(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "ministermaal-2018b.toml"
    path.write_text(
        'id = "ministermaal-2018b"\nkind = "goals"\nyear = 2018\n\n[[items]]\n'
        'id = "1"\nlabel = "Flere flygtninge og familiesammenførte skal være '
        'selvforsørgende"\n',
        encoding="utf-8",
    )
    _store(workspace, [("a", 2018, 2018)])
    tag_workspace(workspace, [load_framework(path)], workers=1)
    assert workspace.read_tags()["level"].to_list() == ["X"]


def test_tag_command_with_chosen_frameworks_shows_corrected_metadata(
    workspace: Workspace, tmp_path: Path
) -> None:
    _store(workspace, [("a", 2018, 2018)])  # a København plan, whose heading mirrors goal 3
    ReviewStore.for_workspace(workspace).set_metadata("a", "municipality", "Tårnby", "ane")
    extra = tmp_path / "extra-themes.toml"
    extra.write_text(
        'id = "extra-themes"\nkind = "themes"\n\n[[items]]\nid = "1"\n'
        'label = "Flere flygtninge og familiesammenførte skal være selvforsørgende"\n',
        encoding="utf-8",
    )
    args = ["tag", "--workspace", str(workspace.root), "--framework", GOALS]
    result = CliRunner().invoke(main, [*args, "--framework", str(extra)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:2] == [
        "a.txt (Tårnby 2018) × extra-themes: 1 X, 0 (X), 0 blank",
        f"a.txt (Tårnby 2018) × {GOALS}: 1 X, 0 (X), 4 blank",
    ]
    assert lines[2].startswith("2 tagged, 0 unchanged")
    assert set(workspace.read_tags()["framework_id"]) == {GOALS, "extra-themes"}


def test_tag_command_on_an_empty_plans_folder_notes_it_and_succeeds(
    workspace: Workspace, tmp_path: Path
) -> None:
    # `make run` on a new machine tags the empty data/plans/ before opening the app.
    empty = tmp_path / "plans"
    empty.mkdir()
    (empty / ".gitkeep").write_text("")
    result = CliRunner().invoke(main, ["tag", str(empty), "--workspace", str(workspace.root)])
    assert result.exit_code == 0, result.output
    assert "no plan files" in result.output and "upload them in the app" in result.output
    assert workspace.read_documents().is_empty()

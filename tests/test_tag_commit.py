"""Tags and evidence are committed together: re-tagging replaces, crashes leave no doubles."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from compare.config import CRASH_ENV
from compare.frameworks.catalog import find_framework
from compare.store.workspace import TAG_JOURNAL, Workspace
from compare.tagging.run import tag_workspace
from tests.tag_samples import BACKGROUND, GOAL3_OCR, plan_documents, plan_segments

GOALS = "ministermaal-2018"
THEMES = "rar-hovedstaden-2018"


def store_plans(ws: Workspace, doc_ids: list[str]) -> None:
    """Plans of 2018 whose outline mirrors goal 3 and carries a target sentence."""
    outline = BACKGROUND + [
        (
            GOAL3_OCR,
            1,
            ["Kommunen har som mal, at 60 pct. af flygtningene skal vaere i job efter tre ar."],
        )
    ]
    ws.write_documents(plan_documents([(d, 2018, 2018) for d in doc_ids]))
    ws.write_segments(pl.concat([plan_segments(d, outline) for d in doc_ids]))


def evidence_keys(ws: Workspace) -> list[tuple]:
    columns = ["doc_id", "framework_id", "item_id", "rank", "seg_no"]
    return sorted(ws.read_evidence().select(columns).iter_rows())


def test_retagging_after_a_framework_edit_replaces_the_evidence(workspace: Workspace) -> None:
    store_plans(workspace, ["a", "b"])
    goals, themes = find_framework(GOALS), find_framework(THEMES)
    tag_workspace(workspace, [goals, themes], workers=1)
    first = evidence_keys(workspace)
    assert first and len(first) == len(set(first))
    for n in range(2):  # two edits of the goals file: each re-tags the goals pairs
        edited = replace(goals, content_hash=f"{goals.content_hash}-edit{n}")
        report = tag_workspace(workspace, [edited, themes], workers=1)
        assert sorted(report.tagged) == [("a", GOALS), ("b", GOALS)]
        assert evidence_keys(workspace) == first


THEMES_V1 = """id = "crash-themes"
kind = "themes"

[[items]]
id = "1"
label = "Flere flygtninge og familiesammenførte skal være selvforsørgende"

[[items]]
id = "2"
label = "Flere unge skal have en uddannelse"
"""
THEMES_V2 = THEMES_V1.replace("Flere unge skal have en uddannelse", "Unge i uddannelse og job")
CRASH_POINTS = [
    "tag-written-evidence",
    "tag-written-tags",
    "tag-journal",
    "tag-renamed-evidence",
    "tag-renamed-tags",
]
STATE_COLUMNS = {
    "tags": ["doc_id", "framework_id", "item_id", "level", "score", "framework_hash"],
    "evidence": ["doc_id", "framework_id", "item_id", "rank", "seg_no", "quote"],
}


def tagged_state(ws: Workspace) -> tuple[list[tuple], list[tuple]]:
    """What a reader sees: tags and evidence, without the time stamps."""
    return (
        sorted(ws.read_tags().select(STATE_COLUMNS["tags"]).iter_rows()),
        sorted(ws.read_evidence().select(STATE_COLUMNS["evidence"]).iter_rows()),
    )


def run_tag(ws: Workspace, framework: Path, crash_at: str | None = None) -> int:
    env = {k: v for k, v in os.environ.items() if k != CRASH_ENV}
    if crash_at is not None:
        env[CRASH_ENV] = crash_at
    args = [sys.executable, "-m", "compare", "tag", "--workspace", str(ws.root)]
    done = subprocess.run(
        [*args, "--framework", str(framework)], env=env, capture_output=True, timeout=120
    )
    return done.returncode


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_a_tag_run_killed_while_committing_leaves_old_or_new_and_a_rerun_completes_it(
    tmp_path: Path, point: str
) -> None:
    framework = tmp_path / "crash-themes.toml"
    framework.write_text(THEMES_V1, encoding="utf-8")
    reference = Workspace.open(tmp_path / "reference")
    store_plans(reference, ["a", "b"])
    tag_workspace(reference, [find_framework(framework)], workers=1)
    crashed = Workspace.open(tmp_path / "crashed")
    store_plans(crashed, ["a", "b"])
    tag_workspace(crashed, [find_framework(framework)], workers=1)
    old = tagged_state(crashed)
    framework.write_text(THEMES_V2, encoding="utf-8")  # an edit: both plans are re-tagged
    tag_workspace(reference, [find_framework(framework)], workers=1)
    new = tagged_state(reference)
    assert new != old and new[1]

    assert run_tag(crashed, framework, crash_at=point) == -signal.SIGKILL
    assert tagged_state(crashed) in (old, new)  # never a mixture, never doubled
    report = tag_workspace(crashed, [find_framework(framework)], workers=1)
    assert tagged_state(crashed) == new
    assert report.tagged or point in ("tag-journal", "tag-renamed-evidence", "tag-renamed-tags")
    assert sorted(p.name for p in crashed.root.glob("*.next")) == []
    assert not (crashed.root / TAG_JOURNAL).exists()

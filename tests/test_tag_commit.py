"""Tags and evidence are committed together: re-tagging replaces, crashes leave no doubles."""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from compare.frameworks.catalog import find_framework
from compare.store.workspace import Workspace
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

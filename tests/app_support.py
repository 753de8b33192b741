"""Helpers for the app tests: a workspace built from the seed documents by the real pipeline."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from compare.ingest import ingest_paths
from compare.store.workspace import Workspace
from compare.tagging.run import tag_workspace

APP = Path(__file__).resolve().parent.parent / "app.py"
# The heading (h1) each page shows first: what a person sees when the page has rendered.
PAGE_HEADINGS = {
    "matrix": "Matrix",
    "overview": "Temaoversigt",
    "plan": "Plan",
    "years": "Sammenlign år",
    "search": "Søg i planerne",
    "upload": "Upload",
    "frameworks": "Rammer",
}
_BUILT: dict[str, Path] = {}


def seeded_workspace(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    """A workspace with every seed ingested and tagged; built once per test session."""
    if "root" not in _BUILT:
        root = tmp_path_factory.mktemp("seeded") / "workspace"
        ws = Workspace.open(root)
        report = ingest_paths(sorted(seeds_dir.glob("*.txt")), ws)
        assert not report.failed, report.failed
        tag_workspace(ws)
        _BUILT["root"] = ws.root
    return _BUILT["root"]


def copy_workspace(source: Path, target: Path) -> Workspace:
    """A private copy of a workspace, for a test that writes to it."""
    shutil.copytree(source, target)
    return Workspace.open(target)

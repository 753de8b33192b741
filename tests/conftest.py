"""Shared fixtures: the real seed documents (skipped with a reason where absent) and workspaces."""

from __future__ import annotations

from pathlib import Path

import pytest

from compare.store.workspace import ENV_VAR, Workspace

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT.parent / "shared" / "seeds"

SEED_PLAN_2018 = "000_010c7ad56dba5589.txt"  # København's plan 2018, OCR'd
SEED_PLAN_2022 = "001_40bbc7606dbfb722.txt"  # København's plan 2022, OCR'd
SEED_BUDGET_2013 = "002_d5d7af82d6e72f33.txt"  # København budget note 2013 (Markdown)
SEED_OVERVIEW_2018 = "003_90fccb9b6dc2e79e.txt"  # RAR Hovedstaden overview 2018


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The folder of real seed documents; tests using it skip where ../shared is absent."""
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS_DIR} (../shared is absent)")
    return SEEDS_DIR


@pytest.fixture
def seed(seeds_dir: Path):
    """Look up one seed file by its constant name, e.g. `seed(SEED_PLAN_2018)`."""

    def _seed(name: str) -> Path:
        path = seeds_dir / name
        if not path.exists():
            pytest.skip(f"seed {name} not found in {seeds_dir}")
        return path

    return _seed


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A fresh, empty workspace in a temporary folder."""
    return Workspace.open(tmp_path / "workspace")


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    """A workspace built once per session from the seed documents by the real ingest and tag."""
    from tests.app_support import seeded_workspace

    return seeded_workspace(tmp_path_factory, seeds_dir)


@pytest.fixture
def private_ws(seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A copy of the seeded workspace that this test may write to, and the app shows."""
    from tests.app_support import copy_workspace

    ws = copy_workspace(seeded, tmp_path / "workspace")
    monkeypatch.setenv(ENV_VAR, str(ws.root))
    return ws


def record_parquet_reads(patch: pytest.MonkeyPatch) -> list[str]:
    """Patch Polars' Parquet readers to record the name of every file read; the record."""
    import polars as pl

    reads: list[str] = []
    real_read, real_scan = pl.read_parquet, pl.scan_parquet

    def read_parquet(source, *a, **k):  # type: ignore[no-untyped-def]
        reads.append(Path(source).name)
        return real_read(source, *a, **k)

    def scan_parquet(source, *a, **k):  # type: ignore[no-untyped-def]
        reads.append(Path(source).name)
        return real_scan(source, *a, **k)

    patch.setattr(pl, "read_parquet", read_parquet)
    patch.setattr(pl, "scan_parquet", scan_parquet)
    return reads

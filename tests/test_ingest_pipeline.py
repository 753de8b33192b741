"""The ingest pipeline: metadata, duplicates, overrides, uploads; the workspace never breaks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest

from compare.errors import UnreadableDocument
from compare.ingest import collect_files, ingest_bytes, ingest_paths, safe_name
from compare.schema import DOCUMENTS, KIND_OTHER, KIND_OVERVIEW, KIND_PLAN, SEGMENTS
from compare.store.documents import load_documents
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace
from tests.conftest import SEED_BUDGET_2013, SEED_OVERVIEW_2018, SEED_PLAN_2018, SEED_PLAN_2022
from tests.ingest_samples import docx_bytes, pdf_bytes

TAARNBY = (
    "Beskæftigelsesplan 2019\n\nJobcenter Tårnby beskriver her indsatsen i Tårnby Kommune "
    "for 2019.\n\n1 Indledning\n\nFlere ledige skal i job, og flere unge skal i "
    "uddannelse.\n"
)
AEROE = (
    "# Beskæftigelsesplan 2020-2022 for Ærø Kommune\n\nÆrø Kommune vil have flere i job.\n\n"
    "## 1 Mål\n\nFlere personer med handicap skal i beskæftigelse.\n"
)


def _stored_bytes(ws: Workspace) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (ws.documents_path, ws.segments_path) if p.exists()}


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    (folder / "sub").mkdir(parents=True)
    (folder / "taarnby.txt").write_text(TAARNBY, encoding="utf-8")
    (folder / "sub" / "aeroe.md").write_text(AEROE, encoding="utf-8")
    return folder


def test_folder_is_ingested_with_metadata_and_originals(plans: Path, workspace: Workspace) -> None:
    report = ingest_paths([plans], workspace)
    assert report.ok and not report.duplicates
    docs = workspace.read_documents()
    assert docs.schema == pl.Schema(DOCUMENTS)
    rows = {row["file_name"]: row for row in docs.iter_rows(named=True)}
    assert set(rows) == {"taarnby.txt", "aeroe.md"}
    assert (rows["taarnby.txt"]["municipality"], rows["taarnby.txt"]["kommunekode"]) == (
        "Tårnby",
        "185",
    )
    assert (rows["aeroe.md"]["year"], rows["aeroe.md"]["year_to"]) == (2020, 2022)
    for row in rows.values():
        original = workspace.root / row["stored_path"]
        assert hashlib.sha256(original.read_bytes()).hexdigest() == row["content_hash"]
        assert row["doc_id"] == row["content_hash"][:16]
        assert Path(row["source_path"]).name == row["file_name"]
    segments = workspace.read_segments()
    assert segments.schema == pl.Schema(SEGMENTS)
    counts = dict(segments.group_by("doc_id").len().rows())
    sections = dict(segments.filter(pl.col("is_heading")).group_by("doc_id").len().rows())
    for row in rows.values():
        assert counts[row["doc_id"]] > 0
        assert row["n_sections"] == sections[row["doc_id"]]
    assert {s.file_name for s in report.added} == set(rows)


def test_same_bytes_are_never_stored_twice(plans: Path, workspace: Workspace) -> None:
    ingest_paths([plans], workspace)
    before = _stored_bytes(workspace)
    again = ingest_paths([plans], workspace)
    assert not again.added and len(again.duplicates) == 2 and again.ok
    assert _stored_bytes(workspace) == before
    copy = plans.parent / "copy-of-taarnby.txt"
    copy.write_text(TAARNBY, encoding="utf-8")
    fresh = Workspace.open(plans.parent / "other")
    both = ingest_paths([plans / "taarnby.txt", copy], fresh)
    assert len(both.added) == 1 and [name for name, _ in both.duplicates] == [copy.name]
    assert fresh.read_documents().height == 1


def test_batch_goes_on_after_bad_files(plans: Path, workspace: Workspace) -> None:
    (plans / "bilag-3.pdf").write_bytes(b"%PDF-1.5\n garbage")
    (plans / "tom.txt").write_bytes(b"")
    report = ingest_paths([plans], workspace)
    assert sorted(report.failed) == [
        ("bilag-3.pdf", "corrupt PDF; it cannot be opened"),
        ("tom.txt", "empty file (0 bytes)"),
    ]
    assert {s.file_name for s in report.added} == {"taarnby.txt", "aeroe.md"}
    assert workspace.read_documents().height == 2
    assert not report.ok


def test_failed_batch_leaves_the_workspace_byte_for_byte(
    plans: Path, tmp_path: Path, workspace: Workspace
) -> None:
    ingest_paths([plans], workspace)
    before = _stored_bytes(workspace)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "scan.pdf").write_bytes(b"%PDF-1.4\n%%EOF")
    (bad / "noise.txt").write_bytes(bytes(range(256)) * 10)
    report = ingest_paths([bad], workspace)
    assert len(report.failed) == 2 and not report.added
    assert _stored_bytes(workspace) == before


def test_crash_mid_batch_keeps_stored_frames(
    plans: Path, workspace: Workspace, monkeypatch
) -> None:
    (plans / "third.txt").write_text(TAARNBY.replace("2019", "2021"), encoding="utf-8")
    ingest_paths([plans / "taarnby.txt"], workspace)
    before = _stored_bytes(workspace)
    import compare.ingest.pipeline as pipeline

    real_segment = pipeline.segment
    calls = []

    def interrupted(doc_id, raw):
        calls.append(doc_id)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the user presses Ctrl-C half-way
        return real_segment(doc_id, raw)

    monkeypatch.setattr(pipeline, "segment", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths([plans], workspace)
    assert _stored_bytes(workspace) == before


def test_crash_between_frames_does_not_duplicate_segments(
    plans: Path, workspace: Workspace, monkeypatch
) -> None:
    def fail(frame):
        raise OSError("disk full")

    monkeypatch.setattr(Workspace, "write_documents", lambda self, frame: fail(frame))
    with pytest.raises(OSError):
        ingest_paths([plans], workspace)
    monkeypatch.undo()
    assert workspace.read_documents().height == 0  # nothing counts as stored
    ingest_paths([plans], workspace)
    reference = Workspace.open(plans.parent / "reference")
    ingest_paths([plans], reference)
    assert workspace.read_segments().height == reference.read_segments().height


def test_overrides_go_into_documents_and_the_review_store(
    plans: Path, workspace: Workspace
) -> None:
    overrides = {"municipality": "Dragør", "year": 2018, "kind": KIND_OTHER}
    report = ingest_paths([plans / "taarnby.txt"], workspace, overrides, reviewer="anna")
    assert report.ok
    row = workspace.read_documents().row(0, named=True)
    assert (row["municipality"], row["kommunekode"], row["year"], row["year_to"], row["kind"]) == (
        "Dragør",
        "155",
        2018,
        2018,
        KIND_OTHER,
    )
    recorded = ReviewStore.for_workspace(workspace).metadata_overrides()
    values = {r["field"]: r["value"] for r in recorded.iter_rows(named=True)}
    assert values["municipality"] == "Dragør" and values["year"] == "2018"
    assert values["kind"] == KIND_OTHER
    shown = load_documents(workspace).row(0, named=True)
    assert (shown["municipality"], shown["year"]) == ("Dragør", 2018)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"municipality": "Atlantis"}, "Atlantis"),
        ({"kind": "novel"}, "kind must be one of"),
        ({"year": 2020, "year_to": 2019}, "before it starts"),
        ({"colour": "red"}, "unknown override colour"),
    ],
)
def test_bad_overrides_fail_each_file_and_store_nothing(
    plans: Path, workspace: Workspace, overrides: dict, message: str
) -> None:
    report = ingest_paths([plans], workspace, overrides)
    assert len(report.failed) == 2 and not report.added
    assert all(message in text for _, text in report.failed)
    assert not workspace.documents_path.exists()


def test_upload_name_is_display_text_only(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "deep" / "ws")
    report = ingest_bytes("../../evil.md", AEROE.encode(), ws)
    assert report.ok and report.added[0].file_name == "evil.md"
    row = ws.read_documents().row(0, named=True)
    assert row["source_path"] is None
    assert (ws.root / row["stored_path"]).parent == ws.originals_dir
    assert not list(tmp_path.rglob("evil.md"))


def test_upload_size_limit_and_bad_bytes(workspace: Workspace) -> None:
    big = ingest_bytes("plan.pdf", pdf_bytes(), workspace, max_bytes=100)
    assert big.failed[0][0] == "plan.pdf" and big.failed[0][1].startswith("too large")
    bad = ingest_bytes("x.docx", b"not a zip", workspace)
    assert bad.failed == [("x.docx", "not a Word .docx file (corrupt, or the extension is wrong)")]
    good = ingest_bytes("plan.docx", docx_bytes(), workspace)
    assert good.added[0].format == "docx" and good.added[0].municipality == "Ærø"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../x.pdf", "x.pdf"),
        ("..\\..\\windows\\plan.docx", "plan.docx"),
        ("/etc/passwd", "passwd"),
        ("....", "upload"),
        ("", "upload"),
        ("plan\x00name\n.txt", "plan name .txt"),
        (".hidden.md", "hidden.md"),
    ],
)
def test_safe_name(name: str, expected: str) -> None:
    assert safe_name(name) == expected


def test_progress_is_reported_per_file(plans: Path, workspace: Workspace) -> None:
    seen: list[tuple[int, int, str]] = []
    ingest_paths([plans], workspace, progress=lambda d, t, n: seen.append((d, t, n)))
    assert [(d, t) for d, t, _ in seen] == [(1, 2), (2, 2)]
    assert {n for _, _, n in seen} == {"taarnby.txt", "aeroe.md"}


def test_collect_files_recurses_sorted_and_skips_noise(tmp_path: Path) -> None:
    root = tmp_path / "in"
    for rel in [
        "b.pdf",
        "a.txt",
        "sub/c.docx",
        "sub/.hidden.txt",
        "~$lock.docx",
        "x.xlsx",
        ".git/config.txt",
        "ws/originals/d.txt",
    ]:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    found = collect_files([root], exclude=root / "ws")
    assert [p.relative_to(root).as_posix() for p in found] == ["a.txt", "b.pdf", "sub/c.docx"]
    assert collect_files([root / "x.xlsx"]) == [root / "x.xlsx"]  # named directly: tried


def test_small_chunks_store_everything(plans: Path, workspace: Workspace) -> None:
    (plans / "plan.pdf").write_bytes(pdf_bytes())
    report = ingest_paths([plans], workspace, chunk_size=1)
    assert len(report.added) == 3
    assert workspace.read_documents().height == 3
    assert workspace.read_segments()["doc_id"].n_unique() == 3


def test_text_hash_follows_the_text_not_the_file(tmp_path: Path) -> None:
    first = Workspace.open(tmp_path / "a")
    ingest_bytes("a.txt", TAARNBY.encode(), first)
    ingest_bytes("b.txt", (TAARNBY + "\n").encode(), first)  # other bytes, same text
    ingest_bytes("c.txt", TAARNBY.replace("unge", "voksne").encode(), first)
    hashes = dict(first.read_documents().select("file_name", "text_hash").rows())
    assert hashes["a.txt"] == hashes["b.txt"] != hashes["c.txt"]


@pytest.mark.seeds
def test_seeds_get_municipality_year_and_kind(seeds_dir: Path, workspace: Workspace) -> None:
    report = ingest_paths([seeds_dir], workspace)
    assert report.ok and len(report.added) == 4
    rows = {r["file_name"]: r for r in workspace.read_documents().iter_rows(named=True)}
    expected = {
        SEED_PLAN_2018: ("København", 2018, KIND_PLAN),
        SEED_PLAN_2022: ("København", 2022, KIND_PLAN),
        SEED_BUDGET_2013: ("København", 2013, KIND_OTHER),
    }
    for name, (municipality, year, kind) in expected.items():
        assert (rows[name]["municipality"], rows[name]["year"], rows[name]["kind"]) == (
            municipality,
            year,
            kind,
        )
    assert rows[SEED_OVERVIEW_2018]["kind"] == KIND_OVERVIEW


def test_unreadable_document_message_names_the_file() -> None:
    err = UnreadableDocument("some/dir/bilag-3.pdf", "no text layer; OCR it first")
    assert str(err) == "bilag-3.pdf: no text layer; OCR it first"

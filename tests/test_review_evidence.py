"""Analysts' evidence passages (review DB v2), the effective evidence, the review queue order
and the agreement between two analysts — the pure parts of the review, without the app."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import polars as pl
import pytest

from compare.analysis.agreement import cohen_kappa, compare_reviewers
from compare.errors import CompareError
from compare.review.evidence import effective_evidence, matching_segments
from compare.review.queue import DECISION_POINT, next_unreviewed, queue_order, review_progress
from compare.schema import EVIDENCE, MATRIX_CELLS, SEGMENTS, conform
from compare.store import review_db
from compare.store.review_db import SCHEMA_VERSION, ReviewStore
from compare.text import normalise

FW = "toy"


@pytest.fixture
def store(tmp_path: Path) -> ReviewStore:
    return ReviewStore(tmp_path / "review.sqlite")


def _evidence(*rows: tuple[str, int, int, bool]) -> pl.DataFrame:
    """Tagger evidence as (item_id, rank, seg_no, is_target) for document d1."""
    return conform(
        pl.DataFrame(
            [
                {
                    "doc_id": "d1",
                    "framework_id": FW,
                    "item_id": item,
                    "rank": rank,
                    "seg_no": seg,
                    "quote": f"passage {seg}",
                    "is_target": target,
                    "matched_terms": ["job"],
                }
                for item, rank, seg, target in rows
            ]
        ),
        EVIDENCE,
    )


def _ranked(frame: pl.DataFrame, item: str = "1") -> list[tuple]:
    rows = frame.filter(pl.col("item_id") == item).sort("rank")
    return rows.select("rank", "seg_no", "is_target", "added_by").rows()


def test_without_analysts_the_tagger_evidence_is_the_evidence(store: ReviewStore) -> None:
    evidence = _evidence(("1", 1, 10, True), ("1", 2, 11, False))
    assert _ranked(effective_evidence(evidence, store.passages())) == [
        (1, 10, True, ""),
        (2, 11, False, ""),
    ]


def test_added_removed_and_marked_passages_are_merged(store: ReviewStore) -> None:
    evidence = _evidence(("1", 1, 10, True), ("1", 2, 11, False), ("1", 3, 12, False))
    store.change_passage(
        "d1", FW, "1", 5, "Anna", included=True, passage={"quote": "new", "page": 3}
    )
    store.change_passage("d1", FW, "1", 11, "Anna", included=False)
    store.change_passage("d1", FW, "1", 12, "Anna", is_target=True)
    store.change_passage("d1", FW, "1", 10, "Anna", is_target=False)
    merged = effective_evidence(evidence, store.passages())
    # The marked target first, then the analyst's own passage, then the tagger's; 11 is gone.
    assert _ranked(merged) == [(1, 12, True, ""), (2, 5, False, "Anna"), (3, 10, False, "")]
    added = merged.filter(pl.col("seg_no") == 5).row(0, named=True)
    assert (added["quote"], added["page"]) == ("new", 3)
    assert list(merged.columns[: len(EVIDENCE)]) == list(EVIDENCE)


def test_adding_a_passage_the_tagger_already_has_does_not_double_it(store: ReviewStore) -> None:
    evidence = _evidence(("1", 1, 10, False))
    store.change_passage("d1", FW, "1", 10, "Anna", included=True, passage={"quote": "x"})
    assert _ranked(effective_evidence(evidence, store.passages())) == [(1, 10, False, "")]


def test_passage_changes_survive_new_tagger_evidence(store: ReviewStore) -> None:
    store.change_passage("d1", FW, "1", 5, "Anna", included=True, passage={"quote": "mine"})
    store.change_passage("d1", FW, "1", 10, "Anna", included=False)
    # A re-tag writes new evidence: different ranks, passage 10 found again.
    retagged = _evidence(("1", 1, 20, False), ("1", 2, 10, True))
    assert _ranked(effective_evidence(retagged, store.passages())) == [
        (1, 5, False, "Anna"),
        (2, 20, False, ""),
    ]


def test_undo_of_a_passage_change_restores_the_state_before(store: ReviewStore) -> None:
    evidence = _evidence(("1", 1, 10, False))
    removed = store.change_passage("d1", FW, "1", 10, "Anna", included=False)
    assert effective_evidence(evidence, store.passages()).is_empty()
    store.undo_passage(removed, "Bo")
    assert _ranked(effective_evidence(evidence, store.passages())) == [(1, 10, False, "")]
    history = store.passage_history("d1", FW, "1")
    assert history.select("included", "reviewer", "undone_of").rows() == [
        (False, "Anna", None),
        (None, "Bo", removed),
    ]
    with pytest.raises(CompareError, match="no passage change 999"):
        store.undo_passage(999, "Bo")


def test_passage_history_is_append_only(store: ReviewStore) -> None:
    store.change_passage("d1", FW, "1", 10, "Anna", included=False)
    with sqlite3.connect(store.path) as conn, pytest.raises(sqlite3.DatabaseError):
        conn.execute("DELETE FROM passage_changes")
    with pytest.raises(CompareError, match="reviewer is missing"):
        store.change_passage("d1", FW, "1", 10, " ", included=False)


def test_a_version_1_database_is_migrated_and_keeps_its_decisions(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as conn:
        for statement in review_db._SCHEMA_STATEMENTS:  # what version 1 created
            conn.execute(statement)
        conn.execute(
            "INSERT INTO decisions (doc_id, framework_id, item_id, level, reviewer, decided_at)"
            " VALUES ('d1', 'toy', '1', 'X', 'Anna', '2024-01-01T00:00:00')"
        )
        conn.execute("PRAGMA user_version = 1")
    store = ReviewStore(path)
    assert store.latest().select("doc_id", "level", "reviewer").rows() == [("d1", "X", "Anna")]
    store.change_passage("d1", FW, "1", 4, "Anna", included=True, passage={"quote": "q"})
    assert store.passages().height == 1
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3


def test_matching_segments_finds_inflected_and_ocr_words() -> None:
    texts = [
        ("Indsatser", True),
        ("Vi styrker virksomhedspraktikker i Kgbenhavn.", False),
        ("Ingen relevans her.", False),
        ("Virksomhedspraktik for unge.", False),
    ]
    segments = conform(
        pl.DataFrame(
            [
                {"doc_id": "d1", "seg_no": i, "text": t, "norm": normalise(t), "is_heading": h}
                for i, (t, h) in enumerate(texts)
            ]
        ),
        SEGMENTS,
    )
    found = matching_segments(segments, "virksomhedspraktik København")
    assert found["seg_no"].to_list() == [1]
    assert matching_segments(segments, "virksomhedspraktik")["seg_no"].to_list() == [1, 3]
    assert matching_segments(segments, "og i").is_empty()  # no content word, no hits


def _cells(rows: list[tuple[str, str, float | None, bool]]) -> pl.DataFrame:
    return conform(
        pl.DataFrame(
            [
                {"doc_id": d, "framework_id": FW, "item_id": i, "score": s, "reviewed": r}
                for d, i, s, r in rows
            ],
            schema_overrides={"score": pl.Float64},
        ),
        MATRIX_CELLS,
    )


def test_queue_puts_near_calls_first_then_matrix_order() -> None:
    cells = _cells(
        [
            ("a", "1", 0.99, False),
            ("a", "2", DECISION_POINT + 0.01, False),
            ("a", "3", 0.10, False),
            ("b", "1", DECISION_POINT - 0.01, False),
        ]
    )
    order = queue_order(cells)
    assert order.select("doc_id", "item_id").rows() == [
        ("a", "2"),
        ("b", "1"),
        ("a", "1"),
        ("a", "3"),
    ]


def test_queue_puts_the_taggers_unsure_cells_first_when_tags_say_so() -> None:
    cells = _cells([("a", "1", DECISION_POINT, False), ("a", "2", 0.99, False)])
    confidence = pl.DataFrame(
        {
            "doc_id": ["a", "a"],
            "framework_id": [FW, FW],
            "item_id": ["1", "2"],
            "confidence": ["sure", "unsure"],
            "confidence_reason": ["", "target outside the item's section"],
        }
    )
    order = queue_order(cells, confidence)
    assert order["item_id"].to_list() == ["2", "1"]
    assert order["confidence_reason"][0] == "target outside the item's section"
    # Tags without the columns: the margin alone decides.
    assert queue_order(cells, confidence.drop("confidence"))["item_id"].to_list() == ["1", "2"]


def test_next_unreviewed_skips_reviewed_cells_and_wraps() -> None:
    order = [("a", FW, "1"), ("a", FW, "2"), ("a", FW, "3")]
    assert next_unreviewed(order, {order[1]}, order[0]) == order[2]
    assert next_unreviewed(order, {order[1]}, order[2]) == order[0]
    assert next_unreviewed(order, set(), None) == order[0]
    assert next_unreviewed(order, set(order[1:]), order[0]) is None  # only itself left
    assert next_unreviewed([], set(), None) is None


def test_review_progress_counts_per_framework() -> None:
    cells = _cells([("a", "1", 0.5, True), ("a", "2", 0.5, False), ("b", "1", 0.5, True)])
    assert review_progress(cells).select("framework_id", "text").rows() == [(FW, "2 af 3 vurderet")]


def test_kappa_against_a_hand_computed_case() -> None:
    a = ["X", "X", "X", "X", "(X)", "(X)", "(X)", "", "", ""]
    b = ["X", "X", "X", "(X)", "(X)", "(X)", "", "", "", "X"]
    # p_o = 7/10; p_e = (4·4 + 3·3 + 3·3) / 100 = 0.34; kappa = 0.36 / 0.66 = 6/11.
    assert cohen_kappa(list(zip(a, b, strict=True))) == pytest.approx(6 / 11)
    assert cohen_kappa([("X", "X"), ("", "")]) == pytest.approx(1.0)
    assert cohen_kappa([("X", "X"), ("X", "X")]) is None  # no variation: undefined
    assert cohen_kappa([]) is None


def test_two_analysts_agreement_uses_each_ones_own_latest_decision(store: ReviewStore) -> None:
    for item, level in (("1", "X"), ("2", "(X)"), ("3", "")):
        store.decide("d1", FW, item, level, None, "Anna", municipality="Albertslund", year=2018)
    store.decide("d1", FW, "1", "X", None, "bo ", municipality="Albertslund", year=2018)
    store.decide("d1", FW, "2", "X", None, "Bo", municipality="Albertslund", year=2018)
    wrong = store.decide("d1", FW, "3", "X", None, "Bo", municipality="Albertslund", year=2018)
    store.undo(wrong, "Bo")  # Bo takes it back: item 3 is no longer Bo's decision
    store.decide("d1", FW, "4", "X", None, "Bo")  # Anna never decided item 4
    result = compare_reviewers(store.history(), "Anna", "Bo")
    assert (result.n, result.agreed, result.percent) == (2, 1, 0.5)
    assert result.disagreements.select("municipality", "item_id", "level_a", "level_b").rows() == [
        ("Albertslund", "2", "(X)", "X")
    ]
    assert result.kappa == pytest.approx(0.0)  # p_o = 0.5 = p_e


def test_evaluate_between_two_analysts_on_the_command_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from compare.cli import main
    from compare.store.workspace import Workspace

    ws = Workspace.open(tmp_path / "ws")
    store = ReviewStore.for_workspace(ws)
    for item, (a, b) in enumerate([("X", "X"), ("(X)", "X"), ("", "")], start=1):
        store.decide("d1", FW, str(item), a, None, "Anna", municipality="Albertslund", year=2018)
        store.decide("d1", FW, str(item), b, None, "Bo", municipality="Albertslund", year=2018)
    run = CliRunner().invoke(
        main, ["evaluate", "--between", "Anna", "Bo", "--workspace", str(ws.root)]
    )
    assert run.exit_code == 0, run.output
    # p_o = 2/3; p_e = (1·2 + 1·0 + 1·1) / 9 = 1/3; kappa = (1/3) / (2/3) = 0.50.
    assert "0.67" in run.output and "0.50" in run.output
    assert "Albertslund 2018 toy item 2: (X) → X" in run.output
    neither = CliRunner().invoke(main, ["evaluate", "--workspace", str(ws.root)])
    assert neither.exit_code != 0 and "--between" in neither.output

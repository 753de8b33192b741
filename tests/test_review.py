"""The review store: decisions with history and undo, metadata overrides, re-check, and
concurrent or killed writers (real processes)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from compare.errors import CompareError, UnknownMunicipality
from compare.review.decisions import record_decision
from compare.review.matrix import matrix_cells
from compare.store.documents import find_plan, load_documents
from compare.store.review_db import SCHEMA_VERSION, ReviewStore
from compare.store.workspace import Workspace

FW = "toy-2018"


def write_documents(ws: Workspace, *rows: tuple[str, str | None, int, str, str]) -> None:
    """Documents as (doc_id, municipality, year, kind, text_hash)."""
    ws.write_documents(
        pl.DataFrame(
            [
                {
                    "doc_id": d,
                    "municipality": m,
                    "year": y,
                    "year_to": y,
                    "kind": k,
                    "text_hash": h,
                    "file_name": f"{d}.txt",
                    "kommunekode": None,
                    "municipality_note": "unsure",
                }
                for d, m, y, k, h in rows
            ]
        )
    )


def write_tags(ws: Workspace, levels: dict[tuple[str, str], str]) -> None:
    ws.write_tags(
        pl.DataFrame(
            [
                {"doc_id": d, "framework_id": FW, "item_id": i, "level": lvl, "score": 1.0}
                for (d, i), lvl in levels.items()
            ]
        )
    )


@pytest.fixture
def store(tmp_path: Path) -> ReviewStore:
    return ReviewStore(tmp_path / "review.sqlite")


@pytest.fixture
def plan_ws(workspace: Workspace) -> Workspace:
    """Two plans and an overview; the tagger said X for kbh/1 and (X) for kbh/2."""
    write_documents(
        workspace,
        ("kbh", "København", 2018, "plan", "h-kbh"),
        ("alb", "Albertslund", 2018, "plan", "h-alb"),
        ("rar", None, 2018, "overview", "h-rar"),
    )
    write_tags(workspace, {("kbh", "1"): "X", ("kbh", "2"): "(X)", ("alb", "1"): ""})
    return workspace


def cell(ws: Workspace, doc_id: str, item_id: str) -> dict:
    rows = matrix_cells(ws).filter((pl.col("doc_id") == doc_id) & (pl.col("item_id") == item_id))
    assert rows.height == 1, rows
    return rows.row(0, named=True)


# -- decisions, history, undo -----------------------------------------------------------------


def test_decisions_keep_who_changed_what_from_what(store: ReviewStore) -> None:
    first = store.decide("d", FW, "1", "X", "mål om 5 %", "anna", "h1")
    second = store.decide("d", FW, "1", "(x)", None, "bo", "h1")  # lower-case accepted
    history = store.history()
    assert history["id"].to_list() == [first, second]
    assert history.select("reviewer", "previous_level", "level").rows() == [
        ("anna", None, "X"),
        ("bo", "X", "(X)"),
    ]
    assert history["note"].to_list() == ["mål om 5 %", "mål om 5 %"]  # None keeps the note
    assert datetime.fromisoformat(history["decided_at"][0]).utcoffset().total_seconds() == 0
    store.decide("d", FW, "1", "", "", "bo", "h1")  # blank level, note cleared
    latest = store.latest()
    assert latest.select("doc_id", "item_id", "level", "note", "previous_note").rows() == [
        ("d", "1", "", "", "mål om 5 %")
    ]


@pytest.mark.parametrize("level", ["Y", "XX", "((X))", "ja"])
def test_unknown_level_is_refused_and_nothing_stored(store: ReviewStore, level: str) -> None:
    with pytest.raises(CompareError, match="not one of"):
        store.decide("d", FW, "1", level, None, "anna")
    assert store.history().is_empty()


def test_reviewer_is_required(store: ReviewStore) -> None:
    with pytest.raises(CompareError, match="reviewer"):
        store.decide("d", FW, "1", "X", None, "  ")


def test_undo_restores_the_state_before_and_keeps_history(plan_ws: Workspace) -> None:
    store = ReviewStore.for_workspace(plan_ws)
    first = record_decision(plan_ws, "kbh", FW, "1", "(X)", "uklart", "anna", store=store)
    second = record_decision(plan_ws, "kbh", FW, "1", "", None, "bo", store=store)
    assert cell(plan_ws, "kbh", "1")["level"] == ""

    undo = store.undo(second, "anna")
    assert (cell(plan_ws, "kbh", "1")["level"], cell(plan_ws, "kbh", "1")["note"]) == (
        "(X)",
        "uklart",
    )
    with pytest.raises(CompareError, match=f"undo decision {undo} first"):
        store.undo(first, "anna")  # not the current one any more

    redo = store.undo(undo, "bo")  # undoing the undo redoes
    assert cell(plan_ws, "kbh", "1")["level"] == ""
    store.clear("kbh", FW, "1", "bo")  # withdraw the decision: the tagger's level shows again
    back = cell(plan_ws, "kbh", "1")
    assert (back["level"], back["reviewed"], back["reviewer"]) == ("X", False, None)
    history = store.history(doc_id="kbh")
    assert history["undone_of"].to_list() == [None, None, second, undo, None]
    assert history.select("previous_level", "level").rows()[2:] == [
        ("", "(X)"),
        ("(X)", ""),
        ("", None),
    ]
    assert redo == history["id"][3]
    with pytest.raises(CompareError, match="no decision to clear"):
        store.clear("kbh", FW, "1", "bo")


def test_undo_of_unknown_decision(store: ReviewStore) -> None:
    with pytest.raises(CompareError, match="no decision 42"):
        store.undo(42, "anna")


def test_history_is_append_only_in_the_database(store: ReviewStore) -> None:
    store.decide("d", FW, "1", "X", None, "anna")
    conn = sqlite3.connect(store.path)
    try:
        for sql in ("DELETE FROM decisions", "UPDATE decisions SET level = ''"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(sql)
    finally:
        conn.close()
    assert store.history()["level"].to_list() == ["X"]


def test_history_filters(store: ReviewStore) -> None:
    store.decide("a", FW, "1", "X", None, "anna")
    store.decide("a", FW, "2", "X", None, "anna")
    store.decide("b", FW, "1", "X", None, "anna")
    store.decide("b", "other", "1", "X", None, "anna")
    assert store.history(doc_id="a").height == 2
    assert store.history(framework_id=FW, item_id="1")["doc_id"].to_list() == ["a", "b"]
    assert store.history(doc_id="b", framework_id="other").height == 1


def test_remarks_are_rows_not_cells(plan_ws: Workspace) -> None:
    store = ReviewStore.for_workspace(plan_ws)
    store.set_remark("kbh", FW, "Sygedagpengeområdet", "anna")
    assert store.remarks().select("doc_id", "note").rows() == [("kbh", "Sygedagpengeområdet")]
    assert store.latest().is_empty()
    assert set(matrix_cells(plan_ws)["item_id"]) == {"1", "2"}
    store.set_remark("kbh", FW, "", "anna")
    assert store.remarks().is_empty()


def test_reading_never_creates_the_database(tmp_path: Path) -> None:
    store = ReviewStore(tmp_path / "review.sqlite")
    assert store.latest().is_empty() and store.metadata_overrides().is_empty()
    assert store.history().is_empty() and store.metadata_history().is_empty()
    assert not store.path.exists()


def test_newer_schema_is_refused(store: ReviewStore) -> None:
    store.decide("d", FW, "1", "X", None, "anna")
    conn = sqlite3.connect(store.path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(CompareError, match="newer"):
        store.latest()


def test_a_file_that_is_not_a_database_is_reported_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "review.sqlite"
    garbage = b"this is not SQLite" * 300
    path.write_bytes(garbage)
    store = ReviewStore(path)
    for action in (store.latest, lambda: store.decide("d", FW, "1", "X", None, "anna")):
        with pytest.raises(CompareError, match="review.sqlite: the review database cannot"):
            action()
    assert path.read_bytes() == garbage


def test_database_uses_wal(store: ReviewStore) -> None:
    store.decide("d", FW, "1", "X", None, "anna")
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


# -- the matrix view of decisions ---------------------------------------------------------------


def test_retagging_never_touches_decisions(plan_ws: Workspace) -> None:
    store = ReviewStore.for_workspace(plan_ws)
    record_decision(plan_ws, "kbh", FW, "2", "X", "mål: 200 flere i job", "anna", store=store)
    before = store.history()
    write_tags(plan_ws, {("kbh", "1"): "", ("kbh", "2"): "", ("alb", "1"): "X"})  # re-tag
    assert store.history().equals(before)
    kept = cell(plan_ws, "kbh", "2")
    assert (kept["tagger_level"], kept["level"], kept["reviewed"], kept["recheck"]) == (
        "",
        "X",
        True,
        False,
    )
    assert cell(plan_ws, "kbh", "1")["level"] == ""  # undecided cells follow the tagger


def test_recheck_when_the_document_text_changes(plan_ws: Workspace) -> None:
    record_decision(plan_ws, "kbh", FW, "1", "(X)", None, "anna")
    record_decision(plan_ws, "alb", FW, "1", "X", None, "anna")
    write_documents(
        plan_ws,
        ("kbh", "København", 2018, "plan", "h-kbh-NEW"),
        ("alb", "Albertslund", 2018, "plan", "h-alb"),
    )
    assert cell(plan_ws, "kbh", "1")["recheck"] is True
    assert cell(plan_ws, "alb", "1")["recheck"] is False
    assert cell(plan_ws, "kbh", "2")["recheck"] is False  # not reviewed: nothing to re-check


def test_decision_follows_a_new_version_of_the_plan(plan_ws: Workspace) -> None:
    record_decision(plan_ws, "kbh", FW, "2", "", "nævnt i forbifarten", "anna")
    # The plan is replaced by a revised file: new doc_id, same municipality and year.
    write_documents(
        plan_ws,
        ("kbh2", "København", 2018, "plan", "h-kbh2"),
        ("alb", "Albertslund", 2018, "plan", "h-alb"),
    )
    write_tags(plan_ws, {("kbh2", "2"): "(X)"})
    moved = cell(plan_ws, "kbh2", "2")
    assert (moved["level"], moved["note"], moved["reviewed"], moved["recheck"]) == (
        "",
        "nævnt i forbifarten",
        True,
        True,
    )
    record_decision(plan_ws, "kbh2", FW, "2", "X", None, "bo")  # its own decision wins
    assert (cell(plan_ws, "kbh2", "2")["level"], cell(plan_ws, "kbh2", "2")["recheck"]) == (
        "X",
        False,
    )


def test_record_decision_needs_a_known_document(plan_ws: Workspace) -> None:
    with pytest.raises(CompareError, match="no document 'nope'"):
        record_decision(plan_ws, "nope", FW, "1", "X", None, "anna")
    row = ReviewStore.for_workspace(plan_ws).history()
    assert row.is_empty()


# -- metadata overrides ---------------------------------------------------------------------------


def test_metadata_overrides_are_applied_by_load_documents(plan_ws: Workspace) -> None:
    store = ReviewStore.for_workspace(plan_ws)
    store.set_metadata("alb", "municipality", "tårnby", "anna")  # resolved by the registry
    store.set_metadata("alb", "year", "2019", "anna")
    store.set_metadata("rar", "kind", "other", "anna")
    docs = load_documents(plan_ws).sort("doc_id")
    alb = docs.filter(pl.col("doc_id") == "alb").row(0, named=True)
    assert (alb["municipality"], alb["kommunekode"], alb["year"], alb["year_to"]) == (
        "Tårnby",
        "185",
        2019,
        2019,
    )
    assert alb["municipality_note"] is None  # settled by an analyst
    assert docs.filter(pl.col("doc_id") == "rar")["kind"].to_list() == ["other"]
    # The stored columns, plus the computed `superseded_by` of compare.store.versions.
    assert docs.drop("superseded_by").schema == plan_ws.read_documents().schema
    assert plan_ws.read_documents().filter(pl.col("doc_id") == "alb")["year"][0] == 2018
    # The matrix shows the corrected municipality.
    assert cell(plan_ws, "alb", "1")["municipality"] == "Tårnby"


def test_metadata_override_cleared_and_undone(plan_ws: Workspace) -> None:
    store = ReviewStore.for_workspace(plan_ws)
    first = store.set_metadata("kbh", "title", "Beskæftigelsesplan 2018", "anna")
    store.set_metadata("kbh", "title", None, "bo")
    assert load_documents(plan_ws).filter(pl.col("doc_id") == "kbh")["title"][0] is None
    last = store.metadata_history("kbh")["id"][-1]
    store.undo_metadata(last, "anna")
    assert load_documents(plan_ws).filter(pl.col("doc_id") == "kbh")["title"][0] == (
        "Beskæftigelsesplan 2018"
    )
    with pytest.raises(CompareError, match="first"):
        store.undo_metadata(first, "anna")
    assert store.metadata_history("kbh")["previous_value"].to_list() == [
        None,
        "Beskæftigelsesplan 2018",
        None,
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mayor", "X", "unknown metadata field 'mayor'"),
        ("year", "2O18", "year must be a year"),
        ("year_to", "18", "year_to must be a year"),
        ("kind", "budget", "kind must be one of"),
        ("title", "  ", "must not be empty"),
    ],
)
def test_bad_metadata_is_refused(store: ReviewStore, field: str, value: str, message: str) -> None:
    with pytest.raises(CompareError, match=message):
        store.set_metadata("d", field, value, "anna")
    assert store.metadata_history().is_empty()


def test_unknown_municipality_is_refused(store: ReviewStore) -> None:
    with pytest.raises(UnknownMunicipality):
        store.set_metadata("d", "municipality", "Atlantis", "anna")
    assert store.metadata_history().is_empty()


def test_find_plan_by_municipality_and_year(plan_ws: Workspace) -> None:
    docs = load_documents(plan_ws)
    assert find_plan(docs, "kobenhavn", 2018)["doc_id"] == "kbh"
    with pytest.raises(CompareError, match="no plan of København covering 2022"):
        find_plan(docs, "København", 2022)


# -- concurrent and killed writers (real processes) -------------------------------------------

CELLS = [("d1", "1"), ("d1", "2"), ("d2", "1")]


def _write_many(path: str, reviewer: str, count: int, start) -> None:
    store = ReviewStore(path)
    start.wait()  # both writers begin together, on a database neither has created yet
    for n in range(count):
        doc_id, item_id = CELLS[n % len(CELLS)]
        store.decide(doc_id, FW, item_id, ("X", "(X)", "")[n % 3], f"{reviewer} {n}", reviewer)


def _write_forever(path: str, conn) -> None:
    store = ReviewStore(path)
    n = 0
    while True:
        doc_id, item_id = CELLS[n % len(CELLS)]
        conn.send(store.decide(doc_id, FW, item_id, ("X", "(X)", "")[n % 3], None, "killed"))
        n += 1


def assert_consistent_chains(store: ReviewStore) -> None:
    """Each decision's 'previous' is exactly the decision before it on the same cell: no write
    read a stale state, which would happen if two transactions interleaved."""
    history = store.history().sort("id")
    for _, rows in history.group_by("doc_id", "item_id"):
        levels, previous = rows["level"].to_list(), rows["previous_level"].to_list()
        assert previous[0] is None
        assert previous[1:] == levels[:-1]


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "review.sqlite")
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(2)
    writers = [
        ctx.Process(target=_write_many, args=(path, name, 200, start)) for name in ("a", "b")
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)
    assert [writer.exitcode for writer in writers] == [0, 0]
    store = ReviewStore(path)
    history = store.history()
    assert history.height == 400
    assert history.group_by("reviewer").len().sort("reviewer").rows() == [("a", 200), ("b", 200)]
    assert sorted(history["note"].to_list()) == sorted(
        f"{name} {n}" for name in ("a", "b") for n in range(200)
    )
    assert_consistent_chains(store)
    assert store.integrity_check() == "ok"


def test_killing_a_writer_loses_nothing_committed(tmp_path: Path) -> None:
    path = str(tmp_path / "review.sqlite")
    ctx = multiprocessing.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    writer = ctx.Process(target=_write_forever, args=(path, sender))
    writer.start()
    committed = [receiver.recv() for _ in range(60)]  # blocks until the writer reports
    os.kill(writer.pid, signal.SIGKILL)  # mid-way through its next decisions
    writer.join(timeout=30)
    assert writer.exitcode == -signal.SIGKILL
    while receiver.poll():
        committed.append(receiver.recv())

    store = ReviewStore(path)
    assert store.integrity_check() == "ok"
    stored = set(store.history()["id"].to_list())
    assert set(committed) <= stored
    assert_consistent_chains(store)
    store.decide("d1", FW, "1", "X", None, "after")  # the database still takes writes
    assert store.history().height == len(stored) + 1

"""The effective matrix (decision over tagger), its CSV contract, and the matrix/review CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from compare.cli import main
from compare.frameworks.catalog import Framework, Item, find_framework
from compare.ingest.pipeline import ingest_paths
from compare.registry.lookup import load_registry
from compare.review.decisions import record_decision
from compare.review.matrix import item_totals, matrix_cells, wide_matrix
from compare.schema import EVIDENCE, MATRIX_CELLS, TAGS, empty_frame
from compare.store.documents import load_documents
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace
from compare.tagging.run import tag_workspace
from tests.conftest import SEED_OVERVIEW_2018, SEED_PLAN_2018

FW = "toy-2018"
TOY = Framework(
    id=FW,
    title="Toy goals 2018",
    kind="goals",
    year=2018,
    items=(
        Item("1", "Flere i job"),
        Item("2", "Virksomhederne skal sikres arbejdskraft"),
        Item("10", "Flere flygtninge skal være selvforsørgende"),
    ),
)
TOY_TOML = """
id = "toy-2018"
title = "Toy goals 2018"
kind = "goals"
year = 2018

[[items]]
id = "1"
label = "Flere i job"

[[items]]
id = "2"
label = "Virksomhederne skal sikres arbejdskraft"

[[items]]
id = "10"
label = "Flere flygtninge skal være selvforsørgende"
"""

DOCS = [  # doc_id, municipality, year, kind, text_hash
    ("kbh", "København", 2018, "plan", "h-kbh"),
    ("aero", "Ærø", 2018, "plan", "h-aero"),
    ("alb", "Albertslund", 2018, "plan", "h-alb"),
    ("rar", None, 2018, "overview", "h-rar"),
    ("bud", "København", 2013, "other", "h-bud"),
]
TAGGED = {  # (doc_id, item_id): tagger level; alb has no row for item 10
    ("kbh", "1"): "X",
    ("kbh", "2"): "(X)",
    ("kbh", "10"): "(X)",
    ("alb", "1"): "(X)",
    ("alb", "2"): "",
    ("aero", "1"): "",
    ("aero", "2"): "",
    ("aero", "10"): "X",
    ("rar", "1"): "X",
    ("rar", "2"): "X",
    ("rar", "10"): "X",
    ("bud", "1"): "X",
}


def write_documents(ws: Workspace, docs: list[tuple]) -> None:
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
                }
                for d, m, y, k, h in docs
            ]
        )
    )


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    """Three plans, an overview and a budget note, tagged; two cells decided by analysts."""
    write_documents(workspace, DOCS)
    rows = [
        {"doc_id": d, "framework_id": FW, "item_id": i, "level": lvl, "score": 0.5}
        for (d, i), lvl in TAGGED.items()
    ]
    rows.append({"doc_id": "kbh", "framework_id": "other-fw", "item_id": "1", "level": "X"})
    workspace.write_tags(pl.DataFrame(rows))
    record_decision(workspace, "alb", FW, "2", "X", "mål: 50 nye virksomheder", "anna")
    record_decision(workspace, "aero", FW, "1", "(X)", None, "bo")
    return workspace


@pytest.fixture
def toy_file(tmp_path: Path) -> Path:
    path = tmp_path / "toy-2018.toml"
    path.write_text(TOY_TOML, encoding="utf-8")
    return path


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


EXPECTED_CSV = """municipality,year,1,2,10
Albertslund,2018,(X),X,
København,2018,X,(X),(X)
Ærø,2018,(X),,X
"""


# -- matrix_cells -----------------------------------------------------------------------------


def test_effective_level_is_the_decision_over_the_tagger(ws: Workspace) -> None:
    cells = matrix_cells(ws, [FW])
    assert cells.columns == list(MATRIX_CELLS)
    got = {
        (r["doc_id"], r["item_id"]): (
            r["tagger_level"],
            r["level"],
            r["reviewed"],
            r["reviewer"],
            r["note"],
        )
        for r in cells.iter_rows(named=True)
    }
    assert got[("alb", "2")] == ("", "X", True, "anna", "mål: 50 nye virksomheder")
    assert got[("aero", "1")] == ("", "(X)", True, "bo", None)
    assert got[("kbh", "1")] == ("X", "X", False, None, None)
    assert ("alb", "10") not in got  # neither tagged nor decided
    assert not cells["recheck"].any()


def test_only_plans_and_asked_frameworks_by_default(ws: Workspace) -> None:
    cells = matrix_cells(ws, [FW])
    assert set(cells["doc_id"]) == {"kbh", "alb", "aero"}
    assert set(matrix_cells(ws, kinds=["overview"])["doc_id"]) == {"rar"}
    assert set(matrix_cells(ws, kinds=None)["doc_id"]) == {d[0] for d in DOCS}
    assert set(matrix_cells(ws)["framework_id"]) == {FW, "other-fw"}


def test_a_decided_cell_without_a_tag_row_still_appears(ws: Workspace) -> None:
    record_decision(ws, "alb", FW, "10", "(X)", "nævnt i afsnit 4", "anna")
    row = (
        matrix_cells(ws, [FW])
        .filter((pl.col("doc_id") == "alb") & (pl.col("item_id") == "10"))
        .row(0, named=True)
    )
    assert (row["tagger_level"], row["level"], row["reviewed"], row["municipality"]) == (
        None,
        "(X)",
        True,
        "Albertslund",
    )


def test_recheck_flags_only_decided_cells_of_changed_documents(ws: Workspace) -> None:
    write_documents(ws, [d if d[0] != "aero" else (*d[:4], "h-aero-v2") for d in DOCS])
    cells = matrix_cells(ws, [FW])
    flagged = cells.filter("recheck").select("doc_id", "item_id").rows()
    assert flagged == [("aero", "1")]


def test_order_is_registry_order_then_year_then_item_number(ws: Workspace) -> None:
    write_documents(
        ws,
        [
            *DOCS,
            ("aar", "Aarhus", 2018, "plan", "h-aar"),
            ("kbh17", "København", 2017, "plan", "h-kbh17"),
        ],
    )
    ws.write_tags(
        pl.concat(
            [
                ws.read_tags(),
                pl.DataFrame(
                    [
                        {"doc_id": d, "framework_id": FW, "item_id": "1", "level": "X"}
                        for d in ("aar", "kbh17")
                    ]
                ),
            ],
            how="diagonal_relaxed",
        )
    )
    cells = matrix_cells(ws, [FW])
    rows = cells.select("municipality", "year").unique(maintain_order=True).rows()
    registry_order = [m.name for m in load_registry().municipalities()]
    expected = sorted({name for name, _ in rows}, key=registry_order.index)
    assert [(name, year) for name, year in rows] == [
        (name, year) for name in expected for year in (2017, 2018) if (name, year) in rows
    ]
    assert cells.filter(pl.col("doc_id") == "kbh")["item_id"].to_list() == ["1", "2", "10"]
    assert matrix_cells(ws, [FW]).equals(cells)  # deterministic


# -- wide matrix and totals -------------------------------------------------------------------


def test_wide_matrix_rows_and_exact_cells(ws: Workspace) -> None:
    wide = wide_matrix(matrix_cells(ws, [FW]), TOY)
    assert wide.columns == ["municipality", "year", "1", "2", "10"]
    assert wide.rows() == [
        ("Albertslund", 2018, "(X)", "X", ""),
        ("København", 2018, "X", "(X)", "(X)"),
        ("Ærø", 2018, "(X)", "", "X"),
    ]
    with_ids = wide_matrix(matrix_cells(ws, [FW]), TOY, include_doc_id=True)
    assert with_ids["doc_id"].to_list() == ["alb", "kbh", "aero"]


def test_wide_matrix_of_a_framework_without_cells(ws: Workspace) -> None:
    other = Framework(
        id="nothing", title="t", kind="themes", year=None, items=(Item("a", "A"), Item("b", "B"))
    )
    wide = wide_matrix(matrix_cells(ws), other)
    assert wide.columns == ["municipality", "year", "a", "b"] and wide.is_empty()


def test_item_totals(ws: Workspace) -> None:
    cells = matrix_cells(ws, [FW])
    totals = item_totals(cells, TOY)
    assert totals.select(
        "item_id", "n_target", "n_addressed", "n_covered", "n_total", "text"
    ).rows() == [
        ("1", 1, 2, 3, 3, "3 af 3"),
        ("2", 1, 1, 2, 3, "2 af 3"),
        ("10", 1, 1, 2, 3, "2 af 3"),
    ]
    assert totals["label"][0] == "Flere i job"


# -- compare matrix ---------------------------------------------------------------------------


def test_matrix_csv_contract(ws: Workspace, toy_file: Path) -> None:
    out = run(
        "matrix", "--framework", str(toy_file), "--workspace", str(ws.root), "--format", "csv"
    )
    assert out == EXPECTED_CSV
    assert run("matrix", "--framework", str(toy_file), "--workspace", str(ws.root)) == out


def test_matrix_kind_option_shows_the_overview_only_when_asked(
    ws: Workspace, toy_file: Path
) -> None:
    base = ["matrix", "--framework", str(toy_file), "--workspace", str(ws.root)]
    assert run(*base, "--kind", "overview") == "municipality,year,1,2,10\n,2018,X,X,X\n"
    both = run(*base, "--kind", "plan", "--kind", "overview").splitlines()
    assert both[1:] == [*EXPECTED_CSV.splitlines()[1:], ",2018,X,X,X"]


def test_matrix_json(ws: Workspace, toy_file: Path) -> None:
    ReviewStore.for_workspace(ws).set_remark("kbh", FW, "Sygedagpengeområdet", "anna")
    write_documents(ws, [d if d[0] != "aero" else (*d[:4], "h-aero-v2") for d in DOCS])
    data = json.loads(
        run("matrix", "--framework", str(toy_file), "--workspace", str(ws.root), "--format", "json")
    )
    assert data["framework"] == {"id": FW, "title": "Toy goals 2018"}
    assert [item["id"] for item in data["items"]] == ["1", "2", "10"]
    rows = {row["doc_id"]: row for row in data["rows"]}
    assert list(rows) == ["alb", "kbh", "aero"]
    assert rows["alb"]["cells"] == {"1": "(X)", "2": "X", "10": ""}
    assert rows["alb"]["reviewed"] == ["2"]
    assert rows["alb"]["notes"] == {"2": "mål: 50 nye virksomheder"}
    assert (rows["aero"]["reviewed"], rows["aero"]["recheck"], rows["alb"]["recheck"]) == (
        ["1"],
        ["1"],
        [],
    )
    assert rows["kbh"]["remark"] == "Sygedagpengeområdet" and rows["alb"]["remark"] is None
    assert [t["n_covered"] for t in data["totals"]] == [3, 2, 2]


def test_matrix_table(ws: Workspace, toy_file: Path) -> None:
    out = run(
        "matrix", "--framework", str(toy_file), "--workspace", str(ws.root), "--format", "table"
    )
    assert "Toy goals 2018" in out
    assert "Albertslund" in out and "Ærø" in out and "rar" not in out
    assert "X*" in out and "(X)*" in out  # the two reviewed cells are marked
    assert "3 af 3" in out and "reviewed by an analyst" in out


def test_matrix_unknown_framework_is_one_clear_error(ws: Workspace) -> None:
    result = CliRunner().invoke(
        main, ["matrix", "--framework", "no-such-framework", "--workspace", str(ws.root)]
    )
    assert result.exit_code == 1
    assert "no-such-framework" in result.output and "Traceback" not in result.output


# -- compare review ---------------------------------------------------------------------------


def test_review_set_history_undo_change_the_matrix_exactly_there(
    ws: Workspace, toy_file: Path
) -> None:
    common = ["--framework", str(toy_file), "--workspace", str(ws.root)]
    out = run(
        "review",
        "set",
        "--municipality",
        "kobenhavn",
        "--year",
        "2018",
        "--item",
        "10",
        "--level",
        "blank",
        "--note",
        "kun nævnt",
        "--reviewer",
        "carl",
        *common,
    )
    assert "København 2018" in out and "tagger -> blank" in out
    changed = run("matrix", *common).splitlines()
    expected = EXPECTED_CSV.splitlines()
    assert changed[2] == "København,2018,X,(X),"
    assert [line for i, line in enumerate(changed) if i != 2] == [
        line for i, line in enumerate(expected) if i != 2
    ]

    history = json.loads(
        run("review", "history", "--doc", "kbh", "--format", "json", "--workspace", str(ws.root))
    )
    assert [(h["item_id"], h["level"], h["reviewer"], h["note"]) for h in history] == [
        ("10", "", "carl", "kun nævnt")
    ]
    table = run("review", "history", "--workspace", str(ws.root))
    assert "carl" in table and "anna" in table
    run(
        "review",
        "set",
        "--doc",
        "kbh",
        "--item",
        "1",
        "--level",
        "X",
        "--note",
        "=1+1",
        "--reviewer",
        "carl",
        *common,
    )
    rows = list(
        csv.DictReader(
            io.StringIO(
                run(
                    "review",
                    "history",
                    "--doc",
                    "kbh",
                    "--item",
                    "1",
                    "--format",
                    "csv",
                    *common[2:],
                )
            )
        )
    )
    assert [(r["level"], r["note"], r["undone_of"]) for r in rows] == [("X", "'=1+1", "")]
    history = json.loads(
        run(
            "review",
            "history",
            "--doc",
            "kbh",
            "--item",
            "10",
            "--format",
            "json",
            "--workspace",
            str(ws.root),
        )
    )

    out = run(
        "review", "undo", str(history[0]["id"]), "--reviewer", "carl", "--workspace", str(ws.root)
    )
    assert "tagger again" in out
    assert run("matrix", *common) == EXPECTED_CSV


def test_review_clear_and_remark(ws: Workspace, toy_file: Path) -> None:
    common = ["--framework", str(toy_file), "--workspace", str(ws.root)]
    run("review", "clear", "--doc", "alb", "--item", "2", "--reviewer", "anna", *common)
    assert "Albertslund,2018,(X),,\n" in run("matrix", *common)
    run(
        "review",
        "remark",
        "--doc",
        "alb",
        "--note",
        "Planen revideres i marts",
        "--reviewer",
        "anna",
        *common,
    )
    remark = ReviewStore.for_workspace(ws).remarks()
    assert remark.select("doc_id", "note").rows() == [("alb", "Planen revideres i marts")]


def test_review_metadata_moves_a_plan_between_rows(ws: Workspace, toy_file: Path) -> None:
    run(
        "review",
        "set-metadata",
        "--doc",
        "alb",
        "--field",
        "municipality",
        "--value",
        "Tårnby",
        "--reviewer",
        "anna",
        "--workspace",
        str(ws.root),
    )
    lines = run("matrix", "--framework", str(toy_file), "--workspace", str(ws.root)).splitlines()
    assert lines[1:] == ["København,2018,X,(X),(X)", "Tårnby,2018,(X),X,", "Ærø,2018,(X),,X"]


def test_review_set_metadata_refuses_a_period_ending_before_it_starts(ws: Workspace) -> None:
    result = CliRunner().invoke(
        main,
        [
            "review",
            "set-metadata",
            "--doc",
            "kbh",
            "--field",
            "year_to",
            "--value",
            "2017",
            "--reviewer",
            "anna",
            "--workspace",
            str(ws.root),
        ],
    )
    assert result.exit_code == 1 and "before it starts (2018)" in result.output
    assert ReviewStore.for_workspace(ws).metadata_history().is_empty()
    run(
        "review",
        "set-metadata",
        "--doc",
        "kbh",
        "--field",
        "year_to",
        "--value",
        "2019",
        "--reviewer",
        "anna",
        "--workspace",
        str(ws.root),
    )
    assert load_documents(ws).filter(pl.col("doc_id") == "kbh")["year_to"][0] == 2019


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--doc", "kbh", "--item", "99", "--level", "X"], "has no item '99'"),
        (["--doc", "kbh", "--item", "1", "--level", "Y"], "not one of"),
        (["--doc", "nope", "--item", "1", "--level", "X"], "no document 'nope'"),
        (
            ["--municipality", "Albertslund", "--year", "2022", "--item", "1", "--level", "X"],
            "no plan of Albertslund covering 2022",
        ),
        (["--item", "1", "--level", "X"], "--municipality NAME --year YEAR"),
    ],
)
def test_review_set_refuses_bad_input_and_stores_nothing(
    ws: Workspace, toy_file: Path, args: list[str], message: str
) -> None:
    before = ReviewStore.for_workspace(ws).history().height
    result = CliRunner().invoke(
        main,
        [
            "review",
            "set",
            *args,
            "--reviewer",
            "anna",
            "--framework",
            str(toy_file),
            "--workspace",
            str(ws.root),
        ],
    )
    assert result.exit_code != 0
    assert message in result.output
    assert ReviewStore.for_workspace(ws).history().height == before


def test_review_needs_a_reviewer(
    ws: Workspace, toy_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COMPARE_REVIEWER", raising=False)
    result = CliRunner().invoke(main, ["review", "undo", "1", "--workspace", str(ws.root)])
    assert result.exit_code == 2 and "--reviewer" in result.output


@pytest.mark.parametrize(
    "command",
    [
        ["matrix"],
        ["review"],
        ["review", "set"],
        ["review", "history"],
        ["review", "undo"],
        ["review", "clear"],
        ["review", "remark"],
        ["review", "set-metadata"],
    ],
)
def test_help_texts(command: list[str]) -> None:
    out = run(*command, "--help")
    assert "Usage:" in out
    if command == ["matrix"]:
        assert "csv" in out and "json" in out and "table" in out and "--kind" in out
        assert "plan only" in out
    if command == ["review", "set"]:
        assert "--level" in out and "--reviewer" in out and "(X)" in out


# -- end to end on the real seeds ---------------------------------------------------------------


@pytest.mark.seeds
def test_expert_review_of_seed_plan_survives_retagging(seed, workspace: Workspace) -> None:
    overview = seed(SEED_OVERVIEW_2018)
    report = ingest_paths([seed(SEED_PLAN_2018), overview], workspace)
    assert not report.failed
    framework = find_framework("ministermaal-2018")
    tag_workspace(workspace, [framework], workers=1)
    # The regional office's judgement of København's 2018 plan, read from the overview itself.
    row = next(
        line
        for line in overview.read_text(encoding="utf-8").splitlines()
        if line.startswith("København\t")
    )
    fields = row.split("\t")
    expert, remark = [f.strip() for f in fields[1:6]], fields[6].strip()

    common = ["--framework", "ministermaal-2018", "--workspace", str(workspace.root)]
    for item_id, level in zip(["1", "2", "3", "4", "5"], expert, strict=True):
        run(
            "review",
            "set",
            "--municipality",
            "København",
            "--year",
            "2018",
            "--item",
            item_id,
            "--level",
            level or "blank",
            "--reviewer",
            "ao-hovedstaden",
            *common,
        )
    run(
        "review",
        "remark",
        "--municipality",
        "København",
        "--year",
        "2018",
        "--note",
        remark,
        "--reviewer",
        "ao-hovedstaden",
        *common,
    )
    expected = "municipality,year,1,2,3,4,5\nKøbenhavn,2018," + ",".join(expert) + "\n"
    assert run("matrix", *common, "--format", "csv") == expected  # the overview is no row

    history = ReviewStore.for_workspace(workspace).history()
    workspace.write_tags(empty_frame(TAGS))  # re-tag everything from scratch
    workspace.write_evidence(empty_frame(EVIDENCE))
    again = tag_workspace(workspace, [framework], workers=1)
    assert again.tagged and workspace.read_tags().height == 5
    assert ReviewStore.for_workspace(workspace).history().equals(history)
    assert run("matrix", *common, "--format", "csv") == expected
    data = json.loads(run("matrix", *common, "--format", "json"))
    assert data["rows"][0]["reviewed"] == ["1", "2", "3", "4", "5"]
    assert data["rows"][0]["recheck"] == [] and data["rows"][0]["remark"] == remark

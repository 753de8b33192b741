"""`compare review set` and `remark` refuse a framework that does not apply to the plan's period,
and documents that are not plans (a regional overview, a budget note)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from compare.cli import main
from compare.schema import KIND_OTHER, KIND_OVERVIEW
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace
from tests.excel_workspace import Plan, matrix_csv, write_plans

PLAN = Plan("Albertslund", 2018)
OVERVIEW = Plan("Albertslund", 2018, kind=KIND_OVERVIEW, file_name="oversigt.pdf")
NOTE = Plan("Albertslund", 2018, kind=KIND_OTHER, file_name="budgetnotat.pdf")
SPAN = Plan("Gentofte", 2021, year_to=2022)  # a two-year plan: 2021 and 2022 apply


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    ws = Workspace.open(tmp_path / "ws")
    write_plans(ws, [PLAN, OVERVIEW, NOTE, SPAN])
    return ws


def review(ws: Workspace, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["review", *args, "--reviewer", "Anna", "--workspace", str(ws.root)]
    )
    return result.exit_code, result.output


def test_goals_of_another_year_are_refused(ws: Workspace) -> None:
    code, out = review(
        ws, "set", "--doc", PLAN.doc_id, "--framework", "ministermaal-2022", "--item", "1",
        "--level", "X",
    )  # fmt: skip
    assert code != 0
    assert "ministermaal-2022" in out and "does not apply" in out and "2018" in out, out
    code, out = review(ws, "remark", "--doc", PLAN.doc_id, "--framework", "ministermaal-2022",
                       "--note", "x")  # fmt: skip
    assert code != 0 and "does not apply" in out
    assert not ws.review_db_path.exists() or ReviewStore.for_workspace(ws).history().is_empty()
    assert all(row["year"] != "2018" for row in matrix_csv(ws, "ministermaal-2022"))


@pytest.mark.parametrize("doc", [OVERVIEW, NOTE], ids=["overview", "other"])
def test_a_document_that_is_not_a_plan_is_refused(ws: Workspace, doc: Plan) -> None:
    code, out = review(
        ws, "set", "--doc", doc.doc_id, "--framework", "ministermaal-2018", "--item", "1",
        "--level", "X",
    )  # fmt: skip
    assert code != 0 and "not a plan" in out, out
    assert not ws.review_db_path.exists() or ReviewStore.for_workspace(ws).history().is_empty()


def test_frameworks_that_apply_are_accepted(ws: Workspace) -> None:
    for doc, framework in (
        (PLAN, "ministermaal-2018"),
        (PLAN, "rar-hovedstaden-2018"),  # themes apply to every plan
        (SPAN, "ministermaal-2022"),  # the plan's period holds 2022
    ):
        code, out = review(
            ws, "set", "--doc", doc.doc_id, "--framework", framework, "--item", "1",
            "--level", "(X)",
        )  # fmt: skip
        assert code == 0, out
    assert ReviewStore.for_workspace(ws).history().height == 3

"""The Matrix page keeps what did not change between runs, and sends the table it sent before.

A re-run reuses the matrix view, the styled table and the review queue (`state.remembered`),
and the styled table works out its styles once (`matrix_style.keep_styles`). What the browser
gets must be what the plain Styler gives, and anything written to the workspace must show on
the next run.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.elements.lib.pandas_styler_utils import marshall_styler
from streamlit.proto.ArrowData_pb2 import ArrowData
from streamlit.testing.v1 import AppTest

from compare.review.decisions import record_decision
from compare.ui import state
from compare.ui.matrix_style import keep_styles
from tests.app_support import APP

TIMEOUT = 60
GOAL = "ministermaal-2018::3"


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Råd": ["", "RAR Hovedstaden", "RAR Hovedstaden", None],
            "Kommune": ["I alt", "København", "Gentofte", "Ukendt kommune"],
            "År": [None, 2018, 2018, 2019],
            GOAL: ["2 af 3", "X ✓", "", "(X) ⚠"],
            "I alt": ["", " 3", "0 ", "–"],
        }
    )


def _sent(styler: object) -> tuple[str, pd.DataFrame]:
    """The CSS and the display values Streamlit sends for a Styler."""
    proto = ArrowData()
    marshall_styler(proto, styler, "ignored")  # type: ignore[arg-type]
    shown = pa.ipc.open_stream(proto.styler.display_values).read_all().to_pandas()
    return proto.styler.styles, shown


def _styled(kept: bool) -> object:
    table = _table()
    css = pd.DataFrame("", index=table.index, columns=table.columns, dtype=object)
    css.iloc[1, 3] = "background-color: #92d08f"
    css.iloc[3, 3] = "background-color: #f4b183"
    css.iloc[0, :] = "background-color: #eceff3"
    styler = table.style.apply(lambda _: css, axis=None).set_uuid("matrix")
    return keep_styles(styler) if kept else styler


def test_the_kept_styler_sends_what_the_plain_styler_sends() -> None:
    plain = _sent(_styled(kept=False))
    kept = _styled(kept=True)
    for _ in range(2):  # the second time from what the first one kept
        styles, shown = _sent(kept)
        assert styles == plain[0] and "#92d08f" in styles
        pd.testing.assert_frame_equal(shown, plain[1])


def test_only_ids_of_text_shown_as_it_is_are_left_out() -> None:
    kept = _styled(kept=True)
    kept._compute()  # type: ignore[attr-defined]
    translated = kept._translate(False, False)  # type: ignore[attr-defined]
    with_id = {  # the data cells that keep their "row<r>_col<c>" id
        tuple(int(n) for n in cell["id"].removeprefix("row").split("_col"))
        for row in translated["body"]
        for cell in row
        if cell.get("type") == "td" and "id" in cell
    }
    table = _table()
    assert with_id == {
        (r, c)
        for r in range(len(table))
        for c in range(table.shape[1])
        if not isinstance(table.iat[r, c], str)
    }
    assert with_id  # the year column: numbers and a blank
    assert any("row1_col3" in style["selectors"] for style in translated["cellstyle"])


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.seeds
def test_a_rerun_reuses_the_matrix_and_a_write_rebuilds_it(private_ws) -> None:
    at = _ok(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run())
    at.selectbox(key=state.MATRIX_YEAR).set_value(2018)
    _ok(at.run())
    _ok(at.run())  # the first run of a year puts its first cell in focus after the table
    view = at.session_state[state.MEMO_MATRIX_VIEW][1]
    styled = at.session_state[state.MEMO_MATRIX_STYLED][1]
    queue = at.session_state[state.MEMO_QUEUE][1]
    _ok(at.run())  # nothing changed: the same objects
    assert at.session_state[state.MEMO_MATRIX_VIEW][1] is view
    assert at.session_state[state.MEMO_MATRIX_STYLED][1] is styled
    assert at.session_state[state.MEMO_QUEUE][1] is queue

    table = at.dataframe(key=state.MATRIX_TABLE).value
    row = int(table.index[table["Kommune"] == "København"][0])
    at.session_state[state.MATRIX_TABLE] = {
        "selection": {"rows": [], "columns": [], "cells": [[row, GOAL]]}
    }
    _ok(at.run())  # another cell in focus: a new styled table (its colour), the same view
    assert at.session_state[state.MEMO_MATRIX_VIEW][1] is view
    assert at.session_state[state.MEMO_MATRIX_STYLED][1] is not styled

    before = at.dataframe(key=state.MATRIX_TABLE).value.loc[row, GOAL]
    level = "(X)" if before.startswith("X") else "X"
    doc_id = at.session_state[state.PICK_DOC]
    record_decision(private_ws, doc_id, "ministermaal-2018", "3", level, "", "Kollega")
    _ok(at.run())  # a colleague's decision, written outside the app: shown on the next run
    assert at.session_state[state.MEMO_MATRIX_VIEW][1] is not view
    assert at.dataframe(key=state.MATRIX_TABLE).value.loc[row, GOAL] == f"{level} ✓"

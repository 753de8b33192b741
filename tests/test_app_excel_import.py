"""The Excel panel's import choices: who edited the workbook, and what a conflict does."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from compare.ui import state
from compare.ui.excel_panel import CONFLICT_CHOICES
from tests.app_support import APP

pytestmark = pytest.mark.seeds


def test_the_panel_asks_who_edited_and_what_to_do_on_a_conflict(private_ws) -> None:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.text_input(key=state.REVIEWER).input("Anna").run()
    assert not at.exception, [e.value for e in at.exception]
    choice = at.radio(key=state.EXCEL_ON_CONFLICT)
    assert choice.value == "keep"  # the newer decision stands unless chosen otherwise
    assert list(choice.options) == list(CONFLICT_CHOICES.values())
    editor = at.text_input(key=state.EXCEL_EDITOR)
    assert editor.label == "Rettet af"
    editor.input("Bente").run()
    assert at.session_state[state.EXCEL_EDITOR] == "Bente"  # remembered across reruns
    at.run()
    assert at.text_input(key=state.EXCEL_EDITOR).value == "Bente"

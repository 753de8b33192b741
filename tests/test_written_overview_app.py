"""The Temaoversigt page saves narratives explicitly, and they survive a restart of the app."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from compare.store.narratives import NarrativeStore
from compare.ui import SCRIPTS_DIR, state
from tests.app_support import APP

pytestmark = pytest.mark.seeds
TIMEOUT = 60


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def _overview_2018() -> AppTest:
    at = _ok(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run())
    at.session_state[state.REVIEWER] = "Anna"
    script = str((SCRIPTS_DIR / "overview.py").relative_to(APP.parent))
    _ok(at.switch_page(script).run())
    at.selectbox(key=state.OVERVIEW_FRAMEWORK).set_value("rar-hovedstaden-2018")
    at.selectbox(key=state.OVERVIEW_YEAR).set_value(2018)
    return _ok(at.run())


def test_a_narrative_saved_in_the_app_survives_a_restart(private_ws):
    at = _overview_2018()
    assert at.selectbox(key=state.OVERVIEW_COUNCIL).value == "RAR Hovedstaden"
    assert any("Maskinudkast – ikke gemt" in m.value for m in at.markdown)
    area = next(t for t in at.text_area if t.key.endswith(":16:2018:RAR Hovedstaden"))
    area.input("Flygtningeindsatsen er med i alle planer.")
    _ok(at.run())
    assert any("Ændringer ikke gemt" in m.value or "ikke gemt" in m.value for m in at.markdown)
    save = next(b for b in at.button if b.key == f"{area.key}:save")
    _ok(save.click().run())
    assert any(m.value.startswith(":green[Gemt] af Anna") for m in at.markdown)

    again = _overview_2018()  # a new session: the text comes from the review database
    area = next(t for t in again.text_area if t.key.endswith(":16:2018:RAR Hovedstaden"))
    assert area.value == "Flygtningeindsatsen er med i alle planer."
    row = NarrativeStore.for_workspace(private_ws).current(
        "RAR Hovedstaden", 2018, "rar-hovedstaden-2018", "16"
    )
    assert row is not None and row["reviewer"] == "Anna" and row["draft_text"]


def test_a_per_municipality_row_is_saved_from_the_app(private_ws):
    at = _overview_2018()
    at.selectbox(key=state.OVERVIEW_TABLE_ITEM).set_value("16")
    _ok(at.run())
    key = f"{state.OVERVIEW_TABLE_ITEM}:rar-hovedstaden-2018:16:2018:RAR Hovedstaden:København"
    area = next(t for t in at.text_area if t.key == key)
    assert area.value  # a machine draft from København's passages
    area.input("Indsats for nyankomne flygtninge.")
    _ok(at.run())
    _ok(next(b for b in at.button if b.key == f"{key}:save").click().run())
    assert any(m.value.startswith(":green[Gemt] af Anna") for m in at.markdown)
    row = NarrativeStore.for_workspace(private_ws).current(
        "RAR Hovedstaden", 2018, "rar-hovedstaden-2018", "16", "København"
    )
    assert row is not None and row["text"] == "Indsats for nyankomne flygtninge."


def test_the_word_document_is_built_on_the_overview_page(private_ws):
    at = _overview_2018()
    _ok(next(b for b in at.button if b.key.endswith(":word")).click().run())
    downloads = at.get("download_button")
    labels = [d.proto.label for d in downloads]
    assert "Hent Word-dokument" in labels, labels

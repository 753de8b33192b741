"""A new framework never replaces a file already in the frameworks folder (a colleague's, perhaps
half-edited or holding another id): the Rammer page and `save_framework` refuse instead."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from compare.errors import BadFramework
from compare.frameworks.catalog import (
    FRAMEWORKS_DIR,
    FRAMEWORKS_ENV,
    framework_from_titles,
    save_framework,
)
from compare.ui import SCRIPTS_DIR, state
from tests.app_support import APP

COLLEAGUE = 'id = "kollegas-ramme"\ntitle = "Kollegas"\nkind = "themes"\n'
COLLEAGUE += '[[items]]\nid = "1"\nlabel = "Et tema kollegaen arbejder på"\n'


def test_save_framework_refuses_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "ny-ramme.toml"
    target.write_text(COLLEAGUE, encoding="utf-8")
    fw = framework_from_titles("ny-ramme", "Ny", "themes", None, ["Et tema"])
    with pytest.raises(BadFramework, match="ny-ramme.toml: the file already exists"):
        save_framework(fw, tmp_path)
    assert target.read_text(encoding="utf-8") == COLLEAGUE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ny-ramme.toml"]  # no temporary left
    assert save_framework(fw, tmp_path, overwrite=True) == target  # asked for: replaced
    assert "Et tema" in target.read_text(encoding="utf-8")


@pytest.mark.seeds
def test_the_rammer_page_does_not_overwrite_a_colleagues_file(
    private_ws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "frameworks"
    shutil.copytree(FRAMEWORKS_DIR, folder)
    (folder / "ny-ramme.toml").write_text(COLLEAGUE, encoding="utf-8")  # another id inside
    monkeypatch.setenv(FRAMEWORKS_ENV, str(folder))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page(str((SCRIPTS_DIR / "frameworks.py").relative_to(APP.parent))).run()
    at.text_input(key=state.FW_NEW_ID).input("ny-ramme")
    at.selectbox(key=state.FW_NEW_KIND).set_value("themes")
    at.text_area(key=state.FW_NEW_TITLES).input("Mit eget tema")
    at.button(key=state.FW_NEW_SAVE).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("already exists" in e.value for e in at.error), [e.value for e in at.error]
    assert (folder / "ny-ramme.toml").read_text(encoding="utf-8") == COLLEAGUE

"""An unknown municipality is called unknown; candidates are shown with their real kommunekoder."""

from __future__ import annotations

import re

from click.testing import CliRunner

from compare.cli import main
from compare.registry.lookup import load_registry
from compare.store.workspace import Workspace
from tests.test_tag_commit import store_plans


def test_a_name_like_no_municipality_is_unknown_and_shows_real_codes(
    workspace: Workspace,
) -> None:
    store_plans(workspace, ["a"])
    args = ["review", "set", "--workspace", str(workspace.root), "--municipality", "Atlantis"]
    args += ["--year", "2018", "--framework", "ministermaal-2018", "--item", "1"]
    result = CliRunner().invoke(main, [*args, "--level", "X", "--reviewer", "ane"])
    assert result.exit_code == 1
    assert '"Atlantis" is not a known municipality' in result.output
    codes = re.findall(r"kommunekode (\d{3})", result.output)
    registry = load_registry()
    assert codes and all(registry.by_code(code) for code in codes)
    assert not re.search(r"\(\d{2}\)", result.output)  # no bare similarity scores


def test_a_near_miss_offers_candidates_with_their_codes() -> None:
    message = load_registry().resolve("Herlew").message
    assert message.startswith('"Herlew" could be Herlev (kommunekode 163)')

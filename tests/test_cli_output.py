"""Nothing the CLI prints carries terminal escape sequences from document text or file names."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from compare.cli import main
from compare.cli.base import strip_controls

CLEAR = "\x1b[2J\x1b[H"  # clear the screen, cursor home
TITLE = "\x1b]0;hacked\x07"  # set the window title


def entities(text: str) -> str:
    """Control characters as HTML character references: how they ride in a web page's text."""
    return "".join(f"&#{ord(c)};" if ord(c) < 32 else c for c in text)


PLAN = entities(  # an HTML plan: its text may carry any character, escapes included
    "<html><body><h1>Beskæftigelsesplan 2018 for Københavns Kommune</h1>"
    f"<h2>1 Indledning{CLEAR}</h2>"
    f"<p>Jobcentret vil styrke virksomhedsservice{TITLE} og opkvalificering af ledige.</p>"
    "</body></html>"
)


@pytest.mark.parametrize(
    "text,clean",
    [
        (f"a{CLEAR}b", "ab"),
        (f"a{TITLE}b", "ab"),
        ("a\x1b]2;x\x1b\\b", "ab"),
        ("a\x07\x08\rb\n\tc", "ab\n\tc"),
        ("fil\u202etxt.exe", "filtxt.exe"),
        ("Kgbenhavn – “mål” æøå", "Kgbenhavn – “mål” æøå"),
    ],
)
def test_strip_controls(text: str, clean: str) -> None:
    assert strip_controls(text) == clean


def test_documents_search_and_ingest_lines_carry_no_escape_sequences(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / f"plan{TITLE}.html").write_text(PLAN, encoding="utf-8")
    ws = ["--workspace", str(tmp_path / "ws")]
    runner = CliRunner()
    outputs = []
    for args in (
        ["ingest", str(plans), *ws],
        ["documents", *ws],
        ["search", "virksomhedsservice", *ws],
        ["search", "indledning", *ws],
    ):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    assert "plan" in outputs[0] and "virksomhedsservice" in outputs[2].lower()
    for output in outputs:
        assert "\x1b" not in output and "\x07" not in output, repr(output)

"""On a terminal, long commands show what they are doing: a bar for ingest and one for tagging."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs a pty")

COMPARE = Path(sys.executable).with_name("compare")
PLAN = """Beskæftigelsesplan 2018 for Roskilde Kommune, bilag {n}

1. Indledning

Jobcentret vil hjælpe flere ledige i job gennem virksomhedspraktik og løntilskud.

2. Unge

Flere unge skal have en uddannelse, og jobcentret samarbejder med erhvervsskolerne.
"""


def _plans(folder: Path, count: int) -> Path:
    folder.mkdir()
    for n in range(count):
        (folder / f"plan{n}.txt").write_text(PLAN.format(n=n), encoding="utf-8")
    return folder


def _on_terminal(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run `compare ARGS` with its stderr on a pseudo-terminal: (exit code, terminal, stdout)."""
    import pty

    master, slave = pty.openpty()
    env = dict(os.environ, TERM="xterm", COLUMNS="120")
    process = subprocess.Popen(
        [str(COMPARE), *args], cwd=cwd, stdout=subprocess.PIPE, stderr=slave, env=env
    )
    os.close(slave)
    shown = b""
    while True:
        ready, _, _ = select.select([master], [], [], 120)
        if not ready:
            process.kill()
            pytest.fail("the command printed nothing for two minutes")
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed: the command has ended
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert process.stdout is not None
    return process.wait(), shown.decode("utf-8", "replace"), process.stdout.read().decode()


def test_tag_of_a_folder_shows_an_ingest_bar_then_a_tagging_bar(tmp_path: Path) -> None:
    _plans(tmp_path / "plans", 6)
    args = ["tag", "plans", "--workspace", "ws", "--workers", "1"]
    code, terminal, stdout = _on_terminal(args, tmp_path)
    assert code == 0, terminal
    assert "Ingesting" in terminal and "Tagging" in terminal
    assert terminal.index("Ingesting") < terminal.index("Tagging")
    assert stdout.count("added: plan") == 6  # the lines a script reads stay on stdout


def test_ingest_shows_a_bar_and_a_handful_of_files_none(tmp_path: Path) -> None:
    _plans(tmp_path / "plans", 6)
    code, terminal, _ = _on_terminal(["ingest", "plans", "--workspace", "ws"], tmp_path)
    assert code == 0 and "Ingesting" in terminal
    (tmp_path / "few").mkdir()
    (tmp_path / "few" / "one.txt").write_text(PLAN.format(n=9), encoding="utf-8")
    code, terminal, _ = _on_terminal(["tag", "few", "--workspace", "ws2"], tmp_path)
    assert code == 0 and "Ingesting" not in terminal  # a bar for one file is noise

"""Benchmark: zip bombs refused — time and peak memory of the process that refuses them.

Builds the bombs of issue 11 (items 12 and 13) with `tests/bombs.py`: a DOCX whose
word/document.xml inflates to 1 GB, and an exported workbook whose matrix sheet holds 20 M extra
cells; plus a workbook with one cell at B200001 (caught by the sheet scan, not the zip guard) and
the unedited export for comparison. Each is handed to the real command (`compare ingest`,
`compare import-review`) in a fresh Python process that reports its own peak RSS
(`resource.getrusage`). Target: refused in under 10 s and under 1 GB.

    .venv/bin/python benchmarks/bench_bombs.py [--docx-mb 1024] [--cells 20000000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import machine  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from compare.excel import export_workbook  # noqa: E402
from compare.store.workspace import Workspace  # noqa: E402
from tests.bombs import docx_bomb, sheet_part, xlsx_bomb  # noqa: E402
from tests.excel_workspace import GOALS, matrix_sheet, standard_plans, write_plans  # noqa: E402

MB = 1 << 20
CELL_BYTES = len(b"<c><v>1</v></c>")  # the padding cells of `xlsx_bomb`, 64 to a row
ROW_BYTES = 64 * CELL_BYTES + len(b"<row></row>")

CHILD = textwrap.dedent(
    """
    import resource, sys
    from compare.cli import main
    try:
        main(sys.argv[1:], standalone_mode=False)
        code = 0
    except SystemExit as exit:
        code = exit.code
    except Exception as err:
        print(err)
        code = 1
    print("peak", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "exit", code)
    """
)


def run(args: list[str]) -> tuple[float, int, str]:
    """Run `compare ARGS` in a fresh process: seconds, peak RSS in bytes, last output line."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args], capture_output=True, text=True, env=env
    )
    seconds = time.perf_counter() - start
    lines = (done.stdout + done.stderr).strip().splitlines()
    peak = next(int(line.split()[1]) for line in reversed(lines) if line.startswith("peak"))
    message = next((line for line in lines if "refused" in line or "error" in line), lines[0])
    return seconds, peak, message


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docx-mb", type=int, default=1024, help="document.xml inflated size")
    parser.add_argument("--cells", type=int, default=20_000_000, help="extra cells in the sheet")
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        ws = Workspace.open(tmp / "ws")
        write_plans(ws, standard_plans())
        export = export_workbook(ws, tmp / "eksport.xlsx")
        part = sheet_part(export, matrix_sheet(load_workbook(export), GOALS).title)

        docx = tmp / "bombe.docx"
        docx.write_bytes(docx_bomb(args.docx_mb * MB))
        xlsx = tmp / "bombe.xlsx"
        xlsx.write_bytes(xlsx_bomb(export.read_bytes(), part, args.cells // 64 * ROW_BYTES))
        book = load_workbook(export)
        matrix_sheet(book, GOALS).cell(200_001, 2).value = "X"
        far = tmp / "langt.xlsx"
        book.save(far)

        review = ["--reviewer", "Bench", "--dry-run", "--workspace", str(ws.root)]
        cases = [
            (f"DOCX, document.xml → {args.docx_mb:,} MB", docx, ["ingest", str(docx),
             "--workspace", str(tmp / "ingest")]),
            (f"XLSX, +{args.cells / 1e6:.0f} M cells", xlsx, ["import-review", str(xlsx), *review]),
            ("XLSX, one cell at B200001", far, ["import-review", str(far), *review]),
            ("XLSX, the unedited export (for comparison)", export,
             ["import-review", str(export), *review]),
        ]  # fmt: skip
        print(f"{'file':44} {'size':>9} {'time':>7} {'peak RSS':>9}  outcome")
        for label, path, command in cases:
            seconds, peak, message = run(command)
            size = path.stat().st_size / MB
            print(f"{label:44} {size:7.2f} MB {seconds:6.2f}s {peak / MB:6.0f} MB  {message[:90]}")


if __name__ == "__main__":
    main()

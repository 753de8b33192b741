"""`scan_sheet`: one streaming pass over a worksheet's XML before openpyxl reads its cells.

openpyxl's read-only mode streams rows, but parses a whole row at a time, reads neither merged
ranges nor whether a formula has a saved value. This pass reads the sheet XML element by element
(clearing each, so memory stays flat) and stops at the first cell outside the limits, so a sheet
of millions of cells, or one cell at XFD1048576, is refused in milliseconds.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import iterparse

from openpyxl.utils.cell import column_index_from_string, get_column_letter

from compare.errors import ExportError

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


@dataclass(frozen=True)
class SheetLimits:
    """How large a sheet may be to be read: an export's sheets are far smaller."""

    max_rows: int = 100_000
    max_columns: int = 200
    max_cells: int = 2_000_000


@dataclass
class SheetScan:
    """What the pass found: the used extent, merged ranges, formulas without a saved value."""

    max_row: int = 0
    max_column: int = 0
    cells: int = 0
    merged: list[str] = field(default_factory=list)
    unsaved_formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col): =…


def scan_sheet(
    archive: zipfile.ZipFile, part: str, title: str, limits: SheetLimits = SheetLimits()
) -> SheetScan:
    """Scan the sheet stored at `part` of `archive`; ExportError when it exceeds `limits`."""
    scan = SheetScan()
    row = col = 0
    with archive.open(part) as stream:
        for event, element in iterparse(stream, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == f"{_NS}row":  # a row's number is needed before its cells
                    number = element.get("r")
                    row = int(number) if number and number.isdigit() else row + 1
                    col = 0
                continue
            if tag == f"{_NS}c":
                ref = _REF.match(element.get("r") or "")
                if ref:
                    col = column_index_from_string(ref.group(1))
                    row = int(ref.group(2))
                else:  # references are optional: a cell without one follows the previous
                    col += 1
                scan.cells += 1
                scan.max_row, scan.max_column = max(scan.max_row, row), max(scan.max_column, col)
                if row > limits.max_rows or col > limits.max_columns:
                    raise ExportError(
                        _too_large(title, f"a cell at {get_column_letter(col)}{row}", limits)
                    )
                if scan.cells > limits.max_cells:
                    raise ExportError(_too_large(title, f"over {limits.max_cells:,} cells", limits))
                formula, value = element.find(f"{_NS}f"), element.find(f"{_NS}v")
                if formula is not None and (value is None or not (value.text or "").strip()):
                    scan.unsaved_formulas[(row, col)] = f"={formula.text or ''}"
                element.clear()
            elif tag == f"{_NS}row":
                element.clear()
            elif tag == f"{_NS}mergeCell":
                scan.merged.append(element.get("ref") or "")
    return scan


def _too_large(title: str, what: str, limits: SheetLimits) -> str:
    return (
        f"sheet {title!r} is too large to be an exported matrix ({what}; at most "
        f"{limits.max_rows:,} rows × {limits.max_columns} columns are read): "
        "the workbook is refused"
    )


def range_cells(ref: str) -> list[tuple[int, int]]:
    """The (row, column) pairs of a range reference such as `B7:C8` (or one cell, `B7`)."""
    corners = []
    for part in ref.replace("$", "").split(":"):
        match = _REF.match(part)
        if match is None:
            return []
        corners.append((column_index_from_string(match.group(1)), int(match.group(2))))
    (c1, r1), (c2, r2) = corners[0], corners[-1]
    return [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]

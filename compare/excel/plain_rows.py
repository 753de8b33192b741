"""Table rows kept as values instead of openpyxl cells, written straight to the file.

The export's big tables (Evidence, the hidden baseline, Documents, the overviews) are tens of
thousands of cells of plain text and numbers in a few looks. An openpyxl cell costs an object,
a style array and a dictionary entry to build, and a walk over its attributes to write. Here a
row is kept as its values, one look (a style array) per column and its height; `save_xlsx`
formats it as the XML openpyxl would write for the cells that `materialize` makes of it, bytes
for bytes (`tests/test_xlsx_writer.py` and `tests/test_export_plain_rows.py` compare the two).

Such rows exist only in the saved file: `sheet.cell(r, c)` on a workbook in memory does not see
them. `materialize` turns them into ordinary cells (what `Workbook.save` needs; `save_xlsx`
does it itself where it falls back on `Workbook.save`, or where a sheet also has cells of its own
in a plain row's place).
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from compare.excel.safe import write_value

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.worksheet.worksheet import Worksheet

# Values a plain row may hold: exactly these types (a subclass, a date, anything else: the row
# is made of openpyxl cells, as before).
PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})


@dataclass(frozen=True)
class PlainRow:
    """One sheet row: cell values from column 1 on, each column's look (None: no style), and the
    row height in points (None: the default)."""

    r: int
    values: Sequence[Any]
    looks: Sequence[StyleArray | None]
    height: float | None


_ROWS: weakref.WeakKeyDictionary[Worksheet, dict[int, PlainRow]] = weakref.WeakKeyDictionary()


def is_plain(values: Sequence[Any]) -> bool:
    """True when every value is of a type a plain row holds (`PLAIN_TYPES`)."""
    return all(type(value) in PLAIN_TYPES for value in values)


def add_row(sheet: Worksheet, row: PlainRow) -> None:
    """Keep `row` for `sheet` (the values are written by `save_xlsx` as `write_value` would set
    them on cells of the row's looks). A row of the same number replaces the one kept before.
    Raises ValueError for a value not of `PLAIN_TYPES` or a look missing for a value."""
    if not is_plain(row.values) or len(row.looks) != len(row.values):
        raise ValueError(f"row {row.r}: only text, numbers and None, with a look per value")
    _ROWS.setdefault(sheet, {})[row.r] = row
    sheet._current_row = max(sheet._current_row, row.r)  # as adding its cells would


def rows_of(sheet: Worksheet) -> dict[int, PlainRow]:
    """The plain rows kept for `sheet`, by row number (empty when it has none)."""
    return _ROWS.get(sheet, {})


def materialize_sheet(sheet: Worksheet) -> None:
    """Turn the sheet's plain rows into openpyxl cells and row heights: the cells that
    `write_value` on cells of each column's look gives (what `sheets._table` made before)."""
    from openpyxl.cell.cell import Cell

    for row in sorted(_ROWS.pop(sheet, {}).values(), key=lambda row: row.r):
        r = row.r
        for col, (value, look) in enumerate(zip(row.values, row.looks, strict=True), 1):
            cell = Cell(sheet, row=r, column=col, style_array=look)  # a copy of the look
            sheet._cells[(r, col)] = cell
            write_value(cell, value)
        sheet._current_row = max(sheet._current_row, r)
        if row.height is not None:
            sheet.row_dimensions[r].height = row.height


def materialize(workbook: Workbook) -> Workbook:
    """Every sheet's plain rows as openpyxl cells (see `materialize_sheet`); returns `workbook`."""
    for sheet in workbook.worksheets:
        materialize_sheet(sheet)
    return workbook

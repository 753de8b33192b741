"""A framework sheet whose cell is a formula without a saved value is named as such."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from compare.errors import BadFramework
from compare.frameworks.catalog import load_framework

HEADER = ["framework", "kind", "item", "label"]


def write_sheet(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    for row in [HEADER, *rows]:
        sheet.append(row)
    book.save(path)  # openpyxl stores formulas without a computed value, as a script would
    return path


def test_a_label_that_is_a_formula_is_named_a_formula(tmp_path: Path) -> None:
    path = write_sheet(
        tmp_path / "temaer.xlsx",
        [
            ["temaer", "themes", "1", "Flere unge i uddannelse"],
            ["temaer", "themes", "2", '=D2&" og job"'],
        ],
    )
    with pytest.raises(BadFramework) as caught:
        load_framework(path)
    message = str(caught.value)
    assert message.startswith("temaer.xlsx, line 3: cell D3 (label) is a formula")
    assert '=D2&" og job"' in message and "missing label" not in message


def test_a_sheet_of_plain_values_still_loads(tmp_path: Path) -> None:
    path = write_sheet(
        tmp_path / "temaer.xlsx", [["temaer", "themes", "1", "Flere unge i uddannelse"]]
    )
    assert [item.label for item in load_framework(path).items] == ["Flere unge i uddannelse"]

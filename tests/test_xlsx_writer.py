"""The export's faster ways of writing cells give the workbook openpyxl's own API gives.

`save_xlsx` formats plain cells as text instead of through lxml, and writes the plain rows that
`_table` and the baseline sheet keep as values (`compare.excel.plain_rows`) without making
openpyxl cells of them; `write_text`, `write_value` and `styles.set_look` set cells' values and
style indexes directly instead of through openpyxl's setters. Each is compared here with the
openpyxl way, part by part of the saved file (every part but the timestamps of
docProps/core.xml) or cell by cell; `Workbook.save` writes the plain rows as the cells that
`materialize` makes of them.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.comments import Comment
from openpyxl.worksheet.hyperlink import Hyperlink

from compare.excel import styles
from compare.excel.plain_rows import PLAIN_TYPES, materialize, rows_of
from compare.excel.safe import clean_text, needs_quote_prefix, write_text, write_value
from compare.excel.sheets import _table
from compare.excel.workbook import workspace_workbook
from compare.excel.xlsx_writer import save_xlsx
from compare.review.decisions import record_decision
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace
from tests.excel_workspace import GOALS, INJECTION_QUOTES, standard_plans, write_plans

TRICKY_TEXT = [
    "æøå “citat” – tankestreg … € 😀",
    "linje 1\r\nlinje 2\ttab",
    "&<>\"' og &amp; som tekst",
    " foran",
    "bagved ",
    "\x85 NEL foran",
    "\u2028 linjeseparator",
    "\ufffd erstatning",
    "=SUM(A1:A3)",
    "+45 12 34 56 78",
    "#N/A",
    "x" * 40_000,
    "kontrol\x01tegn\x1f",
    *INJECTION_QUOTES,
]
VALUES: list[Any] = [
    *TRICKY_TEXT,
    0,
    -3,
    2**53 + 1,
    2.5,
    1e-7,
    1e20,
    float("nan"),
    True,
    False,
    date(2018, 1, 1),
    datetime(2024, 3, 1, 12, 30, 15),
    date(1900, 2, 28),
    None,
    "",
]


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _saved(workbook: Workbook, fast: bool) -> dict[str, bytes]:
    """The parts of `workbook` as `save_xlsx` (fast) or `Workbook.save` writes it (its plain
    rows made openpyxl cells first)."""
    out = io.BytesIO()
    save_xlsx(workbook, out) if fast else materialize(workbook).save(out)
    return _parts(out.getvalue())


def _assert_same_file(build: Callable[[], Workbook]) -> None:
    # Two workbooks built alike: openpyxl changes a workbook a little when saving it.
    theirs, ours = _saved(build(), fast=False), _saved(build(), fast=True)
    assert list(ours) == list(theirs)
    for name in theirs:
        if name != "docProps/core.xml":  # creation and modification times
            assert ours[name] == theirs[name], name


def _tricky_workbook() -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    for r, value in enumerate(VALUES, 1):
        write_value(sheet.cell(r, 1), value)
        sheet.cell(r, 2).value = value if not isinstance(value, str) else clean_text(value)
        styles.apply(sheet.cell(r, 3), "Brødtekst ombrudt")  # styled, empty
    sheet.cell(2, 4).value = "=SUM(B1:B3)"  # a formula: its row goes through openpyxl
    sheet.cell(3, 4).value = CellRichText(["fed ", TextBlock(InlineFont(b=True), "tekst")])
    sheet.cell(4, 4).comment = Comment("en kommentar", "compare")  # on an empty cell
    write_text(sheet.cell(5, 4), "X").comment = Comment("„citat“ — s. 3", "compare")
    link = write_text(sheet.cell(6, 4), "(X)")
    link.hyperlink = Hyperlink(ref=link.coordinate, location="'Evidens'!A7")
    dated = sheet.cell(7, 4)
    dated.value = datetime(2024, 5, 2, 8, 0)
    dated.hyperlink = Hyperlink(ref=dated.coordinate, location="'Evidens'!A8")
    sheet.row_dimensions[2].height = 31.5
    sheet.row_dimensions[9].hidden = True
    sheet.row_dimensions[40].height = 20  # a styled row without cells
    sheet.merge_cells("E1:G1")
    sheet.freeze_panes = "B2"
    second = workbook.create_sheet("Tom")  # no cells at all
    second.column_dimensions["A"].width = 30
    return workbook


def test_tricky_cells_are_written_as_openpyxl_writes_them() -> None:
    _assert_same_file(_tricky_workbook)


def test_the_export_is_written_as_openpyxl_writes_it(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws")
    plans = standard_plans()
    write_plans(ws, plans)
    record_decision(ws, plans[0].doc_id, GOALS, "3", "X", "tjekket i planen", "Bente")
    ReviewStore.for_workspace(ws).set_remark(plans[0].doc_id, GOALS, "Sygedagpenge", "Bente")
    assert len(workspace_workbook(ws, today=date(2024, 5, 2)).worksheets) >= 5
    _assert_same_file(lambda: workspace_workbook(ws, today=date(2024, 5, 2)))


def _by_setter(cell: Any, value: Any) -> None:
    """The way `write_value` wrote cells before: through openpyxl's value setter."""
    if isinstance(value, bool):
        value = "ja" if value else "nej"
    if isinstance(value, int | float | date | datetime) and not isinstance(value, bool):
        cell.value = value
        return
    text = clean_text(value)
    if not text:
        cell.value = None
        return
    cell.value = text
    cell.data_type = "s"
    if needs_quote_prefix(text):
        cell.quotePrefix = True


@pytest.mark.parametrize("value", VALUES, ids=lambda v: repr(v)[:30])
def test_write_value_sets_the_cell_as_the_value_setter_does(value: Any) -> None:
    ours, theirs = Workbook().active, Workbook().active
    for sheet in (ours, theirs):  # on a plain and on a styled cell
        styles.apply(sheet.cell(2, 1), "Brødtekst centreret")
    for row in (1, 2):
        write_value(ours.cell(row, 1), value)
        _by_setter(theirs.cell(row, 1), value)
        a, b = ours.cell(row, 1), theirs.cell(row, 1)
        assert (a._value, a.data_type, a.number_format) == (b._value, b.data_type, b.number_format)
        assert a._style == b._style


def test_set_look_gives_the_style_that_assigning_each_part_gives() -> None:
    rng = random.Random(13)
    fonts = [styles.HEADER_FONT, styles.NAME_FONT, styles.BODY_FONT, styles.NO_PLAN_FONT, None]
    fills = [styles.GROUP_FILL, styles.TOTAL_FILL, styles.NO_PLAN_FILL, None]
    borders = [styles.GRID, styles.REVIEWED_BORDER, None]
    alignments = [styles.CENTRED, styles.WRAP_TOP, styles.NAME_ALIGN, None]
    ours, theirs = Workbook(), Workbook()
    for n in range(300):
        look = rng.choice(fonts), rng.choice(fills), rng.choice(borders), rng.choice(alignments)
        r, c = n // 7 + 1, n % 7 + 1
        styles.set_look(ours.active.cell(r, c), *look)
        cell = theirs.active.cell(r, c)
        for attribute, part in zip(("font", "fill", "border", "alignment"), look, strict=True):
            if part is not None:
                setattr(cell, attribute, part)
        assert ours.active.cell(r, c)._style == cell._style
    a, b = _saved(ours, fast=False), _saved(theirs, fast=False)
    assert a["xl/styles.xml"] == b["xl/styles.xml"]
    assert a["xl/worksheets/sheet1.xml"] == b["xl/worksheets/sheet1.xml"]


@pytest.mark.parametrize("dated", [True, False], ids=["cells", "plain rows"])
def test_table_writes_the_cells_that_named_styles_and_the_value_setter_give(dated: bool) -> None:
    # With a date in every row `_table` makes openpyxl cells; without, it keeps plain rows
    # (`materialize` makes them cells for `Workbook.save`, `save_xlsx` writes them as text).
    columns = (("Tekst", 30.0), ("Tal", 8.0), ("Dato", 12.0), ("Midt", 6.0), ("Note", 20.0))
    rows = [
        [
            VALUES[i % len(VALUES)],
            i,
            date(2018, 1, 1 + i % 28) if dated else VALUES[(i * 5) % len(VALUES)],
            "X" if i % 2 else "",
            None if dated else VALUES[(i * 3) % len(VALUES)],
        ]
        for i in range(60)
    ]
    if not dated:
        rows = [r for r in rows if all(type(v) in PLAIN_TYPES for v in r)]
    ours, theirs = Workbook(), Workbook()
    last = _table(ours.active, columns, rows, wrap=("Tekst", "Note"), centre=("Midt",))
    assert bool(rows_of(ours.active)) != dated
    # The same table the way `_table` wrote it before: named style by name, value by setter.
    sheet = theirs.active
    for col, (name, width) in enumerate(columns, 1):
        styles.style_header(write_text(sheet.cell(1, col), name))
        sheet.column_dimensions[chr(64 + col)].width = width
    looks = ["Brødtekst ombrudt", "Brødtekst", "Brødtekst", "Brødtekst centreret"]
    looks.append("Brødtekst ombrudt")
    for look in dict.fromkeys(looks):  # in the order `_table` adds them
        styles.style_array(theirs, look)  # the named style added to the workbook
    for r, values in enumerate(rows, 2):
        for col, value in enumerate(values, 1):
            cell = sheet.cell(r, col)
            cell.style = looks[col - 1]
            _by_setter(cell, value)
        texts = [(str(values[0] or ""), 30.0), (str(values[4] or ""), 20.0)]
        sheet.row_dimensions[r].height = styles.row_height(texts, maximum=8 * 13.0)
    assert last == len(rows) + 1
    again = Workbook()
    _table(again.active, columns, rows, wrap=("Tekst", "Note"), centre=("Midt",))
    a, b = _saved(ours, fast=False), _saved(theirs, fast=False)
    c = _saved(again, fast=True)
    for part in ("xl/styles.xml", "xl/worksheets/sheet1.xml"):
        assert a[part] == b[part] == c[part], part


@pytest.mark.parametrize(
    ("text", "width"),
    [("", 10), ("kort", 10), ("præcis tolv", 11), ("et ord mere end linjen har plads til", 8)],
)
def test_wrapped_lines_of_a_short_paragraph_is_one(text: str, width: float) -> None:
    # The shortcut for a paragraph that fits agrees with wrapping it word by word.
    per_line = max(int(width * styles.CHARS_PER_UNIT) - 1, 4)
    words, lines, length = text.split(), 1, 0
    for word in words:
        needed = len(word) if length == 0 else length + 1 + len(word)
        if needed > per_line and length > 0:
            lines += 1 + (len(word) - 1) // per_line
            length = len(word) % per_line or per_line
        else:
            length = needed
    assert styles.wrapped_lines(text, width) == lines


@pytest.mark.parametrize("value", ["20", "1", 'a&b<c>d"e', "linje\nto\rtre\tfire", "æ ø"])
def test_attribute_values_are_escaped_as_lxml_escapes_them(value: str) -> None:
    from lxml import etree

    from compare.excel.xlsx_writer import _attribute

    written = etree.tostring(etree.Element("x", v=value)).decode("ascii")
    ours = f'<x v="{_attribute(value)}"/>'.encode("ascii", "xmlcharrefreplace").decode("ascii")
    assert ours == written


def test_row_height_with_lines_counted_up_to_the_cap_is_the_full_count_height() -> None:
    # `row_height` stops counting a text's lines where the row reaches its maximum height.
    rng = random.Random(7)
    words = ["kort", "mellemlangt", "virksomhedspraktikforløb", "x" * 70, "og", "\n", "\n\n"]

    def full(texts: list[tuple[str, float]], minimum: float, maximum: float) -> float:
        lines = max(styles.wrapped_lines.__wrapped__(t, w) for t, w in texts)
        return min(max(minimum, lines * styles.POINTS_PER_LINE + 3), maximum)

    for _ in range(400):
        texts = [
            (" ".join(rng.choice(words) for _ in range(rng.randint(0, 120))), rng.choice(widths))
            for widths in [(5.0, 14.0, 28.0, 50.0, 60.0)]
            for _ in range(rng.randint(1, 4))
        ]
        minimum, maximum = rng.choice([(15.0, 104.0), (18.0, 120.0), (15.0, 409.0), (16.0, 16.0)])
        assert styles.row_height(texts, minimum, maximum) == full(texts, minimum, maximum)

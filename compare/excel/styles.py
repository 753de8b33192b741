"""The look of the workbook: fills per level, reviewed-cell marking, header and title styles.

Colours are light so a black-and-white print stays readable; the level itself is always written
as text (`X`, `(X)`), so nothing depends on colour alone. A cell an analyst has reviewed is bold,
framed and one shade darker than the tagger's suggestion.

Cells that many of get the same look (matrix levels, evidence rows, headers) take a *named
style* (`apply`): one assignment per cell instead of four, and the workbook lists each look once
(Excel shows them under Cell Styles, named in Danish).
"""

from __future__ import annotations

import math
import weakref
from copy import copy
from functools import lru_cache

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray

from compare.schema import LEVEL_ADDRESSED, LEVEL_TARGET

FONT_NAME = "Calibri"

TITLE_FONT = Font(name=FONT_NAME, size=14, bold=True)
SUBTITLE_FONT = Font(name=FONT_NAME, size=10, italic=True, color="404040")
HEADER_FONT = Font(name=FONT_NAME, size=10, bold=True)
NARROW_HEADER_FONT = Font(name=FONT_NAME, size=9)  # many narrow columns: long Danish compounds
BODY_FONT = Font(name=FONT_NAME, size=10)
NAME_FONT = Font(name=FONT_NAME, size=10, bold=True)
LEVEL_FONT = Font(name=FONT_NAME, size=11)
REVIEWED_FONT = Font(name=FONT_NAME, size=11, bold=True)
NO_PLAN_FONT = Font(name=FONT_NAME, size=10, italic=True, color="595959")
LINK_FONT = Font(name=FONT_NAME, size=10, color="0563C1", underline="single")

HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
GROUP_FILL = PatternFill("solid", fgColor="B4C6E7")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
NO_PLAN_FILL = PatternFill("solid", fgColor="EDEDED")
LEVEL_FILLS = {
    LEVEL_TARGET: PatternFill("solid", fgColor="C6EFCE"),
    LEVEL_ADDRESSED: PatternFill("solid", fgColor="FFF2CC"),
}
REVIEWED_FILLS = {
    LEVEL_TARGET: PatternFill("solid", fgColor="92D08F"),
    LEVEL_ADDRESSED: PatternFill("solid", fgColor="FFD966"),
}
NO_FILL = PatternFill(fill_type=None)

_THIN = Side(style="thin", color="A6A6A6")
_REVIEWED_SIDE = Side(style="medium", color="000000")
GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
REVIEWED_BORDER = Border(
    left=_REVIEWED_SIDE, right=_REVIEWED_SIDE, top=_REVIEWED_SIDE, bottom=_REVIEWED_SIDE
)

CENTRED = Alignment(horizontal="center", vertical="center")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTRED = Alignment(wrap_text=True, horizontal="center", vertical="center")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="top", horizontal="left")
NAME_ALIGN = Alignment(vertical="center")
TOP = Alignment(vertical="top")
TOP_CENTRED = Alignment(vertical="top", horizontal="center")

POINTS_PER_LINE = 13.0  # row height per wrapped line of 10 pt text
# Characters of 10 pt text per unit of column width (the width of a '0' in 11 pt Calibri);
# bold headers fit fewer.
CHARS_PER_UNIT = 1.15
BOLD_CHARS_PER_UNIT = 1.0
NARROW_CHARS_PER_UNIT = 1.25


_LEVEL_NAMES = {LEVEL_TARGET: "X", LEVEL_ADDRESSED: "(X)"}


def _looks() -> dict[str, tuple[Font, PatternFill, Border | None, Alignment]]:
    """Every named style: (font, fill, border, alignment) by its name in the workbook."""
    looks: dict[str, tuple[Font, PatternFill, Border | None, Alignment]] = {
        "Kolonneoverskrift": (HEADER_FONT, HEADER_FILL, GRID, HEADER_ALIGN),
        "Brødtekst": (BODY_FONT, NO_FILL, None, TOP),
        "Brødtekst ombrudt": (BODY_FONT, NO_FILL, None, WRAP_TOP),
        "Brødtekst centreret": (BODY_FONT, NO_FILL, None, TOP_CENTRED),
    }
    for level in (LEVEL_TARGET, LEVEL_ADDRESSED, None):
        for reviewed in (False, True):
            for has_plan in (True, False):
                fills = REVIEWED_FILLS if reviewed else LEVEL_FILLS
                fill = fills.get(level or "", NO_FILL) if has_plan else NO_PLAN_FILL
                font = REVIEWED_FONT if reviewed else LEVEL_FONT
                border = REVIEWED_BORDER if reviewed else GRID
                looks[_level_style(level, reviewed, has_plan)] = (font, fill, border, CENTRED)
    return looks


def _level_style(level: str | None, reviewed: bool, has_plan: bool) -> str:
    name = f"Niveau {_LEVEL_NAMES.get(level or '', 'tom')}"
    return name + (" gennemset" if reviewed else "") + ("" if has_plan else " uden plan")


_LOOKS = _looks()


# Per workbook, the style array each named style gives a cell: copied onto each cell, so a
# cell costs one small copy instead of openpyxl's name lookups (what `cell.style = name` does).
_ARRAYS: weakref.WeakKeyDictionary[Workbook, dict[str, StyleArray]] = weakref.WeakKeyDictionary()


def style_array(workbook: Workbook, name: str) -> StyleArray:
    """The style array a cell of the named style has in `workbook` (the style is added to the
    workbook on first use): what `cell.style = name` gives a cell, looked up once."""
    arrays = _ARRAYS.setdefault(workbook, {})
    array = arrays.get(name)
    if array is None:
        if name not in workbook.named_styles:
            font, fill, border, alignment = _LOOKS[name]
            style = NamedStyle(
                name=name, font=copy(font), fill=copy(fill), alignment=copy(alignment)
            )
            if border is not None:
                style.border = copy(border)
            workbook.add_named_style(style)
        array = arrays[name] = copy(workbook._named_styles[name].as_tuple())
    return array


# Per workbook, the index of each font, fill, border and alignment object in the workbook's
# lists: openpyxl finds it by comparing style objects field by field on every assignment.
_INDEXES: weakref.WeakKeyDictionary[Workbook, dict[tuple[str, int], tuple[object, int]]] = (
    weakref.WeakKeyDictionary()
)
_PARTS = {
    "font": ("_fonts", "fontId"),
    "fill": ("_fills", "fillId"),
    "border": ("_borders", "borderId"),
    "alignment": ("_alignments", "alignmentId"),
}


def set_look(
    cell: Cell,
    font: Font | None = None,
    fill: PatternFill | None = None,
    border: Border | None = None,
    alignment: Alignment | None = None,
) -> Cell:
    """Set the given parts of a cell's style: what `cell.font = font` (and fill, border,
    alignment) does, with each object's place in the workbook looked up once per workbook."""
    workbook = cell.parent.parent
    known = _INDEXES.setdefault(workbook, {})
    if cell._style is None:
        cell._style = StyleArray()
    parts = (("font", font), ("fill", fill), ("border", border), ("alignment", alignment))
    for part, value in parts:
        if value is None:
            continue
        entry = known.get((part, id(value)))
        if entry is None or entry[0] is not value:
            collection, _ = _PARTS[part]
            entry = known[(part, id(value))] = (value, getattr(workbook, collection).add(value))
        setattr(cell._style, _PARTS[part][1], entry[1])
    return cell


def set_banner_look(cell: Cell, fill: PatternFill) -> Cell:
    """A matrix sheet's centred bold banner cell on `fill`: totals rows and item groups."""
    return set_look(cell, font=HEADER_FONT, fill=fill, border=GRID, alignment=CENTRED)


def apply(cell: Cell, name: str) -> Cell:
    """Give a cell one of the named styles, adding it to the cell's workbook on first use."""
    number_format = cell.number_format if cell.has_style else "General"
    cell._style = StyleArray(style_array(cell.parent.parent, name))
    if number_format != "General":  # a date's format, set with its value, stays
        cell.number_format = number_format
    return cell


def style_level(cell: Cell, level: str, reviewed: bool, has_plan: bool = True) -> None:
    """Centre a matrix cell and give it its level's fill; a reviewed cell is bold and framed.

    A row without a plan is greyed whatever its level.
    """
    apply(cell, _level_style(level if level in LEVEL_FILLS else None, reviewed, has_plan))


def style_header(cell: Cell) -> Cell:
    """A column header: bold, shaded, wrapped, framed."""
    return apply(cell, "Kolonneoverskrift")


@lru_cache(maxsize=8192)  # item labels and headings repeat on every row of the Evidence sheet
def wrapped_lines(
    text: str, width: float, chars_per_unit: float = CHARS_PER_UNIT, limit: int | None = None
) -> int:
    """How many lines `text` takes wrapped in a column `width` units wide (an estimate); with
    `limit`, the count stops there (min(lines, limit)): a long quote in a row of capped height
    need not be wrapped to its end."""
    per_line = max(int(width * chars_per_unit) - 1, 4)
    lines = 0
    for paragraph in (text or "").split("\n"):
        lines += 1
        if limit is not None and lines >= limit:
            return limit
        if len(paragraph) <= per_line:  # its words and single spaces fit: one line
            continue
        words, length = paragraph.split(), 0
        for word in words:  # greedy wrapping, as the spreadsheet does it
            needed = len(word) if length == 0 else length + 1 + len(word)
            if needed > per_line and length > 0:
                lines += 1 + (len(word) - 1) // per_line
                length = len(word) % per_line or per_line
                if limit is not None and lines >= limit:
                    return limit
            else:
                length = needed
    return lines if limit is None else min(lines, limit)


def row_height(
    texts: list[tuple[str, float]],
    minimum: float = 15.0,
    maximum: float = 409.0,
    chars_per_unit: float = CHARS_PER_UNIT,
) -> float:
    """A row height in points that shows every (text, column width) pair wrapped in full."""
    # Lines past the first count that reaches the maximum height change nothing: not counted.
    limit = max(math.ceil((maximum - 3) / POINTS_PER_LINE), 1)
    lines = max(
        (wrapped_lines(text, width, chars_per_unit, limit) for text, width in texts), default=1
    )
    return min(max(minimum, lines * POINTS_PER_LINE + 3), maximum)

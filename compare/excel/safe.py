"""Cell text and sheet names that Excel accepts as they are: data never becomes a formula.

Text in a workbook comes from documents (quotes, titles, file names) and from analysts' notes.
Excel evaluates a cell typed as a formula, and re-evaluates a text cell that starts with `=`,
`+`, `-` or `@` as soon as someone edits it (OWASP: "CSV injection"). So every text cell is
written as a string (`data_type "s"`) and, where it starts with one of those characters or a tab
or carriage return, with Excel's quote prefix: the cell shows the text exactly and stays text
when edited, which is what Excel itself does when a user types `'=...`. Text is also cut to
Excel's cell limit and stripped of the control characters the file format cannot hold, so no
export fails or produces a file Excel must "repair".
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the command line's CSV writer uses this module without loading openpyxl
    from openpyxl.cell.cell import Cell

MAX_CELL_CHARS = 32_767  # Excel's limit on the characters in one cell
MAX_SHEET_NAME = 31  # Excel's limit on a sheet name
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list of dangerous first characters
TRUNCATION_MARKER = " … [afkortet: {n} tegn udeladt]"

_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_RESERVED_SHEET_NAMES = frozenset({"history"})  # Excel reserves this name


@cache
def _illegal_characters() -> re.Pattern[str]:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE


def clean_text(value: Any) -> str:
    """The text of a value without the control characters an xlsx file cannot hold, cut to fit.

    `None` becomes "". Text longer than Excel's 32,767 characters is cut and ends with a marker
    saying how much was left out, so a reader sees the cell is incomplete.
    """
    if value is None:
        return ""
    text = _illegal_characters().sub("", str(value))
    if len(text) <= MAX_CELL_CHARS:
        return text
    # n (the characters left out) has at most as many digits as len(text): a safe upper bound.
    keep = MAX_CELL_CHARS - len(TRUNCATION_MARKER.format(n=len(text)))
    return text[:keep] + TRUNCATION_MARKER.format(n=len(text) - keep)


def needs_quote_prefix(text: str) -> bool:
    """True when Excel would read the text as a formula once a user edits the cell."""
    return text.startswith(FORMULA_TRIGGERS)


def write_text(cell: Cell, value: Any) -> Cell:
    """Put text into a cell so Excel shows it verbatim and never evaluates it.

    The value is cleaned and cut (`clean_text`), typed as a string and, when it starts with a
    formula trigger, given Excel's quote prefix. Empty text leaves the cell empty.
    """
    text = clean_text(value)
    if not text:
        cell._value, cell.data_type = None, "n"  # as `cell.value = None`
        return cell
    # What `cell.value = text` and then typing it as a string give, without openpyxl's checks
    # (its type inference, its scan for illegal characters): `clean_text` has done them.
    cell._value = text
    cell.data_type = "s"
    if needs_quote_prefix(text):
        cell.quotePrefix = True
    return cell


def write_value(cell: Cell, value: Any) -> Cell:
    """Put a number or date into a cell as it is; text (and anything else) via `write_text`."""
    if isinstance(value, bool):
        return write_text(cell, "ja" if value else "nej")
    if value is None or type(value) in (int, float):  # what `cell.value = value` does with them
        cell._value, cell.data_type = value, "n"
        return cell
    if isinstance(value, int | float | date | datetime):
        cell.value = value
        return cell
    return write_text(cell, value)


def sheet_title(name: str, taken: set[str] | None = None) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\\`, unique.

    `taken` holds the names already used in the workbook (compared case-insensitively, as Excel
    does); the new name is added to it. A clash gets " (2)", " (3)", ... within the 31 characters.
    """
    taken = taken if taken is not None else set()
    base = _SHEET_NAME_FORBIDDEN.sub("-", clean_text(name))
    base = re.sub(r"\s+", " ", base).strip().strip("'").strip() or "Ark"
    if base.casefold() in _RESERVED_SHEET_NAMES:
        base += " (1)"
    base = base[:MAX_SHEET_NAME].rstrip().rstrip("'")
    used = {t.casefold() for t in taken}
    title, n = base, 1
    while title.casefold() in used:
        n += 1
        suffix = f" ({n})"
        title = base[: MAX_SHEET_NAME - len(suffix)].rstrip().rstrip("'") + suffix
    taken.add(title)
    return title


def quote_sheet(title: str) -> str:
    """A sheet name as a formula/hyperlink reference needs it: 'Name' with ' doubled."""
    return "'" + title.replace("'", "''") + "'"

"""Saving a workbook: openpyxl's own writer, with the cells of each sheet written as text.

openpyxl serialises every cell through lxml one element at a time (about 13 µs a cell; the
export has ~75,000): most of an export's time. Here each row of plain cells (text, numbers,
booleans, dates, empty styled cells) is formatted as the very XML openpyxl would write, bytes
for bytes, and written straight to the sheet's stream; any other cell (a formula, rich text)
sends its whole row through openpyxl's writer. Everything else in the file (styles, comments,
hyperlinks, print setup) is openpyxl's. `tests/test_xlsx_writer.py` compares every part of the
file with what `Workbook.save` writes.
"""

from __future__ import annotations

import datetime
import re
from functools import lru_cache
from io import BytesIO
from typing import IO, Any
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import LXML, Workbook
from openpyxl.cell._writer import _set_attributes
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.compat import safe_string
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

_NUMBER_TYPES = (int, float)
_ATTRIBUTE_SPECIAL = re.compile('[&<>"\n\r\t]')
_column_letter = lru_cache(maxsize=None)(get_column_letter)
_LETTERS = {n: get_column_letter(n) for n in range(1, 703)}  # A..ZZ, looked up per cell
_NO_STYLE = bytes(StyleArray().tobytes())  # the style array of a cell with no style set
COMPRESS_LEVEL = 1  # zlib level: a third of the time of the default 6, the file ~40 % larger


def _text(value: str) -> str:
    """Text content escaped as lxml escapes it (&, <, > and CR); the row is encoded later."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    return value


def _attribute(value: str) -> str:
    """An attribute value escaped as lxml escapes it (row heights and flags need none)."""
    if not _ATTRIBUTE_SPECIAL.search(value):
        return value
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )


class _RowsAsText(WorksheetWriter):
    """openpyxl's worksheet writer, but rows of plain cells go to the stream as text."""

    def __init__(self, ws: Any) -> None:
        self.buffer = BytesIO()
        super().__init__(ws, out=self.buffer)
        self._style_ids: dict[bytes, int] = {}

    def write_rows(self) -> None:
        xf = self.xf.send(True)
        pending: list[bytes] = []
        with xf.element("sheetData"):
            for row_idx, row in self.rows():
                text = self._row_text(row, row_idx)
                if text is not None:
                    pending.append(text)
                    continue
                self._write_pending(xf, pending)
                self.write_row(xf, row, row_idx)  # openpyxl's, for the cells only it can write
            self._write_pending(xf, pending)
        self.xf.send(None)

    def _write_pending(self, xf: Any, pending: list[bytes]) -> None:
        if pending:
            xf.flush()  # what lxml holds goes first, then the rows, straight into its stream
            self.buffer.write(b"".join(pending))
            pending.clear()

    def _row_text(self, row: list[Any], row_idx: int) -> bytes | None:
        """The row's XML as openpyxl writes it, or None where a cell needs openpyxl's writer."""
        attrs = {"r": f"{row_idx}"}
        attrs.update(self.ws.row_dimensions.get(row_idx, {}))
        parts = ["<row " + " ".join(f'{k}="{_attribute(v)}"' for k, v in attrs.items()) + ">"]
        style_ids = self._style_ids
        cell_styles = self.ws.parent._cell_styles
        comments: list[Any] = []
        hyperlinks: list[Any] = []
        number = f"{row_idx}"
        for cell in row:
            comment = cell._comment
            if comment is not None:
                comments.append(cell)
            style = cell._style
            key = style.tobytes() if style is not None else _NO_STYLE
            styled = key != _NO_STYLE  # any(style): a style index is set
            value = cell._value
            if value is None and not styled and comment is None:
                continue
            kind = cell.data_type
            column = cell.column
            letter = _LETTERS.get(column) or _column_letter(column)
            if styled:
                style_id = style_ids.get(key)
                if style_id is None:
                    style_id = style_ids[key] = cell_styles.add(style)
                head = f'<c r="{letter}{number}" s="{style_id}"'  # cell.coordinate, style
            else:
                head = f'<c r="{letter}{number}"'
            link = cell.hyperlink
            if link:
                hyperlinks.append(link)
            if kind == "s" and isinstance(value, str):
                if value == "":
                    parts.append(f'{head} t="inlineStr"></c>')
                else:
                    # as `value != value.strip()`: strip and isspace share one definition
                    edge = value[0].isspace() or value[-1].isspace()
                    space = ' xml:space="preserve"' if edge else ""
                    parts.append(f'{head} t="inlineStr"><is><t{space}>{_text(value)}</t></is></c>')
            elif kind in ("n", "b") and (value is None or isinstance(value, _NUMBER_TYPES)):
                if value is None:
                    parts.append(f'{head} t="{kind}"></c>')
                else:
                    parts.append(f'{head} t="{kind}"><v>{safe_string(value)}</v></c>')
            elif kind == "d" and isinstance(value, datetime.date | datetime.datetime):
                shown, attributes = _set_attributes(cell, styled)
                if link:
                    self.ws._hyperlinks.pop()  # _set_attributes added it; it is added below
                attributes_text = " ".join(f'{k}="{_attribute(v)}"' for k, v in attributes.items())
                parts.append(f"<c {attributes_text}><v>{safe_string(shown)}</v></c>")
            else:
                return None  # formulas, rich text, errors: openpyxl's writer
        for cell in comments:
            self.ws._comments.append(CommentRecord.from_cell(cell))
        self.ws._hyperlinks.extend(hyperlinks)
        parts.append("</row>")
        return "".join(parts).encode("ascii", "xmlcharrefreplace")

    def read_bytes(self) -> bytes:
        self.close()
        return self.buffer.getvalue()


class _Writer(ExcelWriter):
    """openpyxl's ExcelWriter, with each worksheet's rows written by `_RowsAsText`."""

    def write_worksheet(self, ws: Any) -> None:
        # As openpyxl's ExcelWriter.write_worksheet does for a workbook that is not write-only.
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = _RowsAsText(ws)
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read_bytes())
        self.manifest.append(ws)


def save_xlsx(workbook: Workbook, target: str | IO[bytes]) -> None:
    """Write `workbook` to a path or binary file as `workbook.save` would, faster.

    Where openpyxl writes with the standard library's XML writer instead of lxml (lxml is not
    installed), or the workbook is write-only, this is `workbook.save` itself.
    """
    if not LXML or workbook.write_only:
        workbook.save(target)
        return
    # As openpyxl.writer.excel.save_workbook does, but compressed faster (the parts are the same).
    with ZipFile(
        target, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=COMPRESS_LEVEL
    ) as archive:
        workbook.properties.modified = datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
        writer = _Writer(workbook, archive)
        writer.write_data()

"""Saving a workbook: openpyxl's own writer, with the cells of each sheet written as text.

openpyxl serialises every cell through lxml one element at a time (about 13 µs a cell; the
export has ~75,000): most of an export's time. Here each row of plain cells (text, numbers,
booleans, dates, empty styled cells) is formatted as the very XML openpyxl would write, bytes
for bytes, and written straight to the sheet's stream; any other cell (a formula, rich text)
sends its whole row through openpyxl's writer. The plain rows that the big tables keep as values
(`compare.excel.plain_rows`) are written the same way, as the cells `materialize` would make of
them. Comments (their part and its VML) and links within the workbook are written as text too
where they are plain (text only, no VBA, no external target); row attributes of rows without a
style of their own are read without openpyxl's style lookups. Everything else in the file
(styles, print setup, merged cells) is openpyxl's. `tests/test_xlsx_writer.py` and
`tests/test_export_plain_rows.py` compare every part of the file with what `Workbook.save`
writes for the same workbook made of openpyxl cells.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from typing import IO, Any
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import LXML, Workbook
from openpyxl.cell._writer import _set_attributes
from openpyxl.comments.author import AuthorList
from openpyxl.comments.comment_sheet import CommentRecord, CommentSheet
from openpyxl.compat import safe_string
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.packaging.relationship import Relationship
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import coordinate_to_tuple, get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.constants import SHEET_MAIN_NS

from compare.excel.plain_rows import PlainRow, materialize, materialize_sheet, rows_of
from compare.excel.safe import FORMULA_TRIGGERS, MAX_CELL_CHARS, clean_text

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
        plain = rows_of(ws)
        if plain and plain.keys() & ({r for r, _ in ws._cells} | ws.row_dimensions.keys()):
            materialize_sheet(ws)  # cells of its own in a plain row's place: openpyxl's cells
            plain = {}
        self._plain = plain
        # id(look) -> (look, its ' s="n"' attribute or "" for no style), as used in the file
        self._look_attributes: dict[int, tuple[Any, str]] = {}
        self._looks_attributes: dict[int, tuple[Sequence[Any], list[str | None]]] = {}
        self._prefixed: dict[int, tuple[Any, StyleArray]] = {}  # id(look) -> with quotePrefix

    def write_dimensions(self) -> None:
        """The sheet's extent, as `calculate_dimension` gives it for the cells that
        `materialize` makes of the plain rows (each fills its columns from 1 on)."""
        if not self._plain:
            super().write_dimensions()
            return
        rows = {r for r, _ in self.ws._cells}
        columns = {c for _, c in self.ws._cells}
        for row in self._plain.values():
            if row.values:
                rows.add(row.r)
                columns.update((1, len(row.values)))
        ref = "A1:A1"
        if rows:
            first, last = _column_letter(min(columns)), _column_letter(max(columns))
            ref = f"{first}{min(rows)}:{last}{max(rows)}"
        self.xf.send(SheetDimension(ref).to_tree())

    def rows(self) -> list[tuple[int, Any]]:
        """openpyxl's rows (number, cells), with each plain row (number, PlainRow) in its place."""
        rows = super().rows()
        if not self._plain:
            return rows
        return sorted([*rows, *self._plain.items()], key=lambda row: row[0])

    def write_rows(self) -> None:
        xf = self.xf.send(True)
        pending: list[bytes] = []
        with xf.element("sheetData"):
            for row_idx, row in self.rows():
                if isinstance(row, PlainRow):
                    pending.append(self._plain_text(row))
                    continue
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
        attrs.update(_row_attributes(self.ws.row_dimensions.get(row_idx)))
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
        for cell in comments:  # what CommentRecord.from_cell(cell) takes from it
            c = cell._comment
            self.ws._comments.append(_Note(cell.coordinate, c.author, c.content, c.height, c.width))
        self.ws._hyperlinks.extend(hyperlinks)
        parts.append("</row>")
        return "".join(parts).encode("ascii", "xmlcharrefreplace")

    def write_hyperlinks(self) -> None:
        """The sheet's links as openpyxl writes them, as text where each is a link within the
        workbook (a location, no target: nothing for the sheet's relationships)."""
        links = self.ws._hyperlinks
        if not links or not all(_internal_link(link) for link in links):
            super().write_hyperlinks()
            return
        parts = ["<hyperlinks>"]
        for link in links:  # Hyperlink's attributes in their order, those that are set
            attributes = " ".join(
                f'{name}="{_attribute(value)}"'
                for name, value in (
                    ("ref", link.ref),
                    ("location", link.location),
                    ("tooltip", link.tooltip),
                    ("display", link.display),
                )
                if value is not None
            )
            parts.append(f"<hyperlink {attributes}/>")
        parts.append("</hyperlinks>")
        xf = self.xf.send(True)
        xf.flush()  # what lxml holds goes first, then the links, straight into its stream
        self.buffer.write("".join(parts).encode("ascii", "xmlcharrefreplace"))
        self.xf.send(None)

    def _look(self, look: Any) -> str:
        """A look's ` s="n"` attribute (n: its index among the workbook's cell styles, added on
        first use as `_row_text` adds a cell's style), or "" for a cell without style."""
        known = self._look_attributes.get(id(look))
        if known is not None and known[0] is look:
            return known[1]
        key = look.tobytes() if look is not None else _NO_STYLE
        attribute = ""
        if key != _NO_STYLE:
            style_id = self._style_ids.get(key)
            if style_id is None:
                style_id = self._style_ids[key] = self.ws.parent._cell_styles.add(look)
            attribute = f' s="{style_id}"'
        self._look_attributes[id(look)] = (look, attribute)
        return attribute

    def _with_prefix(self, look: Any) -> StyleArray:
        """The look with Excel's quote prefix set, as `cell.quotePrefix = True` gives it."""
        known = self._prefixed.get(id(look))
        if known is not None and known[0] is look:
            return known[1]
        prefixed = StyleArray(look) if look is not None else StyleArray()
        prefixed.quotePrefix = True
        self._prefixed[id(look)] = (look, prefixed)
        return prefixed

    def _row_looks(self, looks: Sequence[Any]) -> list[str | None]:
        """Each column's ` s="n"` attribute for a row's looks, None until a cell of the column
        uses it (rows of a table share theirs): styles are numbered in the order cells first
        use them, as `_row_text` numbers them."""
        known = self._looks_attributes.get(id(looks))
        if known is None or known[0] is not looks:
            known = self._looks_attributes[id(looks)] = (looks, [None] * len(looks))
        return known[1]

    def _plain_text(self, row: PlainRow) -> bytes:
        """A plain row's XML: what `_row_text` writes for the cells `materialize` makes of it
        (`write_value` of each value on a cell of its column's look)."""
        number = f"{row.r}"
        if row.height is None:
            parts = [f'<row r="{number}">']
        else:  # RowDimension's attributes for a height
            parts = [f'<row r="{number}" ht="{safe_string(row.height)}" customHeight="1">']
        styles = self._row_looks(row.looks)
        append = parts.append
        for index, value in enumerate(row.values):
            kind = type(value)
            if kind is str or kind is bool:
                if kind is bool:
                    text = "ja" if value else "nej"
                elif value.isprintable() and len(value) <= MAX_CELL_CHARS:
                    text = value  # nothing for `clean_text` to remove or cut (no control char)
                else:
                    text = clean_text(value)
                if text:
                    style: str | None
                    if text.startswith(FORMULA_TRIGGERS):  # needs_quote_prefix
                        style = self._look(self._with_prefix(row.looks[index]))
                    else:
                        style = styles[index]
                        if style is None:
                            style = styles[index] = self._look(row.looks[index])
                    # as `value != value.strip()`: strip and isspace share one definition
                    space = (
                        ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
                    )
                    if "&" in text or "<" in text or ">" in text or "\r" in text:
                        text = _text(text)
                    append(
                        f'<c r="{_LETTERS.get(index + 1) or _column_letter(index + 1)}{number}"'
                        f'{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'
                    )
                    continue
                value = None
            style = styles[index]
            if style is None:
                style = styles[index] = self._look(row.looks[index])
            if value is None:
                if style:  # an empty cell without a style is not written
                    letter = _LETTERS.get(index + 1) or _column_letter(index + 1)
                    append(f'<c r="{letter}{number}"{style} t="n"></c>')
            else:  # int or float (PLAIN_TYPES)
                letter = _LETTERS.get(index + 1) or _column_letter(index + 1)
                shown = safe_string(value)
                append(f'<c r="{letter}{number}"{style} t="n"><v>{shown}</v></c>')
        append("</row>")
        return "".join(parts).encode("ascii", "xmlcharrefreplace")

    def read_bytes(self) -> bytes:
        self.close()
        return self.buffer.getvalue()


_VML_HEAD = (  # what openpyxl's ShapeWriter writes before the shapes (lxml's own prefixes)
    '<xml><ns0:shapelayout xmlns:ns0="urn:schemas-microsoft-com:office:office" '
    'xmlns:ns1="urn:schemas-microsoft-com:vml" ns1:ext="edit"><ns0:idmap ns1:ext="edit" '
    'data="1"/></ns0:shapelayout><ns2:shapetype xmlns:ns2="urn:schemas-microsoft-com:vml" '
    'xmlns:ns3="urn:schemas-microsoft-com:office:office" id="_x0000_t202" '
    'coordsize="21600,21600" ns3:spt="202" path="m,l,21600r21600,l21600,xe"><ns2:stroke '
    'joinstyle="miter"/><ns2:path gradientshapeok="t" ns3:connecttype="rect"/></ns2:shapetype>'
)
_VML_SHAPE = (  # one comment's shape, as openpyxl's shape_writer._shape_factory makes it
    '<ns0:shape xmlns:ns0="urn:schemas-microsoft-com:vml" '
    'xmlns:ns1="urn:schemas-microsoft-com:office:office" type="#_x0000_t202" '
    'style="{style}" fillcolor="#ffffe1" ns1:insetmode="auto" id="_x0000_s{id:04d}">'
    '<ns0:fill color2="#ffffe1"/><ns0:shadow color="black" obscured="t"/><ns0:path '
    'ns1:connecttype="none"/><ns0:textbox style="mso-direction-alt:auto"><div '
    'style="text-align:left"/></ns0:textbox><ns2:ClientData '
    'xmlns:ns2="urn:schemas-microsoft-com:office:excel" ObjectType="Note"><ns2:MoveWithCells/>'
    "<ns2:SizeWithCells/><ns2:AutoFill>False</ns2:AutoFill><ns2:Row>{row}</ns2:Row>"
    "<ns2:Column>{column}</ns2:Column></ns2:ClientData></ns0:shape>"
)
_VML_STYLE = (
    "position:absolute; margin-left:59.25pt;margin-top:1.5pt;width:{width}px;"
    "height:{height}px;z-index:1;visibility:hidden"
)
_XML_TEXT = re.compile(r"[^\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]*")


def _internal_link(link: Any) -> bool:
    """A link as the matrix sheets make them: to a place in the workbook, attributes text."""
    return (
        not link.target
        and link.id is None
        and isinstance(link.ref, str)
        and all(
            value is None or (isinstance(value, str) and _XML_TEXT.fullmatch(value))
            for value in (link.location, link.tooltip, link.display)
        )
    )


_ROW_FIELDS = ("hidden", "outlineLevel", "collapsed", "ht")


def _row_attributes(dimension: Any) -> Any:
    """A row dimension's attributes as iterating it gives them (`Dimension.__iter__`), without
    its style lookups where it has no style of its own (style id 0: not written)."""
    if dimension is None:
        return ()
    style = dimension._style
    if style is not None and style.tobytes() != _NO_STYLE:
        return dimension  # openpyxl's own iteration
    attributes = []
    for name in _ROW_FIELDS:  # then customFormat (no style: false) and customHeight
        value = getattr(dimension, name, None)
        if value:
            attributes.append((name, safe_string(value)))
    if dimension.ht is not None:
        attributes.append(("customHeight", "1"))
    for name in ("thickBot", "thickTop"):
        value = getattr(dimension, name, None)
        if value:
            attributes.append((name, safe_string(value)))
    return attributes


@dataclass(frozen=True, slots=True)
class _Note:
    """A cell's comment as the comments part needs it: what `CommentRecord.from_cell` keeps,
    without making the record (a dozen checked attributes) unless openpyxl writes the part."""

    ref: str
    author: Any
    content: Any
    height: Any
    width: Any

    def plain(self) -> bool:
        """True when the text part can be written as text (text and author are XML text)."""
        author, content = self.author, self.content
        return (
            isinstance(author, str)
            and isinstance(content, str)
            and author != ""
            and author == author.strip()
            and _XML_TEXT.fullmatch(author) is not None
            and _XML_TEXT.fullmatch(content) is not None
        )

    def record(self) -> CommentRecord:
        """The record `CommentRecord.from_cell` makes of the cell."""
        record = CommentRecord(ref=self.ref, author=self.author)
        record.text.t = self.content
        record.height = self.height
        record.width = self.width
        return record


def _comments_xml(notes: list[_Note], authors: list[str], author_ids: list[int]) -> bytes:
    """The comments part as `tostring(CommentSheet.from_comments(records).to_tree())` writes
    it for the records of plain notes."""
    parts = [f'<comments xmlns="{SHEET_MAIN_NS}"><authors>']
    parts.extend(f"<author>{_text(author)}</author>" for author in authors)
    parts.append("</authors><commentList>")
    for note, author_id in zip(notes, author_ids, strict=True):
        text = note.content
        stripped = text.strip()  # NestedText's `whitespace`: preserve around non-blank text
        space = ' xml:space="preserve"' if stripped and text != stripped else ""
        parts.append(
            f'<comment ref="{_attribute(note.ref)}" authorId="{author_id}" '
            f'shapeId="0"><text><t{space}>{_text(text)}</t></text></comment>'
        )
    parts.append("</commentList></comments>")
    return "".join(parts).encode("utf-8")


def _shapes_vml(notes: list[_Note]) -> bytes:
    """The comments' VML as openpyxl's `CommentSheet.write_shapes()` writes it (no old VML)."""
    parts = [_VML_HEAD]
    for index, note in enumerate(notes, 1026):
        row, column = coordinate_to_tuple(note.ref)
        style = _VML_STYLE.format(height=note.height, width=note.width)
        parts.append(
            _VML_SHAPE.format(style=_attribute(style), id=index, row=row - 1, column=column - 1)
        )
    parts.append("</xml>")
    return "".join(parts).encode("utf-8")


class _Writer(ExcelWriter):
    """openpyxl's ExcelWriter, with each worksheet's rows written by `_RowsAsText` and plain
    comments (text only, the workbook without VBA) written as text."""

    def _write_comment(self, ws: Any) -> None:
        notes = ws._comments
        if self.workbook.vba_archive is not None or not all(
            type(note) is _Note and note.plain() for note in notes
        ):
            ws._comments = [n.record() if type(n) is _Note else n for n in notes]
            super()._write_comment(ws)
            return
        # As openpyxl's ExcelWriter._write_comment, with the two parts written as text.
        authors: IndexedList[str] = IndexedList()
        author_ids = [authors.add(note.author) for note in notes]  # as from_comments numbers
        cs = CommentSheet(authors=AuthorList(authors), commentList=[])  # its path and type
        self._comments.append(cs)
        cs._id = len(self._comments)
        self._archive.writestr(cs.path[1:], _comments_xml(notes, list(authors), author_ids))
        self.manifest.append(cs)
        ws.legacy_drawing = f"xl/drawings/commentsDrawing{cs._id}.vml"
        self._archive.writestr(ws.legacy_drawing, _shapes_vml(notes))
        self.vba_modified.add(ws.legacy_drawing)
        ws._rels.append(Relationship(Id="comments", type=cs._rel_type, Target=cs.path))

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
        materialize(workbook)  # openpyxl's writer knows only cells
        workbook.save(target)
        return
    # As openpyxl.writer.excel.save_workbook does, but compressed faster (the parts are the same).
    with ZipFile(
        target, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=COMPRESS_LEVEL
    ) as archive:
        workbook.properties.modified = datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
        writer = _Writer(workbook, archive)
        writer.write_data()

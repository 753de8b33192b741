"""Reading and writing framework files: TOML, and the same columns as a CSV or XLSX sheet.

Every reader returns a `RawFramework`: the framework-level fields, the item rows as plain dicts,
and the line of each item in the file, so validation can say *where* a problem is.

Sheet layout (CSV or the first worksheet of an XLSX), one row per item under a header row:

    framework | title | kind | year | item | label | group | description | keywords

`framework`, `title`, `kind` and `year` belong to the whole framework: fill them on the first item
row; later rows may leave them empty (or repeat the same values). `keywords` holds several
keywords separated by `;`. `group`, `description`, `keywords` and `year` may be left empty.
The header names are case-insensitive; the column order does not matter.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compare.errors import BadFramework, UnsafeArchive
from compare.zipguard import check_archive

SUFFIXES = (".toml", ".csv", ".xlsx")
SHEET_COLUMNS = (
    "framework",
    "title",
    "kind",
    "year",
    "item",
    "label",
    "group",
    "description",
    "keywords",
)
_FRAMEWORK_COLUMNS = ("framework", "title", "kind", "year")
_TOML_LINE = re.compile(r"at line (\d+)")
_TOML_ITEM_HEADER = re.compile(r"^\s*\[\[\s*items\s*\]\]")
_TOML_ID_LINE = re.compile(r"^\s*id\s*=")


@dataclass
class RawFramework:
    """A framework file's content before validation."""

    path: Path
    fields: dict[str, Any]
    items: list[dict[str, Any]]
    item_lines: list[int | None] = field(default_factory=list)  # line of each item, where known
    id_lines: list[int | None] = field(default_factory=list)  # line of each item's id, where known


def read_raw(path: Path) -> RawFramework:
    """Read a framework file of any supported type, without validating its content."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise BadFramework(
            path, f"unsupported file type {suffix or '(none)'!r}: use .toml, .csv or .xlsx"
        )
    try:
        data = path.read_bytes()
    except OSError as err:
        raise BadFramework(path, f"cannot read the file ({err.strerror or err})") from err
    if suffix == ".toml":
        return _read_toml(path, data)
    if suffix == ".csv":
        return _read_csv(path, data)
    return _read_xlsx(path, data)


def _read_toml(path: Path, data: bytes) -> RawFramework:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise BadFramework(path, "the file is not UTF-8 text; save it as UTF-8") from err
    try:
        content = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        match = _TOML_LINE.search(str(err))
        line = int(match.group(1)) if match else None
        problem = _TOML_LINE.sub("", str(err)).replace("(, column", "(column").strip()
        raise BadFramework(path, f"bad TOML: {problem}", line) from err
    items = content.pop("items", None)
    if items is None:
        items = []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise BadFramework(path, "'items' must be a list of [[items]] tables")
    item_lines, id_lines = _toml_item_lines(text, len(items))
    return RawFramework(path, content, items, item_lines, id_lines)


def _toml_item_lines(text: str, n_items: int) -> tuple[list[int | None], list[int | None]]:
    """Line numbers of each `[[items]]` header and of the `id =` line inside it."""
    headers: list[int] = []
    ids: list[int | None] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if _TOML_ITEM_HEADER.match(line):
            headers.append(number)
            ids.append(None)
        elif headers and ids[-1] is None and _TOML_ID_LINE.match(line):
            ids[-1] = number
    if len(headers) != n_items:  # inline tables or another layout: positions unknown
        return [None] * n_items, [None] * n_items
    return list(headers), ids


def _read_csv(path: Path, data: bytes) -> RawFramework:
    text = _decode_sheet_text(path, data)
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    return _rows_to_raw(path, list(enumerate(rows, start=1)))


def _decode_sheet_text(path: Path, data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):  # Excel on Danish Windows saves CSV as cp1252
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BadFramework(path, "the file is neither UTF-8 nor Windows-1252 text")


def _read_xlsx(path: Path, data: bytes) -> RawFramework:
    from openpyxl import load_workbook  # imported here: only needed for spreadsheets

    try:
        check_archive(data, path.name)  # before openpyxl inflates any part
    except UnsafeArchive as err:
        raise BadFramework(path, str(err).removeprefix(f"{path.name}: ")) from None
    except zipfile.BadZipFile as err:
        raise BadFramework(path, f"not a readable .xlsx workbook ({type(err).__name__})") from err
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many types for a corrupt file
        raise BadFramework(path, f"not a readable .xlsx workbook ({type(err).__name__})") from err
    try:
        sheet = workbook.worksheets[0]
        rows = [
            (number, ["" if v is None else str(v) for v in row])
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()
    _refuse_unsaved_formulas(path, data, rows)
    return _rows_to_raw(path, rows)


def _refuse_unsaved_formulas(path: Path, data: bytes, rows: list[tuple[int, list[str]]]) -> None:
    """Raise BadFramework naming the first formula cell with no saved value.

    A formula's result is only in the file when a spreadsheet program saved it; without it the
    cell reads as empty, and "missing label" would send the user looking for the wrong thing.
    """
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    if all(all(cells) for _, cells in rows):
        return  # every cell has a value: nothing can be a formula without one
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        formulas = workbook.worksheets[0].iter_rows(values_only=True)
        header = [c.strip().lower() for c in rows[0][1]] if rows else []
        for (number, values), raw in zip(rows, formulas, strict=False):
            for column, (value, formula) in enumerate(zip(values, raw, strict=False)):
                if not value and isinstance(formula, str) and formula.startswith("="):
                    name = header[column] if column < len(header) and header[column] else None
                    cell = f"{get_column_letter(column + 1)}{number}"
                    raise BadFramework(
                        path,
                        f"cell {cell}{f' ({name})' if name else ''} is a formula ({formula[:60]}) "
                        "with no saved value; type the text itself, or open and save the file in "
                        "Excel or LibreOffice so the value is stored",
                        number,
                    )
    finally:
        workbook.close()


def _rows_to_raw(path: Path, rows: list[tuple[int, list[str]]]) -> RawFramework:
    """Turn sheet rows (header first) into framework fields and item dicts."""
    rows = [(n, [c.strip() for c in row]) for n, row in rows if any(c.strip() for c in row)]
    if not rows:
        raise BadFramework(
            path,
            "the sheet is empty; expected a header row with the columns "
            + ", ".join(SHEET_COLUMNS),
        )
    header_line, header = rows[0]
    names = [h.lower() for h in header]
    unknown = [h for h in names if h and h not in SHEET_COLUMNS]
    if unknown:
        raise BadFramework(
            path,
            f"unknown column {unknown[0]!r}; expected the columns " + ", ".join(SHEET_COLUMNS),
            header_line,
        )
    for required in ("framework", "kind", "item", "label"):
        if required not in names:
            raise BadFramework(path, f"missing column {required!r}", header_line)
    fields: dict[str, Any] = {}
    items: list[dict[str, Any]] = []
    lines: list[int | None] = []
    for number, row in rows[1:]:
        cells = dict(zip(names, row + [""] * (len(names) - len(row)), strict=False))
        for column in _FRAMEWORK_COLUMNS:
            value = cells.get(column, "")
            if not value:
                continue
            key = "id" if column == "framework" else column
            if key in fields and str(fields[key]) != value:
                raise BadFramework(
                    path,
                    f"column {column!r} differs from the first row "
                    f"({fields[key]!r} vs {value!r}); a sheet holds one "
                    "framework",
                    number,
                )
            fields[key] = value
        item: dict[str, Any] = {"id": cells.get("item", ""), "label": cells.get("label", "")}
        for optional in ("group", "description"):
            if cells.get(optional):
                item[optional] = cells[optional]
        if cells.get("keywords"):
            item["keywords"] = [k.strip() for k in cells["keywords"].split(";") if k.strip()]
        items.append(item)
        lines.append(number)
    if "year" in fields:
        fields["year"] = _sheet_year(fields["year"])
    return RawFramework(path, fields, items, lines, list(lines))


def _sheet_year(value: str) -> int | str:
    text = value.strip()
    if re.fullmatch(r"\d{4}(\.0)?", text):  # spreadsheets may store 2018 as 2018.0
        return int(float(text))
    return text  # validation reports it as a bad year


def _toml_string(value: str) -> str:
    escaped = (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\t", "\\t")
        .replace("\r", "\\r")
    )
    escaped = re.sub(
        r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", escaped
    )
    return f'"{escaped}"'


def to_toml(fields: dict[str, Any], items: list[dict[str, Any]]) -> str:
    """A framework as TOML text in the documented layout (strings, ints and string lists)."""
    lines = []
    for key in ("id", "title", "kind", "year", "council"):
        value = fields.get(key)
        if value is None:
            continue
        lines.append(
            f"{key} = {value}" if isinstance(value, int) else f"{key} = {_toml_string(str(value))}"
        )
    for item in items:
        lines.append("")
        lines.append("[[items]]")
        for key in ("id", "group", "label", "description"):
            if item.get(key):
                lines.append(f"{key} = {_toml_string(str(item[key]))}")
        if item.get("keywords"):
            keywords = ", ".join(_toml_string(k) for k in item["keywords"])
            lines.append(f"keywords = [{keywords}]")
    return "\n".join(lines) + "\n"
